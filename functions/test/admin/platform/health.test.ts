import assert from "node:assert/strict";
import { createServer, type Socket } from "node:net";
import { answerHealth, checkHealth } from "../../../src/admin/platform/health.js";
import { resetRedisClient } from "../../../src/kernel/redis.js";

describe("admin/platform: health checks (in-process, against the stack)", () => {
  it("answers 200 with every check ok and its time when Firestore, RTDB and Redis answer", async () => {
    const { status, body } = await answerHealth({ method: "GET" });
    assert.equal(status, 200, JSON.stringify(body));
    const report = body as Awaited<ReturnType<typeof checkHealth>>;
    assert.equal(report.status, "ok");
    for (const name of ["firestore", "rtdb", "redis"] as const) {
      assert.equal(report.checks[name].ok, true, name);
      assert.equal(report.checks[name].skipped, undefined, `${name} was checked`);
      assert.ok(report.checks[name].ms >= 0 && report.checks[name].ms < 2_000);
    }
  });

  it("answers 503 naming Redis when Redis is unreachable, the other checks still ok", async () => {
    const saved = process.env.UPSTASH_REDIS_REST_URL;
    process.env.UPSTASH_REDIS_REST_URL = "http://127.0.0.1:9";
    resetRedisClient();
    try {
      const { status, body } = await answerHealth({ method: "GET" });
      assert.equal(status, 503);
      const report = body as Awaited<ReturnType<typeof checkHealth>>;
      assert.equal(report.status, "failing");
      assert.equal(report.checks.redis.ok, false);
      assert.ok(report.checks.redis.error);
      assert.equal(report.checks.firestore.ok, true);
      assert.equal(report.checks.rtdb.ok, true);
    } finally {
      process.env.UPSTASH_REDIS_REST_URL = saved;
      resetRedisClient();
    }
  });

  it("fails a check that does not answer within the timeout", async () => {
    // A server that accepts connections and never answers.
    const sockets: Socket[] = [];
    const silent = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const saved = process.env.UPSTASH_REDIS_REST_URL;
    process.env.UPSTASH_REDIS_REST_URL = `http://127.0.0.1:${(silent.address() as { port: number }).port}`;
    resetRedisClient();
    try {
      const started = Date.now();
      const report = await checkHealth(300);
      assert.equal(report.checks.redis.ok, false);
      assert.match(report.checks.redis.error ?? "", /timed out after 300 ms/);
      assert.ok(Date.now() - started < 2_000);
    } finally {
      process.env.UPSTASH_REDIS_REST_URL = saved;
      resetRedisClient();
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it("refuses other methods than GET", async () => {
    assert.equal((await answerHealth({ method: "POST" })).status, 405);
  });
});
