/**
 * A moderator's action on a queue item, once per requestId. One transaction closes the item, records the
 * sanction (every action but dismiss), the audit entry and the moderator's day metrics; the effects on
 * the subject follow the commit and run again on a replay (each is idempotent), so an attempt interrupted
 * after its commit is finished by the retry. "escalate" takes the escalation ladder's step for the
 * subject: step n for n active sanctions within the window, the last step repeating.
 */

import type { Transaction } from "firebase-admin/firestore";
import { deleteChatMessage } from "../../chat/moderation.js";
import { banAccount, requireBannable } from "../../identity/bans.js";
import { db, firestoreValues, rtdb } from "../../kernel/app.js";
import { recordAudit } from "../../kernel/audit.js";
import { Collections } from "../../kernel/collections.js";
import { fail, refuse } from "../../kernel/errors.js";
import { millisOf } from "../../kernel/fields.js";
import type { Caller } from "../../kernel/guards.js";
import { runIdempotent } from "../../kernel/idempotency.js";
import { log } from "../../kernel/logger.js";
import { requireAccountInScope } from "../../kernel/staff-scope.js";
import { notifyAfterCommit } from "../../notifications/after-commit.js";
import { removeContent } from "../../posts/moderation.js";
import { parseVenueKey, VenuePaths } from "../../venues/paths.js";
import { type LadderStep, type ModerationConfig, moderationConfig } from "./config.js";
import { recordActionMetrics } from "./metrics.js";
import type { ContentRef, ModerationOutcome, ModerationRefusal, TakeModerationActionRequest, TakeModerationActionResponse } from "./schema.js";
import { itemRef, newSanctionRef, subjectRef } from "./store.js";

const MINUTE_MS = 60_000;
const REMOVABLE_CONTENT = new Set(["post", "comment", "chat-message"]);

function ladderStepAt(config: ModerationConfig, step: number): LadderStep {
  return config.ladder[Math.min(step, config.ladder.length - 1)] as LadderStep;
}

/** A suspension without a duration: the ladder's suspension at this step, or the next one, or the last one. */
function suspensionMinutes(config: ModerationConfig, step: number): number {
  const from = Math.min(step, config.ladder.length - 1);
  const suspensions = config.ladder.map((s, i) => ({ s, i })).filter(({ s }) => s.action === "suspend");
  const chosen = suspensions.find(({ i }) => i >= from) ?? suspensions.at(-1);
  if (chosen?.s.action !== "suspend") {
    return fail("invalid-argument", "Invalid request: durationMinutes: the ladder has no suspension; give a duration", {
      issues: [{ path: "durationMinutes", message: "required: the ladder has no suspension", code: "custom" }],
    });
  }
  return chosen.s.minutes;
}

/** The subject's active sanctions within the ladder's window. */
async function activeSanctionsSince(tx: Transaction, subjectUid: string, sinceMs: number): Promise<number> {
  const { Timestamp } = firestoreValues();
  const recent = await tx.get(
    db().collection(Collections.sanctions).where("subjectUid", "==", subjectUid).where("createdAt", ">=", Timestamp.fromMillis(sinceMs)),
  );
  return recent.docs.filter((doc) => doc.get("status") === "active").length;
}

interface Decided extends TakeModerationActionResponse {
  subjectUid: string | null;
  contentRef: ContentRef | null;
}

