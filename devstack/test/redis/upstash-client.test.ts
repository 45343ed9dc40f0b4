/**
 * The real @upstash/redis client against redis-server + bridge, in each transport mode the
 * client can use: auto-pipelining (the default: commands go to /pipeline), single requests
 * (POST /), and plain UTF-8 responses instead of base64.
 */
import assert from "node:assert/strict";
import { Redis, type RedisConfigNodejs } from "@upstash/redis";
import { type RedisHandle, startRedis } from "../../src/redis/index.js";

const clientModes: Array<{ name: string; config: Partial<RedisConfigNodejs> }> = [
  { name: "auto-pipelining, base64 (client defaults)", config: {} },
  { name: "single requests, base64", config: { enableAutoPipelining: false } },
  { name: "single requests, UTF-8 responses", config: { enableAutoPipelining: false, responseEncoding: false } },
];

describe("redis bridge: @upstash/redis data commands", () => {
  let redis: RedisHandle;

  before(async () => {
    redis = await startRedis();
  });

  after(async () => {
    await redis?.stop();
  });

  for (const mode of clientModes) {
    describe(mode.name, () => {
      let client: Redis;

      before(() => {
        client = new Redis({ url: redis.restUrl, token: redis.restToken, ...mode.config });
      });

      beforeEach(async () => {
        await redis.flush();
      });

      it("round-trips strings, numbers and JSON values (client auto-serialisation)", async () => {
        await client.set("str", "hello");
        await client.set("num", 42);
        await client.set("float", 3.25);
        await client.set("obj", { name: "room-1", seats: [1, 2, 3], open: true, host: null });
        await client.set("list", ["a", 1, { b: 2 }]);
        assert.equal(await client.get("str"), "hello");
        assert.equal(await client.get("num"), 42);
        assert.equal(await client.get("float"), 3.25);
        assert.deepEqual(await client.get("obj"), { name: "room-1", seats: [1, 2, 3], open: true, host: null });
        assert.deepEqual(await client.get("list"), ["a", 1, { b: 2 }]);
        assert.equal(await client.get("missing"), null);
        assert.deepEqual(await client.mget("str", "missing", "num"), ["hello", null, 42]);
      });

      it("round-trips unicode and binary-ish strings byte for byte", async () => {
        const raw = new Redis({ url: redis.restUrl, token: redis.restToken, ...mode.config, automaticDeserialization: false });
        const samples = [
          "héllo wörld ✓ 日本語 🎉👩‍👩‍👧",
          "control \u0000\u0001\u0007\b\t\n\r\u001b end",
          "OK",
          "T0s=",
          "0123",
          "   padded   ",
          "\uFFFD replacement char",
          "x".repeat(256 * 1024),
          "",
        ];
        for (const [index, value] of samples.entries()) {
          await raw.set(`sample:${index}`, value);
          assert.equal(await raw.get(`sample:${index}`), value, `sample ${index}`);
          assert.equal(await raw.strlen(`sample:${index}`), Buffer.byteLength(value, "utf8"), `byte length of sample ${index}`);
        }
      });

      it("INCR/INCRBY/DECR/INCRBYFLOAT return numbers", async () => {
        assert.equal(await client.incr("counter"), 1);
        assert.equal(await client.incrby("counter", 10), 11);
        assert.equal(await client.decr("counter"), 10);
        assert.equal(await client.incrbyfloat("float-counter", 2.5), 2.5);
        assert.equal(await client.get("counter"), 10);
      });

      it("expires keys: set with ex/px/nx, EXPIRE, TTL, PERSIST", async () => {
        assert.equal(await client.set("session", "abc", { ex: 100 }), "OK");
        const ttl = await client.ttl("session");
        assert.ok(ttl > 95 && ttl <= 100, `ttl ${ttl}`);
        assert.equal(await client.set("session", "other", { nx: true }), null, "nx must not overwrite");
        assert.equal(await client.get("session"), "abc");

        await client.set("plain", "v");
        assert.equal(await client.ttl("plain"), -1);
        assert.equal(await client.expire("plain", 50), 1);
        const plainTtl = await client.ttl("plain");
        assert.ok(plainTtl > 45 && plainTtl <= 50, `ttl ${plainTtl}`);
        assert.equal(await client.persist("plain"), 1);
        assert.equal(await client.ttl("plain"), -1);
        assert.equal(await client.ttl("missing"), -2);

        await client.set("short", "gone soon", { px: 50 });
        await new Promise((resolve) => setTimeout(resolve, 120));
        assert.equal(await client.get("short"), null);
        assert.equal(await client.exists("short", "plain"), 1);
      });

      it("hashes: HSET object, HGET, HGETALL, HINCRBY, HDEL", async () => {
        assert.equal(await client.hset("user:1", { name: "Ada", coins: 100, vip: true }), 3);
        assert.equal(await client.hget("user:1", "name"), "Ada");
        assert.equal(await client.hincrby("user:1", "coins", 25), 125);
        assert.deepEqual(await client.hgetall("user:1"), { name: "Ada", coins: 125, vip: true });
        assert.equal(await client.hdel("user:1", "vip"), 1);
        assert.equal(await client.hexists("user:1", "vip"), 0);
        assert.equal(await client.hlen("user:1"), 2);
        assert.deepEqual(await client.hmget("user:1", "name", "nope"), { name: "Ada", nope: null });
        assert.equal(await client.hgetall("user:missing"), null);
      });

      it("sorted sets as a leaderboard: ZADD, ZINCRBY, ZRANGE rev withScores, ZSCORE, ZRANK", async () => {
        await client.zadd("gifts:weekly", { score: 50, member: "alice" }, { score: 80, member: "bob" }, { score: 20, member: "carol" });
        assert.equal(await client.zincrby("gifts:weekly", 45, "alice"), 95);
        assert.equal(await client.zincrby("gifts:weekly", 1.5, "dave"), 1.5);
        assert.deepEqual(await client.zrange("gifts:weekly", 0, 2, { rev: true, withScores: true }), ["alice", 95, "bob", 80, "carol", 20]);
        assert.deepEqual(await client.zrange("gifts:weekly", 0, -1), ["dave", "carol", "bob", "alice"]);
        assert.deepEqual(await client.zrange("gifts:weekly", 50, 100, { byScore: true }), ["bob", "alice"]);
        assert.equal(await client.zscore("gifts:weekly", "bob"), 80);
        assert.equal(await client.zrevrank("gifts:weekly", "alice"), 0);
        assert.equal(await client.zrank("gifts:weekly", "alice"), 3);
        assert.equal(await client.zcard("gifts:weekly"), 4);
        assert.equal(await client.zscore("gifts:weekly", "nobody"), null);
      });

      it("lists and sets", async () => {
        assert.equal(await client.rpush<string | { emoji: string }>("chat:room-1", "hi", "hello", { emoji: "👋" }), 3);
        assert.deepEqual(await client.lrange("chat:room-1", 0, -1), ["hi", "hello", { emoji: "👋" }]);
        assert.equal(await client.sadd("online", "u1", "u2", "u1"), 2);
        assert.deepEqual((await client.smembers("online")).sort(), ["u1", "u2"]);
        assert.equal(await client.sismember("online", "u3"), 0);
      });

      it("answers an unknown command with a clean error and keeps serving", async () => {
        await assert.rejects(client.exec(["NOSUCHCOMMAND", "x"]), /unknown command/i);
        await client.set("still-alive", "yes");
        assert.equal(await client.get("still-alive"), "yes");
      });

      it("reports Redis errors such as WRONGTYPE", async () => {
        await client.hset("a-hash", { f: 1 });
        await assert.rejects(client.incr("a-hash"), /WRONGTYPE/);
      });

      it("rejects a wrong token", async () => {
        const intruder = new Redis({ url: redis.restUrl, token: "not-the-token", ...mode.config });
        await assert.rejects(intruder.get("anything"), /Unauthorized/);
      });
    });
  }
});
