/**
 * The one way callables are built. Every callable gets, in this order: App Check (when enforced),
 * authentication and role guards, per-uid and per-IP rate limits, zod validation of the payload,
 * then the handler; any error leaves as an HttpsError with a meaningful code.
 */
import { type CallableOptions, type CallableRequest, onCall } from "firebase-functions/v2/https";
import type { z } from "zod";
import {
  ENFORCE_APP_CHECK,
  RATE_LIMIT_PER_IP_PER_MINUTE,
  RATE_LIMIT_PER_UID_PER_MINUTE,
  REGION,
  UPSTASH_REDIS_REST_TOKEN,
} from "./config.js";
import { toHttpsError } from "./errors.js";
import { type Caller, requireAppCheck, requireAuth, requireRole } from "./guards.js";
import { enforceRateLimit, type RateLimitRule } from "./ratelimit.js";
import type { Role } from "./roles.js";
import { parse } from "./validation.js";

export interface CallableContext<Input> {
  caller: Caller;
  data: Input;
  request: CallableRequest<unknown>;
}

export interface CallableSpec<S extends z.ZodType, Result> {
  /** Used in logs and as the rate-limit key prefix. */
  name: string;
  input: S;
  /** Roles allowed to call (admins always pass). Omit for any signed-in user. */
  roles?: Role[];
  /** Overrides the default per-minute budgets; false turns limits off for this callable. */
  rateLimit?: { perUid?: Omit<RateLimitRule, "name">; perIp?: Omit<RateLimitRule, "name"> } | false;
  options?: Omit<CallableOptions, "region" | "enforceAppCheck">;
  handler: (context: CallableContext<z.output<S>>) => Promise<Result>;
}

function clientIp(request: CallableRequest<unknown>): string | undefined {
  const raw = request.rawRequest as { ip?: string; headers?: Record<string, unknown> } | undefined;
  const forwarded = raw?.headers?.["x-forwarded-for"];
  const first = typeof forwarded === "string" ? forwarded.split(",")[0]?.trim() : undefined;
  return first || raw?.ip || undefined;
}

async function applyRateLimits(spec: CallableSpec<z.ZodType, unknown>, request: CallableRequest<unknown>, caller: Caller) {
  if (spec.rateLimit === false) return;
  const perUid = spec.rateLimit?.perUid ?? { tokens: RATE_LIMIT_PER_UID_PER_MINUTE.value(), windowSeconds: 60 };
  await enforceRateLimit({ name: `${spec.name}:uid`, ...perUid }, caller.uid);
  const ip = clientIp(request);
  if (ip) {
    const perIp = spec.rateLimit?.perIp ?? { tokens: RATE_LIMIT_PER_IP_PER_MINUTE.value(), windowSeconds: 60 };
    await enforceRateLimit({ name: `${spec.name}:ip`, ...perIp }, ip);
  }
}

/** The request pipeline, separate from onCall so it can be exercised in-process. */
export async function runCallable<S extends z.ZodType, Result>(
  spec: CallableSpec<S, Result>,
  request: CallableRequest<unknown>,
): Promise<Result> {
  try {
    // Checked here rather than through onCall's enforceAppCheck option, which reads the param at
    // module load (deploy time); here it is read per request, and in-process runs behave the same.
    if (ENFORCE_APP_CHECK.value()) requireAppCheck(request);
    const caller = spec.roles ? requireRole(request, ...spec.roles) : requireAuth(request);
    await applyRateLimits(spec as CallableSpec<z.ZodType, unknown>, request, caller);
    const data = parse(spec.input, request.data);
    return await spec.handler({ caller, data, request });
  } catch (err) {
    throw toHttpsError(err, { callable: spec.name, uid: request.auth?.uid });
  }
}

export function defineCallable<S extends z.ZodType, Result>(spec: CallableSpec<S, Result>) {
  return onCall(
    {
      region: REGION,
      ...spec.options,
      // The rate limiter's Redis token is needed by every callable, plus whatever the domain declares.
      secrets: [UPSTASH_REDIS_REST_TOKEN, ...(spec.options?.secrets ?? [])],
    },
    (request: CallableRequest<unknown>) => runCallable(spec, request),
  );
}
