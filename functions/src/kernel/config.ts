/**
 * Runtime configuration as Firebase params: typed, declared at deploy time, read with .value() only
 * inside a request (never at import time). Locally they come from functions/.env.local; in tests,
 * from process.env.
 */
import { defineBoolean, defineInt, defineSecret, defineString } from "firebase-functions/params";

export const REGION = "us-central1";

/** Reject callables without a valid App Check token. Off locally; on in production. */
export const ENFORCE_APP_CHECK = defineBoolean("ENFORCE_APP_CHECK", {
  default: false,
  description: "Require a valid App Check token on every callable",
});

export const UPSTASH_REDIS_REST_URL = defineString("UPSTASH_REDIS_REST_URL", {
  default: "",
  description: "Upstash Redis REST URL (rate limits, leaderboards, caches). Empty disables rate limiting.",
});
export const UPSTASH_REDIS_REST_TOKEN = defineSecret("UPSTASH_REDIS_REST_TOKEN");

/** Per-uid and per-IP budgets for ordinary callables; hot paths set their own. */
export const RATE_LIMIT_PER_UID_PER_MINUTE = defineInt("RATE_LIMIT_PER_UID_PER_MINUTE", { default: 120 });
export const RATE_LIMIT_PER_IP_PER_MINUTE = defineInt("RATE_LIMIT_PER_IP_PER_MINUTE", { default: 600 });

/** Proxies of ours that append to X-Forwarded-For in front of the functions (kernel/callable.ts clientIp). */
export const TRUSTED_PROXY_HOPS = defineInt("TRUSTED_PROXY_HOPS", { default: 1 });
