/**
 * Appeals: the subject of a sanction appeals it once (appeals/{sanctionId}); another moderator than the
 * one who imposed it decides. Overturning marks the sanction overturned (it no longer counts on the
 * ladder) and lifts what still holds: the ban or suspension (identity's liftBan) and a chat mute.
 * Country scope (kernel/staff-scope.ts): a scoped moderator lists the appeals of its countries' accounts
 * and decides only those, and scoped support files appeals only for them; refused before anything is
 * written, so an appeal is never marked overturned with its sanction left in place.
 */
import type { DocumentSnapshot } from "firebase-admin/firestore";
import { liftBan } from "../../identity/bans.js";
import { db, firestoreValues, rtdb } from "../../kernel/app.js";
import { recordAudit } from "../../kernel/audit.js";
import { Collections, userRef } from "../../kernel/collections.js";
import { pageByTime } from "../../kernel/cursor.js";
import { fail, refuse } from "../../kernel/errors.js";
import { isoOf } from "../../kernel/fields.js";
import type { Caller } from "../../kernel/guards.js";
import { runIdempotent } from "../../kernel/idempotency.js";
import { log } from "../../kernel/logger.js";
import { countryOf, countryScopeOf, requireProfileInScope } from "../../kernel/staff-scope.js";
import { notifyAfterCommit } from "../../notifications/after-commit.js";
import { VenuePaths } from "../../venues/paths.js";
import type {
  AppealView,
  DecideAppealRequest,
  DecideAppealResponse,
  ListAppealsRequest,
  ListAppealsResponse,
  ModerationRefusal,
  SubmitAppealRequest,
  SubmitAppealResponse,
} from "./schema.js";
import { appealRef, sanctionRef } from "./store.js";

function appealView(doc: DocumentSnapshot): AppealView {
  const d = doc.data() ?? {};
  return {
    appealId: doc.id,
    sanctionId: d.sanctionId,
    subjectUid: d.subjectUid,
    subjectCountry: d.subjectCountry ?? null,
    text: d.text,
    status: d.status,
    sanctionActorUid: d.sanctionActorUid,
    deciderUid: d.deciderUid ?? null,
    decisionReason: d.decisionReason ?? null,
    createdAt: isoOf(d.createdAt),
    decidedAt: isoOf(d.decidedAt),
  };
}

/** The subject appeals their own sanction. */
export function submitAppeal(caller: Caller, request: SubmitAppealRequest): Promise<SubmitAppealResponse> {
  return fileAppeal(caller, request, "subject");
}

/**
 * Support files the appeal a user sent through another channel: a banned account cannot sign in, and a
 * suspended one cannot call in until its suspension ends. Audited; the filer is kept on the appeal.
 */
export function fileAppealForUser(caller: Caller, request: SubmitAppealRequest): Promise<SubmitAppealResponse> {
  return fileAppeal(caller, request, "support");
}

async function fileAppeal(caller: Caller, request: SubmitAppealRequest, filer: "subject" | "support"): Promise<SubmitAppealResponse> {
  const scope = filer === "subject" ? "moderation.appeal" : "moderation.appealForUser";
  const { result } = await runIdempotent({ scope, key: request.requestId, owner: caller.uid, payload: request }, async (tx) => {
    const [sanction, existing] = await tx.getAll(sanctionRef(request.sanctionId), appealRef(request.sanctionId));
    // Someone else's sanction reads as absent to a user: its existence is not the caller's business.
    if (!sanction?.exists || (filer === "subject" && sanction.get("subjectUid") !== caller.uid)) {
      return refuse<ModerationRefusal>("not-found", "not-your-sanction", "No such sanction on your account.");
    }
    if (existing?.exists) refuse<ModerationRefusal>("failed-precondition", "already-appealed", "This sanction was already appealed.");
    const subjectUid = sanction.get("subjectUid") as string;
    const profile = await tx.get(userRef(subjectUid));
    // The subject is in its own scope; support filing for it must be in theirs.
    if (filer === "support") requireProfileInScope(caller, profile);
    const { FieldValue } = firestoreValues();
    if (filer === "support") {
      recordAudit(tx, {
        action: "moderation.appeal.fileForUser",
        actorUid: caller.uid,
        targetUid: subjectUid,
        // Not the appeal text: the user's words stay on the appeal, which account deletion erases; the audit log is kept.
        reason: "appeal filed for the user by support",
        requestId: request.requestId,
        details: { sanctionId: request.sanctionId },
      });
    }
    tx.create(appealRef(request.sanctionId), {
      sanctionId: request.sanctionId,
      subjectUid,
      subjectCountry: countryOf(profile),
      filedByUid: caller.uid,
      text: request.text,
      status: "pending",
      sanctionActorUid: sanction.get("actorUid"),
      sanctionAction: sanction.get("action"),
      deciderUid: null,
      decisionReason: null,
      createdAt: FieldValue.serverTimestamp(),
      decidedAt: null,
    });
    return { appealId: request.sanctionId, status: "pending" as const };
  });
  return result;
}

