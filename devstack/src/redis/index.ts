/**
 * Local Redis for development and tests: Debian's redis-server plus an Upstash REST bridge,
 * so code using @upstash/redis / @upstash/ratelimit runs unchanged with
 *   UPSTASH_REDIS_REST_URL=handle.restUrl  UPSTASH_REDIS_REST_TOKEN=handle.restToken
 */
import { formatHostForUrl, startUpstashBridge, type UpstashBridge } from "./bridge.js";
import { findRedisServer, startRedisServer } from "./server.js";

export type { UpstashBridge, UpstashBridgeOptions } from "./bridge.js";
export { formatHostForUrl, startUpstashBridge } from "./bridge.js";
export { findRedisServer } from "./server.js";

export interface RedisHandle {
  /** http://127.0.0.1:<bridgePort>, for UPSTASH_REDIS_REST_URL */
  restUrl: string;
  /** for UPSTASH_REDIS_REST_TOKEN */
  restToken: string;
  redisPort: number;
  bridgePort: number;
  /** FLUSHALL: empties every database (loaded scripts stay). */
  flush(): Promise<void>;
  /** Closes the bridge, then stops redis-server (SIGTERM, waits for exit). Idempotent. */
  stop(): Promise<void>;
}

export interface StartRedisOptions {
  /** Address both redis-server and the bridge listen on; default 127.0.0.1. */
  host?: string;
  /** 0 or undefined picks a free port. */
  redisPort?: number;
  /** 0 or undefined picks a free port. */
  bridgePort?: number;
  /** Bearer token the bridge requires; default 'local-dev-token'. */
  token?: string;
  /** Defaults to findRedisServer(). */
  redisServerPath?: string;
  /** Receives redis-server output and bridge diagnostics; silent by default. */
  log?: (line: string) => void;
}

export const DEFAULT_REST_TOKEN = "local-dev-token";

export async function startRedis(opts: StartRedisOptions = {}): Promise<RedisHandle> {
  const binary = opts.redisServerPath ?? findRedisServer();
  if (!binary) {
    throw new Error("redis-server not found: install it (apt-get install -y redis-server) or set REDIS_SERVER_BIN to its path");
  }
  const host = opts.host ?? "127.0.0.1";
  const token = opts.token ?? DEFAULT_REST_TOKEN;
  const server = await startRedisServer({ binary, host, port: opts.redisPort, log: opts.log });

  let bridge: UpstashBridge;
  try {
    bridge = await startUpstashBridge({
      host,
      port: opts.bridgePort,
      token,
      redisUrl: `redis://${formatHostForUrl(host)}:${server.port}`,
      log: opts.log,
    });
  } catch (error) {
    await server.stop();
    throw error;
  }

  let stopping: Promise<void> | undefined;
  return {
    restUrl: bridge.url,
    restToken: token,
    redisPort: server.port,
    bridgePort: bridge.port,
    // Through the bridge itself, so flush() needs no connection of its own.
    async flush() {
      const response = await fetch(bridge.url, {
        method: "POST",
        headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
        body: JSON.stringify(["FLUSHALL"]),
      });
      const body = (await response.json()) as { result?: unknown; error?: string };
      if (!response.ok || body.result !== "OK") throw new Error(`FLUSHALL failed: ${body.error ?? response.status}`);
    },
    stop() {
      stopping ??= bridge.close().finally(() => server.stop());
      return stopping;
    },
  };
}
