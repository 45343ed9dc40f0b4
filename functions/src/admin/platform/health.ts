/**
 * The health check behind GET /health (webhooks.ts) for uptime checks and load balancers: reads Firestore and the
 * Realtime Database and pings Redis, each bounded by HEALTH_CHECK_TIMEOUT_MS, and answers 200 when all
 * answer, 503 naming the failing checks otherwise. A Redis that is not configured is reported, not failed
 * (rate limiting is then off by configuration, not broken).
 */
import type { Request } from "firebase-functions/v2/https";
import { db, rtdb } from "../../kernel/app.js";
import { Collections } from "../../kernel/collections.js";
import { log } from "../../kernel/logger.js";
import { redis } from "../../kernel/redis.js";
import { withTimeout } from "../../kernel/timeout.js";

export const HEALTH_CHECK_TIMEOUT_MS = 2_000;
/** An RTDB location that holds nothing: reading it is a round trip to the database and nothing more. */
const RTDB_PROBE_PATH = "healthProbe";

export interface CheckResult {
  ok: boolean;
  ms: number;
  error?: string;
  skipped?: string;
}

export interface HealthReport {
  status: "ok" | "failing";
  checks: Record<"firestore" | "rtdb" | "redis", CheckResult>;
}

type Probe = () => Promise<string | undefined>;

async function timed(probe: Probe, timeoutMs: number): Promise<CheckResult> {
  const started = Date.now();
  try {
    const skipped = await withTimeout(probe(), timeoutMs);
    return skipped ? { ok: true, ms: Date.now() - started, skipped } : { ok: true, ms: Date.now() - started };
  } catch (err) {
    return { ok: false, ms: Date.now() - started, error: err instanceof Error ? err.message : String(err) };
  }
}

export async function checkHealth(timeoutMs = HEALTH_CHECK_TIMEOUT_MS): Promise<HealthReport> {
  // The clients are made (their modules loaded, synchronously) before any clock starts: a cold instance's
  // loading time is not the backends' answer time, and would hold the timers back besides.
  const firestoreClient = db();
  const databaseClient = rtdb();
  const redisClient = redis();
  const [firestore, database, cache] = await Promise.all([
    timed(async () => {
      await firestoreClient.collection(Collections.config).doc("maintenance").get();
      return undefined;
    }, timeoutMs),
    timed(async () => {
      await databaseClient.ref(RTDB_PROBE_PATH).get();
      return undefined;
    }, timeoutMs),
    timed(async () => {
      const client = redisClient;
      if (!client) return "not configured";
      const answer = await client.ping();
      if (answer !== "PONG") throw new Error(`unexpected PING answer: ${String(answer)}`);
      return undefined;
    }, timeoutMs),
  ]);
  const checks = { firestore, rtdb: database, redis: cache };
  return { status: Object.values(checks).every((check) => check.ok) ? "ok" : "failing", checks };
}

/** The endpoint's answer to one request: the status code and body. */
export async function answerHealth(request: Pick<Request, "method">): Promise<{ status: number; body: unknown }> {
  if (request.method !== "GET" && request.method !== "HEAD") return { status: 405, body: { error: "Use GET." } };
  const report = await checkHealth();
  if (report.status !== "ok") log.warn("health check failing", { checks: report.checks });
  return { status: report.status === "ok" ? 200 : 503, body: report };
}
