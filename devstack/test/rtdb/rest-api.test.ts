/** The REST surface (as the official emulator serves it), reset(), setRules() and stop(). */
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { createServer } from "node:net";
import { get, ref, set } from "firebase/database";
import { type RtdbHandle, startRtdb } from "../../src/rtdb/index.js";
import { NAMESPACE, startTestRtdb, TestClients, waitForConnected } from "./support.js";

function base64url(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString("base64url");
}

/** An ID-token-like JWT; unsigned like the SDK's mockUserToken, or HS256 with a made-up secret. */
function userToken(uid: string, algorithm: "none" | "HS256" = "none"): string {
  const unsigned = `${base64url({ alg: algorithm, typ: "JWT" })}.${base64url({ sub: uid, user_id: uid, iat: 0 })}`;
  return `${unsigned}.${algorithm === "HS256" ? createHmac("sha256", "any-secret").update(unsigned).digest("base64url") : ""}`;
}

const OPEN_RULES = '{ "rules": { ".read": true, ".write": true } }';

describe("offline RTDB: REST API and server controls", () => {
  let rtdb: RtdbHandle;
  let clients: TestClients;

  const rest = async (method: string, path: string, options: { body?: unknown; raw?: string; token?: string } = {}) => {
    const headers: Record<string, string> = options.token ? { Authorization: `Bearer ${options.token}` } : {};
    const body = options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
    const response = await fetch(`http://${rtdb.emulatorHost}${path}?ns=${NAMESPACE}`, { method, headers, body });
    const text = await response.text();
    return { status: response.status, text, json: (): unknown => JSON.parse(text) };
  };

  before(async () => {
    rtdb = await startTestRtdb();
    clients = new TestClients(rtdb);
  });

  after(async () => {
    await clients.cleanup();
    await rtdb.stop();
  });

  it("PUT, GET, PATCH and DELETE with Bearer owner", async () => {
    const put = await rest("PUT", "/public/rest.json", { token: "owner", body: { a: 1, list: ["x", "y"] } });
    assert.equal(put.status, 200);
    assert.deepEqual(put.json(), { a: 1, list: ["x", "y"] });
    assert.deepEqual((await rest("GET", "/public/rest.json", { token: "owner" })).json(), { a: 1, list: ["x", "y"] });

    const patch = await rest("PATCH", "/public/rest.json", { token: "owner", body: { b: 2, "nested/c": 3 } });
    assert.equal(patch.status, 200);
    assert.deepEqual((await rest("GET", "/public/rest.json", { token: "owner" })).json(), { a: 1, b: 2, list: ["x", "y"], nested: { c: 3 } });

    const whole = (await rest("GET", "/.json", { token: "owner" })).json() as { public: { rest: { b: number } } };
    assert.equal(whole.public.rest.b, 2);

    assert.equal((await rest("DELETE", "/public/rest.json", { token: "owner" })).status, 200);
    assert.equal((await rest("GET", "/public/rest.json", { token: "owner" })).json(), null);
  });

  it("shares data with SDK clients, both ways", async () => {
    const { db } = clients.user("rest-peer");
    await rest("PUT", "/public/shared.json", { token: "owner", body: { from: "rest" } });
    assert.deepEqual((await get(ref(db, "public/shared"))).val(), { from: "rest" });
    await set(ref(db, "public/shared"), { from: "sdk" });
    assert.deepEqual((await rest("GET", "/public/shared.json")).json(), { from: "sdk" });
  });

  it("resolves server values in REST writes", async () => {
    const before = Date.now();
    const stamped = (
      await rest("PUT", "/public/stamp.json", { token: "owner", body: { at: { ".sv": "timestamp" }, n: { ".sv": { increment: 2 } } } })
    ).json() as {
      at: number;
      n: number;
    };
    assert.ok(stamped.at >= before && stamped.at <= Date.now());
    assert.equal(stamped.n, 2);
  });

  it("applies rules to REST callers that are not the owner", async () => {
    assert.equal((await rest("PUT", "/status/restUser.json", { body: { state: "x" } })).status, 401);
    assert.equal((await rest("PUT", "/status/restUser.json", { token: userToken("restUser"), body: { state: "x" } })).status, 200);
    assert.equal((await rest("PUT", "/status/restUser.json", { token: userToken("restUser", "HS256"), body: { state: "y" } })).status, 200);
    assert.equal((await rest("PUT", "/status/otherUser.json", { token: userToken("restUser"), body: { state: "x" } })).status, 401);
    assert.equal((await rest("GET", "/status/restUser.json")).status, 401);
    assert.deepEqual((await rest("GET", "/status/restUser.json", { token: userToken("someone") })).json(), { state: "y" });
    assert.equal((await rest("GET", "/.json", { token: userToken("restUser") })).status, 401);
    assert.equal((await rest("PUT", "/public/x.json", { token: "not-a-token", body: 1 })).status, 401);
  });

  it("answers bad requests with errors", async () => {
    assert.equal((await rest("PUT", "/public/bad.json", { token: "owner", raw: "{not json" })).status, 400);
    assert.equal((await rest("PUT", "/public/bad.json", { token: "owner", body: { "in.valid": 1 } })).status, 400);
    assert.equal((await rest("GET", "/public/no-suffix", { token: "owner" })).status, 404);
  });

  it("reset() deletes all data and keeps the rules", async () => {
    await rest("PUT", "/public/seed.json", { token: "owner", body: { some: "data" } });
    await rtdb.reset();
    assert.equal((await rest("GET", "/.json", { token: "owner" })).json(), null);
    assert.equal((await rest("PUT", "/status/anyone.json", { body: { state: "x" } })).status, 401);
  });

  it("setRules() and PUT /.settings/rules.json replace the rules at runtime", async () => {
    const { db } = clients.user("rules-watcher");
    await waitForConnected(db);
    await assert.rejects(set(ref(db, "status/somebody-else"), { state: "x" }), /permission_denied/i);

    await rtdb.setRules(OPEN_RULES);
    await set(ref(db, "status/somebody-else"), { state: "now allowed" });
    assert.equal((await rest("PUT", "/anything.json", { body: true })).status, 200);

    const original = (await rest("GET", "/.settings/rules.json", { token: "owner" })).text;
    assert.equal(original, OPEN_RULES);
    const restricted = '{ "rules": { /* nothing allowed */ } }';
    assert.equal((await rest("PUT", "/.settings/rules.json", { token: "owner", raw: restricted })).status, 200);
    assert.equal((await rest("PUT", "/anything.json", { body: true })).status, 401);
    assert.equal((await rest("PUT", "/.settings/rules.json", { raw: OPEN_RULES })).status, 401);

    const invalid = await rest("PUT", "/.settings/rules.json", { token: "owner", raw: '{ "rules": { ".read": 5 } }' });
    assert.equal(invalid.status, 400);
    assert.match((invalid.json() as { error: string }).error, /\.read/);
    await assert.rejects(rtdb.setRules("{ not json"), /not valid JSON/);
    assert.equal((await rest("PUT", "/anything.json", { body: true })).status, 401, "a rejected rules update keeps the previous rules");
  });
});

describe("offline RTDB: stop()", () => {
  it("closes client sockets and frees the port quickly", async () => {
    const rtdb = await startRtdb({ namespace: NAMESPACE });
    const clients = new TestClients(rtdb);
    try {
      const { db } = clients.user("stopper");
      await set(ref(db, "anything"), "open rules by default");
      const started = Date.now();
      await rtdb.stop();
      assert.ok(Date.now() - started < 1000, `stop() took ${Date.now() - started} ms`);
      await new Promise<void>((resolve, reject) => {
        const probe = createServer();
        probe.once("error", reject);
        probe.listen(rtdb.port, rtdb.host, () => probe.close(() => resolve()));
      });
    } finally {
      await clients.cleanup();
    }
  });
});
