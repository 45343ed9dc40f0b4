/** The forwarder both trigger paths use: it follows firebase-tools' trigger keys across hot reloads. */
import assert from "node:assert/strict";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { FunctionsForwarder, listEventTriggers, RELAY_SWITCH_PATH, startTriggerRelay } from "../src/triggers.js";

/** Answers like the functions emulator: 200 for the loaded key, else 404 listing the valid keys. */
class FakeFunctionsEmulator {
  generation = 0;
  readonly received: { key: string; body: string; contentType: string | undefined }[] = [];
  backends: unknown[] = [];
  private readonly server: Server = createServer((request, response) => this.handle(request, response));

  keyOf(id: string): string {
    return `${id}-${this.generation}`;
  }

  private handle(request: IncomingMessage, response: ServerResponse): void {
    let body = "";
    request.on("data", (chunk) => {
      body += chunk;
    });
    request.on("end", () => {
      if (request.url === "/backends") return response.end(JSON.stringify({ backends: this.backends }));
      const key = /\/triggers\/(.+)$/.exec(request.url ?? "")?.[1] ?? "";
      const valid = ["us-central1-httpFn", this.keyOf("us-central1-onMessage"), this.keyOf("us-central1-onMessageExtra")];
      if (!valid.includes(key)) return response.writeHead(404).end(`Function ${key} does not exist, valid functions are: ${valid.join(", ")}`);
      this.received.push({ key, body, contentType: request.headers["content-type"] });
      response.end(JSON.stringify({ status: "acknowledged" }));
    });
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

describe("devstack: trigger forwarding to the functions emulator", () => {
  const emulator = new FakeFunctionsEmulator();
  let baseUrl: string;

  before(async () => {
    baseUrl = await emulator.start();
  });
  after(() => emulator.stop());

  it("finds the current key of a trigger, and finds it again after a hot reload", async () => {
    const forwarder = new FunctionsForwarder(() => baseUrl);
    const post = (body: string) => forwarder.post("demo-x", "us-central1-onMessage", new Headers({ "content-type": "application/json" }), body);
    emulator.generation = 3;
    assert.equal((await post("one")).status, 200);
    assert.equal((await post("two")).status, 200);
    emulator.generation = 4;
    assert.equal((await post("three")).status, 200);
    assert.deepEqual(
      emulator.received.map(({ key, body }) => [key, body]),
      [
        ["us-central1-onMessage-3", "one"],
        ["us-central1-onMessage-3", "two"],
        ["us-central1-onMessage-4", "three"],
      ],
    );
    // A trigger that is not loaded, and an emulator that is not running.
    assert.equal((await forwarder.post("demo-x", "us-central1-gone", new Headers(), "x")).status, 404);
    assert.equal((await new FunctionsForwarder(() => null).post("demo-x", "us-central1-onMessage", new Headers(), "x")).status, 503);
  });

  it("the Firestore relay passes events on through it, headers and body unchanged", async () => {
    emulator.received.length = 0;
    const relay = await startTriggerRelay({ forwarder: new FunctionsForwarder(() => baseUrl) });
    try {
      const response = await fetch(`http://${relay.address}/functions/projects/demo-x/triggers/us-central1-onMessageExtra`, {
        method: "POST",
        headers: { "content-type": "application/protobuf" },
        body: "event-bytes",
      });
      assert.equal(response.status, 200);
      assert.deepEqual(emulator.received, [
        { key: emulator.keyOf("us-central1-onMessageExtra"), body: "event-bytes", contentType: "application/protobuf" },
      ]);
    } finally {
      await relay.close();
    }
  });

  it("the relay drops events while switched off, and switches on only once the emulator's backlog has stopped", async function () {
    this.timeout(15_000);
    emulator.received.length = 0;
    const relay = await startTriggerRelay({ forwarder: new FunctionsForwarder(() => baseUrl) });
    const deliver = (body: string) =>
      fetch(`http://${relay.address}/functions/projects/demo-x/triggers/us-central1-onMessageExtra`, { method: "POST", body });
    const turn = (enabled: boolean) => fetch(`http://${relay.address}${RELAY_SWITCH_PATH}?enabled=${enabled}`, { method: "PUT" });
    try {
      assert.equal((await turn(false)).status, 200);
      assert.equal((await deliver("seeded-1")).status, 204);
      const switchedOn = turn(true);
      // The backlog still arriving keeps the relay dropping.
      await new Promise((resolve) => setTimeout(resolve, 500));
      assert.equal((await deliver("seeded-2")).status, 204);
      assert.deepEqual(await (await switchedOn).json(), { enabled: true, dropped: 2 });
      assert.equal((await deliver("live")).status, 200);
      assert.deepEqual(
        emulator.received.map(({ body }) => body),
        ["live"],
      );
    } finally {
      await relay.close();
    }
  });

  it("reads Firestore and Realtime Database triggers from /backends", async () => {
    emulator.backends = [
      {
        functionTriggers: [
          { id: "us-central1-api", httpsTrigger: {} },
          {
            id: "us-central1-onProfile",
            eventTrigger: {
              eventType: "google.cloud.firestore.document.v1.created",
              eventFilters: { database: "(default)", namespace: "(default)" },
              eventFilterPathPatterns: { document: "users/{uid}" },
            },
          },
          {
            id: "us-central1-onChat",
            eventTrigger: {
              eventType: "google.firebase.database.ref.v1.created",
              eventFilters: {},
              eventFilterPathPatterns: { ref: "chat/{venueKey}/{messageId}", instance: "*" },
            },
          },
          {
            id: "us-central1-onSeat",
            eventTrigger: {
              eventType: "google.firebase.database.ref.v1.written",
              eventFilters: { instance: "demo-x-default-rtdb" },
              eventFilterPathPatterns: { ref: "rooms/{roomId}/seats/{seat}" },
            },
          },
          {
            id: "us-central1-onUpload",
            eventTrigger: { eventType: "google.cloud.storage.object.v1.finalized", eventFilters: { bucket: "demo-x.appspot.com" } },
          },
        ],
      },
    ];
    assert.deepEqual(await listEventTriggers(baseUrl), {
      firestore: [
        {
          id: "us-central1-onProfile",
          eventType: "google.cloud.firestore.document.v1.created",
          database: "(default)",
          namespace: "(default)",
          document: "users/{uid}",
          matchType: "PATH_PATTERN",
        },
      ],
      database: [
        { id: "us-central1-onChat", eventType: "google.firebase.database.ref.v1.created", ref: "chat/{venueKey}/{messageId}", instance: "*" },
        {
          id: "us-central1-onSeat",
          eventType: "google.firebase.database.ref.v1.written",
          ref: "rooms/{roomId}/seats/{seat}",
          instance: "demo-x-default-rtdb",
        },
      ],
      storage: [{ id: "us-central1-onUpload", eventType: "google.cloud.storage.object.v1.finalized", bucket: "demo-x.appspot.com" }],
    });
  });
});
