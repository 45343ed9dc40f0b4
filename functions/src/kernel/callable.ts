/**
 * The one way callables are built. Every callable gets, in this order: App Check (when enforced),
 * authentication, maintenance mode (admins exempt), role guards, the account's standing (bans, suspensions, signed-out sessions),
 * per-uid and per-IP rate limits, zod validation of the payload, then the handler; any error leaves as
 * an HttpsError with a meaningful code.
 */
import { type CallableFunction, type CallableOptions, type CallableRequest, onCall } from "firebase-functions/v2/https";
import type * as z from "zod";
import { requireGoodStanding } from "./account.js";
import {
  ENFORCE_APP_CHECK,
  RATE_LIMIT_PER_IP_PER_MINUTE,
  RATE_LIMIT_PER_UID_PER_MINUTE,
  REGION,
  TRUSTED_PROXY_HOPS,
  UPSTASH_REDIS_REST_TOKEN,
} from "./config.js";
import { toHttpsError } from "./errors.js";
import { type Caller, requireAppCheck, requireAuth, requireRole } from "./guards.js";
import { refuseDuringMaintenance } from "./maintenance.js";
import { enforceRateLimit, type RateLimitRule } from "./ratelimit.js";
import { type Role, STAFF_ROLES } from "./roles.js";
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
  /**
   * Money movements and staff actions: also ask Auth whether the account is disabled or its sessions
   * were revoked (kernel/account.ts). Defaults to true when `roles` names a staff role.
   */
  verifySession?: boolean;
  /** Overrides the default per-minute budgets; false turns limits off for this callable. */
  rateLimit?: { perUid?: Omit<RateLimitRule, "name">; perIp?: Omit<RateLimitRule, "name"> } | false;
  options?: Omit<CallableOptions, "region" | "enforceAppCheck">;
  handler: (context: CallableContext<z.output<S>>) => Promise<Result>;
}

/**
 * The caller's IP as the platform saw it. X-Forwarded-For is "<whatever the client sent>, <client>,
 * <proxies>": only the entries appended by our own front ends can be trusted, so the client is the
 * TRUSTED_PROXY_HOPS-th entry from the right (1 on Cloud Functions/Cloud Run, whose front end appends
 * the connecting address), never the first, which the client controls.
 */
export function clientIp(request: Pick<CallableRequest<unknown>, "rawRequest">, trustedHops = TRUSTED_PROXY_HOPS.value()): string | undefined {
  const raw = request.rawRequest as { ip?: string; headers?: Record<string, unknown> } | undefined;
  const forwarded = raw?.headers?.["x-forwarded-for"];
  const entries =
    typeof forwarded === "string"
      ? forwarded
          .split(",")
          .map((entry) => entry.trim())
          .filter(Boolean)
      : [];
  // 0 trusts no entry (no proxy of ours in front); an unset param reads as NaN: assume the platform's one.
  const hops = Number.isInteger(trustedHops) && trustedHops >= 0 ? trustedHops : 1;
  const trusted = hops >= 1 && entries.length >= hops ? entries[entries.length - hops] : undefined;
  return trusted || raw?.ip || undefined;
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
export async function runCallable<S extends z.ZodType, Result>(spec: CallableSpec<S, Result>, request: CallableRequest<unknown>): Promise<Result> {
  try {
    // Checked here rather than through onCall's enforceAppCheck option, which reads the param at
    // module load (deploy time); here it is read per request, and in-process runs behave the same.
    if (ENFORCE_APP_CHECK.value()) requireAppCheck(request);
    // Maintenance before roles: a user learns the platform is down, not that a callable is not theirs.
    await refuseDuringMaintenance(requireAuth(request));
    const caller = spec.roles ? requireRole(request, ...spec.roles) : requireAuth(request);
    const verifyWithAuth = spec.verifySession ?? spec.roles?.some((role) => (STAFF_ROLES as readonly Role[]).includes(role)) ?? false;
    await requireGoodStanding(request, { verifyWithAuth });
    await applyRateLimits(spec as CallableSpec<z.ZodType, unknown>, request, caller);
    const data = parse(spec.input, request.data);
    return await spec.handler({ caller, data, request });
  } catch (err) {
    throw toHttpsError(err, { callable: spec.name, uid: request.auth?.uid });
  }
}

/**
 * Who may call, readable from the deployed function: the roles it admits (null: any signed-in user). Tests
 * probe every role-gated callable over HTTP with the roles this leaves out.
 */
export interface CallableAccess {
  readonly access: { readonly name: string; readonly roles: readonly Role[] | null };
}

/**
 * A deployed callable typed with what a client sends (the schema's input) and what it gets back (the
 * handler's result): functions/src/contract.ts collects these types for the apps' client package.
 */
export type TypedCallable<Input, Result> = CallableFunction<Input, Promise<Result>> & CallableAccess;

export function defineCallable<S extends z.ZodType, Result>(spec: CallableSpec<S, Result>): TypedCallable<z.input<S>, Result> {
  const callable = onCall(
    {
      region: REGION,
      ...spec.options,
      // The rate limiter's Redis token is needed by every callable, plus whatever the domain declares.
      secrets: [UPSTASH_REDIS_REST_TOKEN, ...(spec.options?.secrets ?? [])],
    },
    (request: CallableRequest<unknown>) => runCallable(spec, request),
  );
  const access: CallableAccess["access"] = { name: spec.name, roles: spec.roles ?? null };
  // onCall receives unknown data (validated by the pipeline); the type states the contract the schema enforces.
  return Object.assign(callable as unknown as CallableFunction<z.input<S>, Promise<Result>>, { access });
}
