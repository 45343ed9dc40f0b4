/**
 * redis-server process management: locating the binary, ports, isolation, flush, stop,
 * startup failures, and no orphaned redis-server when the parent process dies.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "@upstash/redis";
import { freePort as findFreePort } from "../../src/net.js";
import { findRedisServer, type RedisHandle, startRedis } from "../../src/redis/index.js";
import { pingRedis } from "../../src/redis/server.js";

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls until `check` is true or the timeout passes; returns the last result. */
async function eventually(check: () => Promise<boolean>, timeoutMs = 3000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await delay(50);
  }
  return check();
}

async function bridgeAnswers(url: string): Promise<boolean> {
  try {
    await fetch(url, { method: "POST", body: "[]" });
    return true;
  } catch {
    return false;
  }
}

describe("redis bridge: redis-server process", () => {
  describe("findRedisServer", () => {
    const originalEnv = process.env.REDIS_SERVER_BIN;
    let scratchDir: string;

    beforeEach(() => {
      scratchDir = mkdtempSync(join(tmpdir(), "find-redis-"));
    });

    afterEach(() => {
      if (originalEnv === undefined) delete process.env.REDIS_SERVER_BIN;
      else process.env.REDIS_SERVER_BIN = originalEnv;
      rmSync(scratchDir, { recursive: true, force: true });
    });

    it("finds the installed redis-server", () => {
      delete process.env.REDIS_SERVER_BIN;
      const found = findRedisServer();
      assert.ok(found, "redis-server must be installed for these tests (apt-get install -y redis-server)");
      assert.match(found, /redis-server$/);
    });

    it("prefers an executable REDIS_SERVER_BIN and ignores one that is not executable", () => {
      delete process.env.REDIS_SERVER_BIN;
      const systemBinary = findRedisServer();
      const custom = join(scratchDir, "my-redis");
      writeFileSync(custom, "#!/bin/sh\n");
      chmodSync(custom, 0o644);
      process.env.REDIS_SERVER_BIN = custom;
      assert.equal(findRedisServer(), systemBinary, "not executable: fall back");
      chmodSync(custom, 0o755);
      assert.equal(findRedisServer(), custom);
      process.env.REDIS_SERVER_BIN = join(scratchDir, "missing");
      assert.equal(findRedisServer(), systemBinary);
    });
  });

  describe("startRedis / stop", () => {
    const handles: RedisHandle[] = [];
    afterEach(async () => {
      await Promise.all(handles.splice(0).map((handle) => handle.stop()));
    });

    it("uses the requested ports and token", async () => {
      const [redisPort, bridgePort] = [await findFreePort("127.0.0.1"), await findFreePort("127.0.0.1")];
      const handle = await startRedis({ redisPort, bridgePort, token: "custom-token" });
      handles.push(handle);
      assert.equal(handle.redisPort, redisPort);
      assert.equal(handle.bridgePort, bridgePort);
      assert.equal(handle.restUrl, `http://127.0.0.1:${bridgePort}`);
      assert.equal(handle.restToken, "custom-token");
      assert.equal(await pingRedis("127.0.0.1", redisPort), true);
      const client = new Redis({ url: handle.restUrl, token: "custom-token" });
      assert.equal(await client.ping(), "PONG");
    });

    it("defaults to free ports, the 'local-dev-token' token, and isolated instances", async () => {
      const [first, second] = await Promise.all([startRedis(), startRedis()]);
      handles.push(first, second);
      assert.equal(first.restToken, "local-dev-token");
      assert.equal(new Set([first.redisPort, first.bridgePort, second.redisPort, second.bridgePort]).size, 4);
      const a = new Redis({ url: first.restUrl, token: first.restToken });
      const b = new Redis({ url: second.restUrl, token: second.restToken });
      await a.set("owner", "first");
      assert.equal(await b.get("owner"), null);
      assert.equal(await a.get("owner"), "first");
    });

    it("flush() empties the database", async () => {
      const handle = await startRedis();
      handles.push(handle);
      const client = new Redis({ url: handle.restUrl, token: handle.restToken });
      await client.mset({ a: 1, b: 2 });
      await client.zadd("z", { score: 1, member: "m" });
      assert.equal(await client.dbsize(), 3);
      await handle.flush();
      assert.equal(await client.dbsize(), 0);
    });

    it("stop() quickly ends redis-server and the bridge, is idempotent, and leaves no exit hook", async () => {
      const exitListenersBefore = process.listenerCount("exit");
      const handle = await startRedis();
      assert.equal(process.listenerCount("exit"), exitListenersBefore + 1);
      const started = Date.now();
      await handle.stop();
      assert.ok(Date.now() - started < 2000, `stop took ${Date.now() - started} ms`);
      assert.equal(await pingRedis("127.0.0.1", handle.redisPort), false);
      assert.equal(await bridgeAnswers(handle.restUrl), false);
      await handle.stop();
      assert.equal(process.listenerCount("exit"), exitListenersBefore);
    });
  });

  describe("startup failures", () => {
    let blocker: Server | undefined;
    afterEach(async () => {
      await new Promise<void>((resolve) => (blocker ? blocker.close(() => resolve()) : resolve()));
      blocker = undefined;
    });

    it("rejects clearly when the binary does not exist", async () => {
      const exitListenersBefore = process.listenerCount("exit");
      await assert.rejects(
        startRedis({ redisServerPath: "/nonexistent/redis-server" }),
        /redis-server \(\/nonexistent\/redis-server\) failed to start.*ENOENT/s,
      );
      assert.equal(process.listenerCount("exit"), exitListenersBefore);
    });

    it("rejects with Redis's reason when the requested port is taken", async () => {
      const port = await findFreePort("127.0.0.1");
      // Drop connections at once: the startup PING probe must not keep this server from closing.
      const server = createServer((socket) => socket.destroy());
      blocker = server;
      await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", () => resolve()));
      await assert.rejects(startRedis({ redisPort: port }), /Address already in use/);
    });

    it("stops the redis-server it started when the bridge port is taken", async () => {
      const port = await findFreePort("127.0.0.1");
      const server = createServer((socket) => socket.destroy());
      blocker = server;
      await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", () => resolve()));
      const exitListenersBefore = process.listenerCount("exit");
      await assert.rejects(startRedis({ bridgePort: port }), /EADDRINUSE/);
      // The exit hook is removed only once redis-server has exited.
      assert.equal(process.listenerCount("exit"), exitListenersBefore);
    });
  });

  describe("parent process death", () => {
    for (const mode of ["exit", "throw"]) {
      it(`kills redis-server when the parent ends via ${mode === "exit" ? "process.exit" : "an uncaught exception"} without stop()`, async () => {
        const fixture = join(__dirname, "fixtures", "start-then-exit.ts");
        const child = spawn(process.execPath, ["--require", require.resolve("tsx/cjs"), fixture, mode], { stdio: ["ignore", "pipe", "pipe"] });
        let stdout = "";
        child.stdout.on("data", (chunk) => {
          stdout += chunk;
        });
        const exitCode = await new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
        assert.equal(exitCode, mode === "exit" ? 0 : 1);
        const { redisPort, bridgePort } = JSON.parse(stdout) as { redisPort: number; bridgePort: number };
        assert.ok(redisPort > 0 && bridgePort > 0);
        assert.equal(
          await eventually(async () => !(await pingRedis("127.0.0.1", redisPort))),
          true,
          "redis-server still answers after its parent died",
        );
        assert.equal(await bridgeAnswers(`http://127.0.0.1:${bridgePort}`), false);
      });
    }
  });
});
