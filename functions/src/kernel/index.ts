/** The shared kernel, one import for domains. */
export { adminApp, auth, db, rtdb } from "./app.js";
export { type CallableContext, type CallableSpec, defineCallable, runCallable } from "./callable.js";
export { Collections } from "./collections.js";
export * as config from "./config.js";
export { type ErrorCode, fail, toHttpsError } from "./errors.js";
export { type Caller, requireAppCheck, requireAuth, requireRole } from "./guards.js";
export { fingerprint, RequestIdSchema, runIdempotent, runOncePerEvent } from "./idempotency.js";
export { log } from "./logger.js";
export { enforceRateLimit, type RateLimitRule } from "./ratelimit.js";
export { ROLES, type Role, RoleSchema, rolesFromClaims } from "./roles.js";
export { parse } from "./validation.js";
