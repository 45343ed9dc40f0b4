/** How hosts reach PK battles. Results, timers and live scores are the server's (jobs.ts, score.ts). */
import { defineCallable } from "../../kernel/callable.js";
import * as pk from "./battles.js";
import { CancelPkRequestSchema, ChallengePkRequestSchema, RespondPkRequestSchema } from "./schema.js";

/** A host challenges another live host; idempotent by requestId. */
export const challengePk = defineCallable({
  name: "live.challengePk",
  input: ChallengePkRequestSchema,
  roles: ["host"],
  rateLimit: { perUid: { tokens: 20, windowSeconds: 60 } },
  handler: ({ caller, data }) => pk.challengePk(caller, data),
});

/** The challenged host accepts (the battle starts now, server-timed) or declines. */
export const respondPk = defineCallable({
  name: "live.respondPk",
  input: RespondPkRequestSchema,
  roles: ["host"],
  rateLimit: { perUid: { tokens: 30, windowSeconds: 60 } },
  handler: ({ caller, data }) => pk.respondPk(caller, data),
});

/** The challenger withdraws a challenge that has not been answered. */
export const cancelPk = defineCallable({
  name: "live.cancelPk",
  input: CancelPkRequestSchema,
  roles: ["host"],
  rateLimit: { perUid: { tokens: 30, windowSeconds: 60 } },
  handler: ({ caller, data }) => pk.cancelPk(caller, data),
});