export async function takeModerationAction(
  caller: Caller,
  request: TakeModerationActionRequest,
  now = Date.now(),
): Promise<TakeModerationActionResponse> {
  const config = await moderationConfig();
  // Checked before anything commits: what the effects after the commit would refuse must refuse the action.
  const preview = (await itemRef(request.itemId).get()).data();
  // Its status is checked in the transaction, after the replay check: a retry of this action finds it closed.
  if (!preview) return fail("not-found", "No such moderation item.");
  const subjectUid = (preview.subjectUid as string | null) ?? null;
  if (request.action !== "dismiss") {
    if (!subjectUid) refuse<ModerationRefusal>("failed-precondition", "no-subject", "This item names no account to act on.");
    await requireBannable(caller, subjectUid);
  } else if (subjectUid) {
    // Dismissing decides about the account too: a country-scoped moderator dismisses only its countries' items.
    await requireAccountInScope(caller, subjectUid);
  }
  const contentRef = (preview.contentRef as ContentRef | null) ?? null;
  if (request.action === "remove-content" && !(contentRef && REMOVABLE_CONTENT.has(contentRef.type))) {
    refuse<ModerationRefusal>("failed-precondition", "content-not-removable", "This item's content cannot be removed from here.");
  }

  const { result, replayed } = await runIdempotent(
    { scope: "moderation.action", key: request.requestId, owner: caller.uid, payload: request },
    async (tx): Promise<Decided> => {
      const item = await tx.get(itemRef(request.itemId));
      if (item.get("status") !== "open") refuse<ModerationRefusal>("failed-precondition", "item-closed", "This item was already handled.");
      const step = subjectUid ? await activeSanctionsSince(tx, subjectUid, now - config.ladderWindowDays * 86_400_000) : 0;
      const ladder = ladderStepAt(config, step);
      const outcome: ModerationOutcome = request.action === "escalate" ? ladder.action : request.action;
      let minutes: number | null = null;
      if (outcome === "mute") minutes = request.durationMinutes ?? config.muteMinutes;
      if (outcome === "suspend")
        minutes = request.durationMinutes ?? (ladder.action === "suspend" ? ladder.minutes : suspensionMinutes(config, step));
      const until = minutes === null ? null : now + minutes * MINUTE_MS;

      const { FieldValue, Timestamp } = firestoreValues();
      const sanction = outcome === "dismiss" ? null : newSanctionRef();
      const createdAtMs = millisOf(item.get("createdAt")) ?? now;
      tx.update(item.ref, {
        status: outcome === "dismiss" ? "dismissed" : "actioned",
        outcome,
        actionedAt: Timestamp.fromMillis(now),
        actorUid: caller.uid,
        sanctionId: sanction?.id ?? null,
        actionReason: request.reason,
      });
      // The report itself follows its item, so the reporter's record and getReport say how it ended.
      const sourceRef = item.get("sourceRef");
      if (item.get("kind") === "report" && typeof sourceRef === "string" && sourceRef.startsWith(`${Collections.reports}/`)) {
        tx.set(
          db().doc(sourceRef),
          { status: outcome === "dismiss" ? "dismissed" : "actioned", resolvedAt: Timestamp.fromMillis(now) },
          { merge: true },
        );
      }
      if (sanction && subjectUid) {
        tx.create(sanction, {
          subjectUid,
          action: outcome,
          step,
          until: until === null ? null : Timestamp.fromMillis(until),
          itemId: request.itemId,
          actorUid: caller.uid,
          reason: request.reason,
          status: "active",
          requestId: request.requestId,
          createdAt: Timestamp.fromMillis(now),
        });
        // Every sanction writes the subject's document, so two actions on one subject serialise.
        tx.set(
          subjectRef(subjectUid),
          { uid: subjectUid, lastSanctionAt: FieldValue.serverTimestamp(), lastSanctionId: sanction.id },
          { merge: true },
        );
      }
      recordAudit(tx, {
        action: `moderation.${outcome}`,
        actorUid: caller.uid,
        targetUid: subjectUid,
        reason: request.reason,
        requestId: request.requestId,
        before: { status: "open" },
        after: { status: outcome === "dismiss" ? "dismissed" : "actioned", outcome },
        details: {
          itemId: request.itemId,
          sanctionId: sanction?.id ?? null,
          step: sanction ? step : null,
          until: until === null ? null : new Date(until).toISOString(),
        },
      });
      recordActionMetrics(tx, {
        now,
        moderatorUid: caller.uid,
        outcome,
        itemId: request.itemId,
        secondsToAction: Math.max(0, Math.round((now - createdAtMs) / 1000)),
      });
      return {
        itemId: request.itemId,
        outcome,
        sanctionId: sanction?.id ?? null,
        step: sanction ? step : null,
        until: until === null ? null : new Date(until).toISOString(),
        subjectUid,
        contentRef,
      };
    },
  );
  if (!replayed)
    log.info("moderation action", { actorUid: caller.uid, itemId: request.itemId, outcome: result.outcome, subjectUid: result.subjectUid });
  await applySanction(caller, request.reason, result);
  const { subjectUid: _subject, contentRef: _content, ...response } = result;
  return response;
}

/** Suspensions and bans go through identity's banAccount, here only, for the sanction's minutes. */
function banThroughIdentity(caller: Caller, uid: string, reason: string, sanctionId: string, untilIso: string | null, now: number) {
  const minutes = untilIso === null ? null : Math.max(1, Math.round((Date.parse(untilIso) - now) / MINUTE_MS));
  return banAccount(caller, {
    uid,
    reason,
    requestId: `sanction-${sanctionId}`,
    ...(minutes === null ? {} : { durationMinutes: minutes }),
  });
}

/** The effects on the subject; each is idempotent (keyed by the sanction), so a replay completes them. */
async function applySanction(caller: Caller, reason: string, decided: Decided): Promise<void> {
  const { outcome, sanctionId, subjectUid, until } = decided;
  if (!sanctionId || !subjectUid) return;
  const dedupeKey = `sanction:${sanctionId}`;
  switch (outcome) {
    case "warn":
      await notifyAfterCommit({ recipient: subjectUid, type: "moderation-warning", data: { reason }, dedupeKey });
      return;
    case "mute": {
      const untilMs = Date.parse(until as string);
      // Never shortens a longer mute already standing.
      await rtdb()
        .ref(VenuePaths.chatMuteEverywhere(subjectUid))
        .transaction((current) => (typeof current === "number" && current >= untilMs ? undefined : untilMs));
      await notifyAfterCommit({ recipient: subjectUid, type: "moderation-muted", data: { until: until as string, reason }, dedupeKey });
      return;
    }
    case "suspend":
    case "ban": {
      const sanction = await db().collection(Collections.sanctions).doc(sanctionId).get();
      const createdAtMs = millisOf(sanction.get("createdAt")) ?? Date.now();
      // banAccount notifies the subject (account-suspended / account-banned).
      await banThroughIdentity(caller, subjectUid, reason, sanctionId, until, createdAtMs);
      return;
    }
    case "remove-content":
      await removeItemContent(caller, reason, sanctionId, subjectUid, decided.contentRef as ContentRef);
      return;
    default:
      return;
  }
}

async function removeItemContent(caller: Caller, reason: string, sanctionId: string, subjectUid: string, content: ContentRef): Promise<void> {
  const [first, second] = content.id.split("/");
  if (content.type === "post" || content.type === "comment") {
    // posts' removal notifies the author (content-removed).
    await removeContent(caller, {
      postId: first as string,
      ...(content.type === "comment" && second ? { commentId: second } : {}),
      reason,
      requestId: `sanction-${sanctionId}`,
    });
    return;
  }
  const venue = parseVenueKey(first ?? "");
  if (content.type === "chat-message" && venue && second) {
    await deleteChatMessage(caller, { venue, messageId: second });
    await notifyAfterCommit({ recipient: subjectUid, type: "moderation-content-removed", data: { reason }, dedupeKey: `sanction:${sanctionId}` });
  }
}
