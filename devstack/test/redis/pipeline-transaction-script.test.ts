/**
 * Pipelines, MULTI/EXEC transactions, Lua scripts and concurrency through the bridge,
 * driven by the real @upstash/redis client.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { Redis } from "@upstash/redis";
import { type RedisHandle, startRedis } from "../../src/redis/index.js";

const sha1 = (text: string) => createHash("sha1").update(text, "utf8").digest("hex");

describe("redis bridge: pipelines, transactions, scripts, concurrency", () => {
  let redis: RedisHandle;
  let client: Redis;
  /** Without auto-pipelining: every call is its own HTTP request. */
  let singleRequestClient: Redis;

  before(async () => {
    redis = await startRedis();
    client = new Redis({ url: redis.restUrl, token: redis.restToken });
    singleRequestClient = new Redis({ url: redis.restUrl, token: redis.restToken, enableAutoPipelining: false });
  });

  after(async () => {
    await redis?.stop();
  });

  beforeEach(async () => {
    await redis.flush();
  });

  describe("pipeline()", () => {
    it("returns every result in order", async () => {
      const results = await client
        .pipeline()
        .set("room:1:title", "Friday karaoke")
        .incr("room:1:listeners")
        .incrby("room:1:listeners", 4)
        .get("room:1:title")
        .hset("room:1:meta", { host: "u1", seats: 8 })
        .hgetall("room:1:meta")
        .zadd("rooms:hot", { score: 5, member: "room:1" })
        .zrange("rooms:hot", 0, -1, { withScores: true })
        .get("missing")
        .exec();
      assert.deepEqual(results, ["OK", 1, 5, "Friday karaoke", 2, { host: "u1", seats: 8 }, 1, ["room:1", 5], null]);
    });

    it("reports a failing command without undoing the others (not atomic, like Upstash)", async () => {
      await client.set("text", "not a number");
      const pipeline = client.pipeline().incr("counter").incr("text").incr("counter");
      await assert.rejects(pipeline.exec(), /Command 2 \[ incr \] failed: ERR value is not an integer/);
      assert.equal(await client.get("counter"), 2);

      const kept = await client.pipeline().incr("counter").incr("text").get("counter").exec({ keepErrors: true });
      assert.equal(kept[0].result, 3);
      assert.match(String(kept[1].error), /not an integer/);
      assert.equal(kept[2].result, 3);
    });
  });

  describe("multi()", () => {
    it("executes a transaction and returns its results", async () => {
      const results = await client
        .multi()
        .set("wallet:u1", 100)
        .decrby("wallet:u1", 30)
        .incrby("wallet:u2", 30)
        .mget("wallet:u1", "wallet:u2")
        .exec();
      assert.deepEqual(results, ["OK", 70, 30, [70, 30]]);
    });

    it("is atomic: no other command interleaves with a transaction's commands", async () => {
      const transactions = Array.from({ length: 25 }, () => singleRequestClient.multi().incr("seq").incr("seq").incr("seq").exec());
      const interleavers = Array.from({ length: 50 }, () => singleRequestClient.incr("seq"));
      const [transactionResults] = await Promise.all([Promise.all(transactions), Promise.all(interleavers)]);
      for (const [first, second, third] of transactionResults) {
        assert.equal(second, first + 1, `transaction saw ${first}, ${second}, ${third}`);
        assert.equal(third, first + 2, `transaction saw ${first}, ${second}, ${third}`);
      }
      assert.equal(await client.get("seq"), 25 * 3 + 50);
    });

    it("discards the whole transaction when Redis refuses a queued command (EXECABORT)", async () => {
      await client.set("balance", 10);
      // HSET with no field/value pairs has the wrong arity, which Redis refuses while queueing.
      const transaction = singleRequestClient.multi().incrby("balance", 5).hset("meta", {});
      await assert.rejects(transaction.exec(), /EXECABORT.*wrong number of arguments/s);
      assert.equal(await client.get("balance"), 10);
    });

    it("applies the other commands when one fails at run time, as Redis does", async () => {
      await client.set("text", "abc");
      const results = await client.multi().incr("n").incr("text").incr("n").exec({ keepErrors: true });
      assert.equal(results[0].result, 1);
      assert.match(String(results[1].error), /not an integer/);
      assert.equal(results[2].result, 2);
    });
  });

  describe("concurrency", () => {
    for (const [name, getClient] of [
      ["auto-pipelined", () => client],
      ["one request each", () => singleRequestClient],
    ] as const) {
      it(`50 parallel INCRs sum to 50 (${name})`, async () => {
        const results = await Promise.all(Array.from({ length: 50 }, () => getClient().incr("likes")));
        assert.equal(await client.get("likes"), 50);
        assert.deepEqual(
          [...results].sort((a, b) => a - b),
          Array.from({ length: 50 }, (_, i) => i + 1),
        );
      });
    }
  });

  describe("Lua scripts", () => {
    it("EVAL runs a script with keys and arguments", async () => {
      const script = "redis.call('SET', KEYS[1], ARGV[1]); return {redis.call('INCRBY', KEYS[2], ARGV[2]), redis.call('GET', KEYS[1])}";
      assert.deepEqual(await client.eval(script, ["gift:last", "gift:total"], ["rose", 7]), [7, "rose"]);
      assert.deepEqual(await client.eval(script, ["gift:last", "gift:total"], ["lion", 3]), [10, "lion"]);
    });

    it("SCRIPT LOAD + EVALSHA, and createScript falling back from NOSCRIPT to EVAL", async () => {
      const script = "return redis.call('INCRBY', KEYS[1], ARGV[1])";
      const sha = await client.scriptLoad(script);
      assert.equal(sha, sha1(script));
      assert.equal(await client.evalsha(sha, ["k"], [2]), 2);

      await client.scriptFlush();
      const fresh = client.createScript<number>(script);
      assert.equal(await fresh.exec(["k"], ["3"]), 5, "evalsha fails with NOSCRIPT, then eval succeeds");
      assert.equal(await fresh.exec(["k"], ["4"]), 9);
    });

    it("accepts Upstash's `#!lua flags=allow-key-locking` shebang and the client's own SHA1 for it", async () => {
      const script = "#!lua flags=allow-key-locking\nreturn redis.call('INCRBY', KEYS[1], ARGV[1])";
      assert.equal(await client.eval(script, ["locked"], [5]), 5);
      assert.equal(await client.evalsha(sha1(script), ["locked"], [1]), 6);
      assert.equal(await client.scriptLoad(script), sha1(script));
      assert.deepEqual(await client.scriptExists(sha1(script)), [1]);
      const results = await client.multi().evalsha(sha1(script), ["locked"], [10]).get("locked").exec();
      assert.deepEqual(results, [16, 16]);
    });

    it("EVALSHA of an unknown script fails with Redis's NOSCRIPT error", async () => {
      await assert.rejects(client.evalsha("0123456789abcdef0123456789abcdef01234567", [], []), /NOSCRIPT No matching script/);
    });

    it("reports a Lua runtime error cleanly", async () => {
      await assert.rejects(client.eval("return redis.call('NOSUCH')", [], []), /Unknown Redis command|unknown command/i);
      assert.equal(await client.eval("return 1", [], []), 1);
    });
  });
});
