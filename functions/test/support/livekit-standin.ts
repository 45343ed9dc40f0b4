/**
 * A local stand-in for LiveKit's RoomService (Twirp over HTTP/JSON, as livekit-server-sdk speaks it:
 * POST /twirp/livekit.RoomService/{Method}, JSON body in protobuf JSON mapping, admin JWT as Bearer).
 * It records every request and answers the way the real server does, or misbehaves on demand.
 */

import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";

export interface RecordedRequest {
  method: string;
  path: string;
  /** The Twirp method: the last path segment (RemoveParticipant, UpdateParticipant). */
  rpc: string;
  headers: IncomingMessage["headers"];
  body: Record<string, unknown>;
  /** Whatever the test's observer returned when the request arrived (e.g. the RTDB state then). */
  observed?: unknown;
  at: number;
}

/** ok: answers like a server with the participant present; absent: Twirp not_found; error: 500; hang: never answers. */
export type StandInMode = "ok" | "absent" | "error" | "hang";

export interface LiveKitStandIn {
  url: string;
  requests: RecordedRequest[];
  mode: StandInMode;
  /** Called on each request before it is answered; its result is recorded as `observed`. */
  observe: ((request: RecordedRequest) => Promise<unknown>) | null;
  reset(): void;
  close(): Promise<void>;
}

const SERVICE_PREFIX = "/twirp/livekit.RoomService/";

function answer(res: ServerResponse, status: number, body: unknown): void {
  // Twirp errors are recognised by the SDK only with exactly this content type.
  res.writeHead(status, { "Content-Type": "application/json" });
  res.end(JSON.stringify(body));
}

export async function startLiveKitStandIn(): Promise<LiveKitStandIn> {
  const sockets = new Set<Socket>();
  const standIn: LiveKitStandIn = {
    url: "",
    requests: [],
    mode: "ok",
    observe: null,
    reset() {
      standIn.requests.length = 0;
      standIn.mode = "ok";
      standIn.observe = null;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", async () => {
      const path = req.url ?? "";
      const text = Buffer.concat(chunks).toString("utf8");
      const recorded: RecordedRequest = {
        method: req.method ?? "",
        path,
        rpc: path.startsWith(SERVICE_PREFIX) ? path.slice(SERVICE_PREFIX.length) : "",
        headers: req.headers,
        body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
        at: Date.now(),
      };
      standIn.requests.push(recorded);
      if (standIn.observe) {
        try {
          recorded.observed = await standIn.observe(recorded);
        } catch (err) {
          recorded.observed = { observeFailed: String(err) };
        }
      }
      if (req.method !== "POST" || !recorded.rpc) return answer(res, 404, { code: "bad_route", msg: `no handler for ${req.method} ${path}` });
      switch (standIn.mode) {
        case "hang":
          return;
        case "error":
          return answer(res, 500, { code: "internal", msg: "stand-in failure" });
        case "absent":
          return answer(res, 404, { code: "not_found", msg: "participant not found" });
        default:
          if (recorded.rpc === "UpdateParticipant") {
            // ParticipantInfo: the participant as updated.
            return answer(res, 200, {
              sid: "PA_standin",
              identity: recorded.body.identity,
              state: "ACTIVE",
              permission: recorded.body.permission ?? {},
            });
          }
          return answer(res, 200, {});
      }
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  standIn.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return standIn;
}

/** A URL where nothing listens (a port just released): connections are refused. */
export async function unreachableUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}
