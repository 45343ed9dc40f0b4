/**
 * Runs a throwaway redis-server child process for development and tests:
 * no persistence, loopback only, foreground (so we own its lifetime).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { accessSync, constants as fsConstants, statSync } from "node:fs";
import { createConnection } from "node:net";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { freePort } from "../net.js";

export interface RedisServerProcess {
  host: string;
  port: number;
  pid: number;
  /** SIGTERM, then SIGKILL if Redis has not exited after a grace period. Idempotent. */
  stop(): Promise<void>;
}

export interface StartRedisServerOptions {
  binary: string;
  host: string;
  /** Fixed port; when omitted (or 0) a free port is picked and retried on a bind race. */
  port?: number;
  log?: (line: string) => void;
}

const READY_TIMEOUT_MS = 10_000;
const STOP_GRACE_MS = 3_000;
const FREE_PORT_ATTEMPTS = 5;
/** Enough of redis-server's output to explain a failed start. */
const OUTPUT_LINES_KEPT = 30;

function isExecutableFile(path: string): boolean {
  try {
    accessSync(path, fsConstants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/**
 * Locates redis-server: $REDIS_SERVER_BIN (if it points at an executable), then PATH,
 * then Debian's install locations (PATH may lack /usr/sbin for non-root users).
 */
export function findRedisServer(): string | null {
  const candidates: string[] = [];
  const fromEnv = process.env.REDIS_SERVER_BIN;
  if (fromEnv) candidates.push(fromEnv);
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    if (dir) candidates.push(join(dir, "redis-server"));
  }
  candidates.push("/usr/bin/redis-server", "/usr/sbin/redis-server");
  return candidates.find(isExecutableFile) ?? null;
}

/** One PING over a raw socket; true only for a +PONG answer (not LOADING or auth errors). */
export function pingRedis(host: string, port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host, port });
    let received = "";
    let settled = false;
    const finish = (ok: boolean) => {
      if (settled) return;
      settled = true;
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => finish(false));
    socket.once("error", () => finish(false));
    socket.once("close", () => finish(false));
    socket.once("connect", () => socket.write("PING\r\n"));
    socket.on("data", (chunk) => {
      received += chunk.toString("latin1");
      if (received.includes("\r\n")) finish(received.startsWith("+PONG"));
    });
  });
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves when the process has exited, or could not be spawned at all (then only 'error' fires). */
function waitForExit(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.once("error", () => {
      if (child.pid === undefined) resolve();
    });
  });
}

class RedisStartError extends Error {
  constructor(
    message: string,
    readonly portInUse: boolean,
  ) {
    super(message);
    this.name = "RedisStartError";
  }
}

async function launchOnce(binary: string, host: string, port: number, log?: (line: string) => void): Promise<RedisServerProcess> {
  const args = [
    "--port",
    String(port),
    "--bind",
    host,
    // Throwaway data: never write RDB/AOF files.
    "--save",
    "",
    "--appendonly",
    "no",
    // Foreground, so the child process is Redis itself and SIGTERM/exit events are meaningful.
    "--daemonize",
    "no",
    "--dir",
    tmpdir(),
    "--logfile",
    "",
    "--loglevel",
    "warning",
  ];
  // Not detached: a terminal Ctrl-C reaches Redis too, since it shares our process group.
  const child = spawn(binary, args, { stdio: ["ignore", "pipe", "pipe"] });

  const recentOutput: string[] = [];
  const collectLines = (stream: NodeJS.ReadableStream | null) => {
    let partial = ""; // a chunk may end mid-line
    stream?.on("data", (chunk: Buffer) => {
      const lines = (partial + chunk.toString("utf8")).split("\n");
      partial = lines.pop() ?? "";
      for (const line of lines) {
        if (!line.trim()) continue;
        recentOutput.push(line);
        if (recentOutput.length > OUTPUT_LINES_KEPT) recentOutput.shift();
        log?.(`[redis-server:${port}] ${line}`);
      }
    });
  };
  collectLines(child.stdout);
  collectLines(child.stderr);

  // If our process exits without calling stop(), take Redis down with us. 'exit' handlers
  // must be synchronous, and there is nothing to save, so SIGKILL is the reliable choice.
  const killOnParentExit = () => child.kill("SIGKILL");
  process.on("exit", killOnParentExit);

  let spawnError: Error | undefined;
  child.once("error", (error) => {
    spawnError = error;
  });
  const exited = waitForExit(child);
  exited.then(() => process.off("exit", killOnParentExit));

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM");
        const killTimer = setTimeout(() => child.kill("SIGKILL"), STOP_GRACE_MS);
        await exited;
        clearTimeout(killTimer);
      }
      process.off("exit", killOnParentExit);
    })();
    return stopping;
  };

  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (spawnError || child.exitCode !== null || child.signalCode !== null) {
      await exited;
      const output = recentOutput.join("\n");
      const reason = spawnError ? spawnError.message : `exited with ${child.exitCode ?? child.signalCode}`;
      throw new RedisStartError(
        `redis-server (${binary}) failed to start on ${host}:${port}: ${reason}\n${output}`,
        /address already in use/i.test(output),
      );
    }
    if (await pingRedis(host, port)) {
      return { host, port, pid: child.pid ?? -1, stop };
    }
    await delay(50);
  }
  await stop();
  throw new RedisStartError(`redis-server did not answer PING on ${host}:${port} within ${READY_TIMEOUT_MS} ms\n${recentOutput.join("\n")}`, false);
}

/** Starts redis-server and resolves once it answers PING. */
export async function startRedisServer(options: StartRedisServerOptions): Promise<RedisServerProcess> {
  const { binary, host, log } = options;
  if (options.port) return launchOnce(binary, host, options.port, log);
  // A free port can be taken between probing and Redis binding it; retry on that race only.
  for (let attempt = 1; ; attempt++) {
    const port = await freePort(host);
    try {
      return await launchOnce(binary, host, port, log);
    } catch (error) {
      if (!(error instanceof RedisStartError && error.portInUse) || attempt >= FREE_PORT_ATTEMPTS) throw error;
    }
  }
}