export async function listAppeals(caller: Caller, request: ListAppealsRequest): Promise<ListAppealsResponse> {
  let query = db().collection(Collections.appeals).where("status", "==", request.status);
  const scope = countryScopeOf(caller);
  if (scope) query = query.where("subjectCountry", "in", scope);
  // Oldest first: the queue is worked in order of arrival.
  const page = await pageByTime(query, "createdAt", request, "asc");
  return { appeals: page.docs.map(appealView), nextCursor: page.nextCursor };
}

export async function decideAppeal(caller: Caller, request: DecideAppealRequest): Promise<DecideAppealResponse> {
  const { result, replayed } = await runIdempotent(
    { scope: "moderation.decideAppeal", key: request.requestId, owner: caller.uid, payload: request },
    async (tx) => {
      const [appeal, sanction] = await tx.getAll(appealRef(request.appealId), sanctionRef(request.appealId));
      if (!appeal?.exists || !sanction?.exists) return fail("not-found", "No such appeal.");
      if (sanction.get("actorUid") === caller.uid) {
        refuse<ModerationRefusal>("permission-denied", "same-moderator", "Another moderator must decide an appeal against your own sanction.");
      }
      if (appeal.get("status") !== "pending") refuse<ModerationRefusal>("failed-precondition", "appeal-decided", "This appeal was already decided.");
      const subjectUid = sanction.get("subjectUid") as string;
      // The subject's country as it is now, as the moderation actions check it.
      if (countryScopeOf(caller)) requireProfileInScope(caller, await tx.get(userRef(subjectUid)));
      const status = request.decision === "overturn" ? ("overturned" as const) : ("upheld" as const);
      const { FieldValue } = firestoreValues();
      tx.update(appeal.ref, { status, deciderUid: caller.uid, decisionReason: request.reason, decidedAt: FieldValue.serverTimestamp() });
      if (status === "overturned")
        tx.update(sanction.ref, { status: "overturned", overturnedBy: caller.uid, overturnedAt: FieldValue.serverTimestamp() });
      recordAudit(tx, {
        action: `moderation.appeal.${request.decision}`,
        actorUid: caller.uid,
        targetUid: subjectUid,
        reason: request.reason,
        requestId: request.requestId,
        before: { appeal: "pending", sanction: "active" },
        after: { appeal: status, sanction: status === "overturned" ? "overturned" : "active" },
        details: { appealId: request.appealId, sanctionId: request.appealId, sanctionAction: sanction.get("action") },
      });
      return { appealId: request.appealId, status, subjectUid, sanctionAction: sanction.get("action") as string };
    },
  );
  if (result.status === "overturned") await liftSanction(caller, request, result.subjectUid, result.sanctionAction);
  if (!replayed) log.info("appeal decided", { appealId: request.appealId, deciderUid: caller.uid, status: result.status });
  await notifyAfterCommit({
    recipient: result.subjectUid,
    type: result.status === "overturned" ? "appeal-overturned" : "appeal-upheld",
    data: { reason: request.reason },
    dedupeKey: `appeal:${request.appealId}`,
  });
  return { appealId: result.appealId, status: result.status };
}

/** What an overturned sanction still holds on the subject; a replay finds it lifted already. */
async function liftSanction(caller: Caller, request: DecideAppealRequest, subjectUid: string, action: string): Promise<void> {
  if (action === "suspend" || action === "ban") {
    try {
      await liftBan(caller, { uid: subjectUid, reason: request.reason, requestId: `appeal-${request.appealId}` });
    } catch (err) {
      // An ended suspension, or a replay after the lift: nothing left to lift.
      if ((err as { details?: { reason?: string } }).details?.reason !== "not-banned") throw err;
    }
  }
  if (action === "mute") await rtdb().ref(VenuePaths.chatMuteEverywhere(subjectUid)).remove();
}
