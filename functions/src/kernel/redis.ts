/** One lazily created Upstash client per instance; null when Redis is not configured (e.g. unit tests). */
import type { Redis } from "@upstash/redis";
import { UPSTASH_REDIS_REST_TOKEN, UPSTASH_REDIS_REST_URL } from "./config.js";

let client: Redis | null | undefined;

export function redis(): Redis | null {
  if (client === undefined) {
    const url = UPSTASH_REDIS_REST_URL.value();
    const token = UPSTASH_REDIS_REST_TOKEN.value();
    if (!url || !token) {
      client = null;
    } else {
      const { Redis: RedisClient } = require("@upstash/redis") as typeof import("@upstash/redis");
      // Few retries: a slow Redis must not hold a callable; limits fail open (see ratelimit.ts).
      client = new RedisClient({ url, token, retry: { retries: 1, backoff: () => 50 } });
    }
  }
  return client;
}

/** Tests and the dev stack switch Redis endpoints at runtime. */
export function resetRedisClient(): void {
  client = undefined;
}
