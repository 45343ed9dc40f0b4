/**
 * bulkSanction: one sanction over a selection of accounts. Each account goes through the single action
 * (identity/bans.ts), idempotent per account with the key `${requestId}:${uid}`, so a retried bulk
 * request redoes nothing already done; a refusal for one account is its outcome and the rest go on.
 * The single action checks the account (it exists, it is bannable, it is in a scoped caller's countries),
 * so bulk adds no check of its own.
 */
import { HttpsError } from "firebase-functions/v2/https";
import { banAccount, liftBan } from "../../identity/bans.js";
import { refuse } from "../../kernel/errors.js";
import type { Caller } from "../../kernel/guards.js";
import { log } from "../../kernel/logger.js";
import { forEachLimited } from "../../kernel/pool.js";
import type { AdminUsersRefusal, BulkOutcome, BulkSanctionRequest, BulkSanctionResponse } from "./schema.js";

/** Accounts sanctioned at once: each costs a few Auth calls and a transaction. */
const IN_FLIGHT = 4;

async function sanctionOne(caller: Caller, request: BulkSanctionRequest, uid: string): Promise<void> {
  const single = { uid, reason: request.reason, requestId: `${request.requestId}:${uid}` };
  if (request.action === "unban") await liftBan(caller, single);
  else await banAccount(caller, request.action === "suspend" ? { ...single, durationMinutes: request.durationMinutes } : single);
}

export async function bulkSanction(caller: Caller, request: BulkSanctionRequest): Promise<BulkSanctionResponse> {
  if (request.action === "suspend" && request.durationMinutes === undefined) {
    refuse<AdminUsersRefusal>("invalid-argument", "duration-required", "A suspension needs durationMinutes.");
  }
  if (request.action !== "suspend" && request.durationMinutes !== undefined) {
    refuse<AdminUsersRefusal>("invalid-argument", "duration-not-allowed", "Only a suspension takes durationMinutes.");
  }
  const outcomes = new Map<string, BulkOutcome>();
  await forEachLimited(request.uids, IN_FLIGHT, async (uid) => {
    try {
      await sanctionOne(caller, request, uid);
      outcomes.set(uid, { uid, ok: true });
    } catch (err) {
      if (err instanceof HttpsError) {
        const reason = (err.details as { reason?: unknown } | undefined)?.reason;
        outcomes.set(uid, { uid, ok: false, code: err.code, ...(typeof reason === "string" ? { reason } : {}) });
      } else {
        log.error("bulk sanction failed for an account", { actorUid: caller.uid, uid, error: err instanceof Error ? err.stack : String(err) });
        outcomes.set(uid, { uid, ok: false, code: "internal" });
      }
    }
  });
  return { outcomes: request.uids.map((uid) => outcomes.get(uid) as BulkOutcome) };
}
