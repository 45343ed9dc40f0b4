/**
 * The bridge's wire protocol checked with raw HTTP, independent of the client library:
 * auth, routes, status codes, base64 encoding, binary values, script SHA mapping,
 * refused commands, blocking commands, and a second bridge against an existing Redis.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { Redis as IORedis } from "ioredis";
import { type RedisHandle, startRedis, startUpstashBridge } from "../../src/redis/index.js";

const sha1 = (text: string) => createHash("sha1").update(text, "utf8").digest("hex");
const b64 = (text: string) => Buffer.from(text, "utf8").toString("base64");

/** One bridge answer: {result} or {error}; /pipeline and /multi-exec answer an array of these. */
interface Entry {
  result?: unknown;
  error?: string;
}

interface PostOptions {
  path?: string;
  token?: string | null;
  base64?: boolean;
  method?: string;
  rawBody?: string;
}

describe("redis bridge: REST protocol", () => {
  let redis: RedisHandle;
  let direct: IORedis;

  /** POSTs like @upstash/redis does; returns the status and the parsed JSON body. */
  async function post<Body = Entry>(body: unknown, options: PostOptions = {}): Promise<{ status: number; body: Body }> {
    const headers: Record<string, string> = { "Content-Type": "application/json" };
    const token = options.token === undefined ? redis.restToken : options.token;
    if (token !== null) headers.Authorization = `Bearer ${token}`;
    if (options.base64) headers["Upstash-Encoding"] = "base64";
    const response = await fetch(`${redis.restUrl}${options.path ?? ""}`, {
      method: options.method ?? "POST",
      headers,
      body: options.method === "GET" ? undefined : (options.rawBody ?? JSON.stringify(body)),
    });
    return { status: response.status, body: (await response.json()) as Body };
  }

  before(async () => {
    redis = await startRedis();
    direct = new IORedis(redis.redisPort, "127.0.0.1");
  });

  after(async () => {
    direct?.disconnect();
    await redis?.stop();
  });

  beforeEach(async () => {
    await redis.flush();
  });

  describe("authentication and request validation", () => {
    it("answers 401 with an error body for a missing or wrong token", async () => {
      assert.deepEqual(await post(["PING"], { token: null }), { status: 401, body: { error: "Unauthorized" } });
      assert.deepEqual(await post(["PING"], { token: "wrong" }), { status: 401, body: { error: "Unauthorized" } });
      assert.deepEqual(await post(["PING"], { token: `${redis.restToken}x` }), { status: 401, body: { error: "Unauthorized" } });
      assert.deepEqual(await post(["PING"]), { status: 200, body: { result: "PONG" } });
    });

    it("rejects unsupported methods, unknown paths and malformed bodies with an error body", async () => {
      const get = await post(undefined, { method: "GET" });
      assert.equal(get.status, 405);
      assert.match(String(get.body.error), /POST/);
      const unknownPath = await post(["GET", "k"], { path: "/get/k" });
      assert.equal(unknownPath.status, 404);
      assert.match(String(unknownPath.body.error), /unsupported path/);
      for (const [rawBody, pattern] of [
        ["{not json", /parse/],
        ['{"cmd":"GET"}', /non-empty JSON array/],
        ["[]", /non-empty JSON array/],
        ['["SET","k",{"nested":1}]', /strings, numbers or booleans/],
      ] as const) {
        const { status, body } = await post(undefined, { rawBody });
        assert.equal(status, 400, rawBody);
        assert.match(String(body.error), pattern, rawBody);
      }
      const badPipeline = await post([["GET", "k"], "GET"], { path: "/pipeline" });
      assert.equal(badPipeline.status, 400);
    });
  });

  describe("single commands (POST /)", () => {
    it("returns {result} as UTF-8 text without Upstash-Encoding", async () => {
      assert.deepEqual(await post(["SET", "greeting", "héllo 🎉", "EX", 10]), { status: 200, body: { result: "OK" } });
      assert.deepEqual(await post(["GET", "greeting"]), { status: 200, body: { result: "héllo 🎉" } });
      assert.deepEqual(await post(["TTL", "greeting"]), { status: 200, body: { result: 10 } });
      assert.deepEqual(await post(["GET", "nothing"]), { status: 200, body: { result: null } });
    });

    it("base64-encodes every string, nested ones too, with Upstash-Encoding: base64; numbers and null pass through", async () => {
      await post(["SET", "greeting", "héllo 🎉"]);
      assert.deepEqual((await post(["GET", "greeting"], { base64: true })).body, { result: b64("héllo 🎉") });
      assert.deepEqual((await post(["SET", "x", "1"], { base64: true })).body, { result: b64("OK") });
      assert.deepEqual((await post(["INCR", "n"], { base64: true })).body, { result: 1 });
      assert.deepEqual((await post(["GET", "nothing"], { base64: true })).body, { result: null });
      const nested = await post(["EVAL", "return {1, 'a', {2, 'b', {'c'}}, false}", 0], { base64: true });
      // Lua false becomes a RESP null reply.
      assert.deepEqual(nested.body, { result: [1, b64("a"), [2, b64("b"), [b64("c")]], null] });
    });

    it("delivers non-UTF-8 binary values byte for byte in base64", async () => {
      const bytes = Buffer.from([0x00, 0xff, 0xfe, 0x80, 0x0a, 0x0d, 0xc3, 0x28, 0x7f]);
      await direct.set("binary", bytes);
      const { body } = await post(["GET", "binary"], { base64: true });
      assert.deepEqual(Buffer.from(body.result as string, "base64"), bytes);
      const list = await post(["MGET", "binary", "nothing"], { base64: true });
      const [first, second] = list.body.result as [string, null];
      assert.deepEqual(Buffer.from(first, "base64"), bytes);
      assert.equal(second, null);
    });

    it("forwards HGETALL as Redis's flat array (no client-side reshaping)", async () => {
      await post(["HSET", "h", "a", "1", "b", "2"]);
      assert.deepEqual((await post(["HGETALL", "h"])).body, { result: ["a", "1", "b", "2"] });
    });

    it("answers Redis errors with 400 {error} and keeps serving", async () => {
      const unknown = await post(["NOSUCHCOMMAND", "x"]);
      assert.equal(unknown.status, 400);
      assert.match(String(unknown.body.error), /^ERR unknown command 'NOSUCHCOMMAND'/);
      const arity = await post(["GET"]);
      assert.equal(arity.status, 400);
      assert.match(String(arity.body.error), /wrong number of arguments/);
      assert.deepEqual(await post(["PING"]), { status: 200, body: { result: "PONG" } });
    });

    it("refuses commands that would change the shared connection's state", async () => {
      for (const command of [["MULTI"], ["EXEC"], ["WATCH", "k"], ["SELECT", 1], ["SUBSCRIBE", "ch"], ["CLIENT", "REPLY", "OFF"], ["QUIT"]]) {
        const { status, body } = await post(command);
        assert.equal(status, 400, command.join(" "));
        assert.match(String(body.error), /not allowed/, command.join(" "));
      }
      assert.deepEqual((await post(["SET", "after", "ok"])).body, { result: "OK" });
      assert.deepEqual((await post(["GET", "after"])).body, { result: "ok" });
    });

    it("runs blocking commands on their own connection so other requests are not stalled", async () => {
      const started = Date.now();
      const waiting = post(["BLPOP", "queue", 5]);
      await new Promise((resolve) => setTimeout(resolve, 100));
      assert.deepEqual((await post(["PING"])).body, { result: "PONG" });
      assert.ok(Date.now() - started < 1000, "PING answered while BLPOP waits");
      await post(["RPUSH", "queue", "job-1"]);
      assert.deepEqual((await waiting).body, { result: ["queue", "job-1"] });
      assert.ok(Date.now() - started < 4000, "BLPOP woken by the push, not by its timeout");
    });
  });

  describe("POST /pipeline and POST /multi-exec", () => {
    it("pipeline answers 200 with one {result}|{error} per command, in order", async () => {
      const { status, body } = await post<Entry[]>([["SET", "a", "1"], ["INCR", "a"], ["HGET", "a", "f"], ["GET", "a"], ["MULTI"]], {
        path: "/pipeline",
        base64: true,
      });
      assert.equal(status, 200);
      assert.deepEqual(body.slice(0, 2), [{ result: b64("OK") }, { result: 2 }]);
      assert.match(String(body[2].error), /WRONGTYPE/);
      assert.deepEqual(body[3], { result: b64("2") });
      assert.match(String(body[4].error), /not allowed/);
    });

    it("multi-exec answers per-command results, with run-time errors in place", async () => {
      await post(["SET", "text", "abc"]);
      const { status, body } = await post<Entry[]>(
        [
          ["INCR", "n"],
          ["INCR", "text"],
          ["INCR", "n"],
        ],
        { path: "/multi-exec" },
      );
      assert.equal(status, 200);
      assert.deepEqual(body[0], { result: 1 });
      assert.match(String(body[1].error), /not an integer/);
      assert.deepEqual(body[2], { result: 2 });
    });

    it("multi-exec answers 400 and applies nothing when Redis aborts the transaction", async () => {
      const { status, body } = await post([["SET", "k", "v"], ["NOSUCHCOMMAND"]], { path: "/multi-exec" });
      assert.equal(status, 400);
      assert.match(String(body.error), /^EXECABORT .*unknown command 'NOSUCHCOMMAND'/);
      assert.deepEqual((await post(["EXISTS", "k"])).body, { result: 0 });
    });
  });

  describe("Lua script compatibility", () => {
    const flagged = "#!lua flags=allow-key-locking\nreturn redis.call('INCRBY', KEYS[1], ARGV[1])";

    it("strips allow-key-locking on EVAL and maps the client's SHA1 for EVALSHA", async () => {
      assert.deepEqual((await post(["EVAL", flagged, 1, "k", 2])).body, { result: 2 });
      assert.deepEqual((await post(["EVALSHA", sha1(flagged), 1, "k", 3])).body, { result: 5 });
      assert.deepEqual((await post(["EVALSHA", sha1(flagged).toUpperCase(), 1, "k", 1])).body, { result: 6 });
      assert.deepEqual((await post(["EVAL_RO", "#!lua flags=no-writes,allow-key-locking\nreturn redis.call('GET', KEYS[1])", 1, "k"])).body, {
        result: "6",
      });
    });

    it("SCRIPT LOAD returns the client's SHA1; SCRIPT EXISTS and SCRIPT FLUSH follow it", async () => {
      assert.deepEqual((await post(["SCRIPT", "LOAD", flagged])).body, { result: sha1(flagged) });
      assert.deepEqual((await post(["SCRIPT", "LOAD", flagged], { base64: true })).body, { result: b64(sha1(flagged)) });
      assert.deepEqual((await post(["SCRIPT", "EXISTS", sha1(flagged), "0000000000000000000000000000000000000000"])).body, { result: [1, 0] });
      assert.deepEqual((await post(["EVALSHA", sha1(flagged), 1, "k", 4])).body, { result: 4 });
      assert.deepEqual((await post(["SCRIPT", "FLUSH"])).body, { result: "OK" });
      assert.deepEqual(await post(["EVALSHA", sha1(flagged), 1, "k", 4]), {
        status: 400,
        body: { error: "NOSCRIPT No matching script. Please use EVAL." },
      });
    });

    it("an unknown SHA gets Redis's own NOSCRIPT error, in a pipeline too", async () => {
      const unknownSha = sha1("never loaded");
      assert.deepEqual(await post(["EVALSHA", unknownSha, 0]), { status: 400, body: { error: "NOSCRIPT No matching script. Please use EVAL." } });
      const { body } = await post([["EVALSHA", unknownSha, 0]], { path: "/pipeline" });
      assert.deepEqual(body, [{ error: "NOSCRIPT No matching script. Please use EVAL." }]);
    });

    it("mapped EVALSHA works inside multi-exec", async () => {
      await post(["EVAL", flagged, 1, "k", 1]);
      const { body } = await post(
        [
          ["EVALSHA", sha1(flagged), 1, "k", 10],
          ["GET", "k"],
        ],
        { path: "/multi-exec" },
      );
      assert.deepEqual(body, [{ result: 11 }, { result: "11" }]);
    });
  });

  it("startUpstashBridge serves any existing Redis with its own token", async () => {
    const bridge = await startUpstashBridge({ token: "second-token", redisUrl: `redis://127.0.0.1:${redis.redisPort}` });
    try {
      assert.notEqual(bridge.port, redis.bridgePort);
      assert.equal(bridge.url, `http://127.0.0.1:${bridge.port}`);
      await direct.set("shared-key", "from ioredis");
      const response = await fetch(bridge.url, {
        method: "POST",
        headers: { Authorization: "Bearer second-token" },
        body: JSON.stringify(["GET", "shared-key"]),
      });
      assert.deepEqual(await response.json(), { result: "from ioredis" });
      const refused = await fetch(bridge.url, {
        method: "POST",
        headers: { Authorization: `Bearer ${redis.restToken}` },
        body: JSON.stringify(["GET", "shared-key"]),
      });
      assert.equal(refused.status, 401);
    } finally {
      await bridge.close();
    }
  });

  it("startUpstashBridge rejects when Redis is unreachable", async () => {
    await assert.rejects(startUpstashBridge({ token: "t", redisUrl: "redis://127.0.0.1:1" }), /cannot connect to redis:\/\/127\.0\.0\.1:1/);
  });
});
