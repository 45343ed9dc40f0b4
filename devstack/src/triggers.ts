/**
 * Firestore triggers without firebase-tools owning the Firestore emulator (it refuses Java < 21):
 * the Firestore emulator delivers events to this relay under a stable trigger id, and the relay
 * forwards them to the functions emulator under that function's current key. firebase-tools suffixes
 * event-trigger keys with a generation number that grows on every hot reload, so the relay resolves
 * the key again whenever the functions emulator answers 404 with its list of valid keys.
 * A registrar keeps the Firestore emulator's trigger registrations in step with the loaded functions.
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import { freePort } from "./net.js";

export interface FirestoreTriggerDefinition {
  /** region-name, e.g. us-central1-onUserProfileCreated: stable across reloads. */
  id: string;
  eventType: string;
  database: string;
  namespace: string;
  document: string;
  matchType: "EXACT" | "PATH_PATTERN";
}

interface BackendTrigger {
  id: string;
  eventTrigger?: {
    eventType: string;
    eventFilters?: Record<string, string>;
    eventFilterPathPatterns?: Record<string, string>;
  };
}

/** The v2 Firestore triggers the functions emulator has loaded (its /backends listing). */
export async function listFirestoreTriggers(functionsBaseUrl: string): Promise<FirestoreTriggerDefinition[]> {
  const response = await fetch(`${functionsBaseUrl}/backends`);
  if (!response.ok) throw new Error(`functions emulator /backends: ${response.status}`);
  const { backends } = (await response.json()) as { backends: { functionTriggers: BackendTrigger[] }[] };
  const triggers: FirestoreTriggerDefinition[] = [];
  for (const trigger of backends.flatMap((b) => b.functionTriggers)) {
    const event = trigger.eventTrigger;
    if (!event?.eventType.startsWith("google.cloud.firestore.document.v1.")) continue;
    const pattern = event.eventFilterPathPatterns?.document;
    const exact = event.eventFilters?.document;
    triggers.push({
      id: trigger.id,
      eventType: event.eventType,
      database: event.eventFilters?.database ?? "(default)",
      namespace: event.eventFilters?.namespace ?? "(default)",
      document: (pattern ?? exact) as string,
      matchType: pattern ? "PATH_PATTERN" : "EXACT",
    });
  }
  return triggers;
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => resolve(Buffer.concat(chunks)));
    request.on("error", reject);
  });
}

const TRIGGER_PATH = /^\/functions\/projects\/([^/]+)\/triggers\/([^/?]+)/;
const VALID_KEYS = /valid functions are: (.*)$/s;

export interface TriggerRelay {
  /** host:port to give the Firestore emulator as --functions_emulator. */
  address: string;
  close(): Promise<void>;
}

export async function startTriggerRelay(options: { functionsBaseUrl: () => string | null; host?: string; port?: number; log?: (line: string) => void }): Promise<TriggerRelay> {
  const host = options.host ?? "127.0.0.1";
  const port = options.port || (await freePort(host));
  const log = options.log ?? (() => {});
  const currentKey = new Map<string, string>();

  async function forward(projectId: string, key: string, request: IncomingMessage, body: Buffer) {
    const base = options.functionsBaseUrl();
    if (!base) return new Response("functions emulator not running", { status: 503 });
    const headers = new Headers();
    for (const [name, value] of Object.entries(request.headers)) {
      if (typeof value === "string" && name !== "host" && name !== "content-length") headers.set(name, value);
    }
    return fetch(`${base}/functions/projects/${projectId}/triggers/${key}`, { method: "POST", headers, body: new Uint8Array(body) });
  }

  const server: Server = createServer(async (request, response) => {
    try {
      const match = TRIGGER_PATH.exec(request.url ?? "");
      if (!match) {
        response.writeHead(404).end();
        return;
      }
      const [, projectId, triggerId] = match as unknown as [string, string, string];
      const body = await readBody(request);
      let upstream = await forward(projectId, currentKey.get(triggerId) ?? `${triggerId}-0`, request, body);
      if (upstream.status === 404) {
        const listing = VALID_KEYS.exec(await upstream.text())?.[1] ?? "";
        const resolved = listing
          .split(",")
          .map((k) => k.trim())
          .find((k) => new RegExp(`^${triggerId.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}-\\d+$`).test(k));
        if (resolved) {
          currentKey.set(triggerId, resolved);
          upstream = await forward(projectId, resolved, request, body);
        }
      }
      response.writeHead(upstream.status, { "content-type": upstream.headers.get("content-type") ?? "text/plain" });
      response.end(Buffer.from(await upstream.arrayBuffer()));
    } catch (err) {
      log(`trigger relay error: ${String(err)}`);
      if (!response.headersSent) response.writeHead(502);
      response.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  return {
    address: `${host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Registers each trigger with the Firestore emulator under its stable id (delivered via the relay). */
export async function registerFirestoreTriggers(firestoreBaseUrl: string, projectId: string, triggers: FirestoreTriggerDefinition[]): Promise<void> {
  for (const trigger of triggers) {
    const response = await fetch(
      `${firestoreBaseUrl}/emulator/v1/projects/${projectId}/eventarcTrigger?eventarcTriggerId=${encodeURIComponent(trigger.id)}`,
      {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          eventType: trigger.eventType,
          database: trigger.database,
          namespace: trigger.namespace,
          document: { value: trigger.document, matchType: trigger.matchType },
        }),
      },
    );
    if (!response.ok) throw new Error(`registering trigger ${trigger.id}: ${response.status} ${await response.text()}`);
  }
}
