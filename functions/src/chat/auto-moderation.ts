/**
 * What happens to each chat message after a client wrote it (the rules already checked sender,
 * membership, mute, length and rate): banned words are masked, or the message removed when it is
 * nothing else; messages of banned or suspended accounts are removed; repeat offenders (banned words or
 * the same text again, N times in a window) are muted;
 * every message is archived with its outcome in Firestore chatArchive/{venueKey}/messages/{messageId};
 * only the last N messages stay live in RTDB.
 *
 * At-least-once delivery: the decision (archive, offender counts) is taken once per event id in one
 * Firestore transaction and stored; the RTDB effects are applied from the stored outcome on every
 * delivery, and each of them is idempotent, so a replay after a crash finishes the job.
 */
import { createHash } from "node:crypto";
import { recordChatFilterHit } from "../admin/moderation/items.js";
import { banRef, isBanActive } from "../kernel/account.js";
import { firestoreValues, rtdb } from "../kernel/app.js";
import { millisOf } from "../kernel/fields.js";
import { runOncePerEvent } from "../kernel/idempotency.js";
import { log } from "../kernel/logger.js";
import { trimToLast } from "../venues/feeds.js";
import { parseVenueKey, type Venue, VenuePaths, venueKey } from "../venues/paths.js";
import { type ChatConfig, chatConfig } from "./config.js";
import { moderateText } from "./profanity.js";
import { ChatMessageSchema, type ModerationOutcome } from "./schema.js";
import { archiveOf } from "./store.js";

/** chatArchive/{venueKey}/senders/{uid}: what auto-mute needs to remember about a sender. */
interface SenderState {
  uid: string;
  /** createdAt of flagged messages within the window (oldest first). */
  recentFlags: number[];
  lastTextHash: string | null;
  lastAt: number;
}

const MAX_REMEMBERED_FLAGS = 100;

export interface ChatMessageCreated {
  eventId: string;
  venueKey: string;
  messageId: string;
  value: unknown;
}

/** Same words, any case or spacing: "BUY  coins" repeats "buy coins". */
function textFingerprint(text: string): string {
  return createHash("sha256").update(text.normalize("NFKC").toLowerCase().replace(/\s+/g, " ").trim()).digest("hex");
}

async function decideOnce(event: ChatMessageCreated, venue: Venue, config: ChatConfig): Promise<{ outcome: ModerationOutcome; replayed: boolean }> {
  const message = ChatMessageSchema.parse(event.value);
  const text = moderateText(message.text, config);
  const archive = archiveOf(venue);
  const windowMs = config.autoMute.windowSeconds * 1000;
  const { result, replayed } = await runOncePerEvent("chat.moderateMessage", event.eventId, async (tx) => {
    const senderRef = archive.sender(message.uid);
    const [senderSnap, banSnap] = await tx.getAll(senderRef, banRef(message.uid));
    const sender = senderSnap?.data() as SenderState | undefined;
    // A banned or suspended account may still hold a valid ID token for up to an hour (the rules see
    // only the token): its messages are taken down here.
    const expiresAtMs = millisOf(banSnap?.get("expiresAt")) ?? undefined;
    const senderBanned = banSnap?.exists === true && isBanActive({ expiresAtMs }, message.createdAt);
    const textHash = textFingerprint(message.text);
    const repeated = sender?.lastTextHash === textHash && Math.abs(message.createdAt - sender.lastAt) <= windowMs;
    const flagged = text.verdict !== "clean" || repeated;
    let recentFlags = (sender?.recentFlags ?? []).filter((at) => at > message.createdAt - windowMs);
    if (flagged) recentFlags = [...recentFlags, message.createdAt].sort((a, b) => a - b).slice(-MAX_REMEMBERED_FLAGS);
    let autoMutedUntil: number | null = null;
    if (flagged && recentFlags.length >= config.autoMute.flaggedMessages) {
      autoMutedUntil = message.createdAt + config.autoMute.muteSeconds * 1000;
      // A new mute needs a new series of offences.
      recentFlags = [];
    }
    // Deliveries may come out of order: only a newer message becomes the one repeats are compared to.
    const newest = !sender || message.createdAt >= sender.lastAt;
    const nextSender: SenderState = {
      uid: message.uid,
      recentFlags,
      lastTextHash: newest ? textHash : (sender?.lastTextHash ?? null),
      lastAt: newest ? message.createdAt : (sender?.lastAt ?? message.createdAt),
    };
    const outcome: ModerationOutcome = {
      verdict: senderBanned ? "removed" : text.verdict,
      shownText: senderBanned ? null : text.shownText,
      matches: text.matches,
      repeated,
      flagged,
      autoMutedUntil,
      ...(senderBanned ? { senderBanned } : {}),
    };
    const { FieldValue, Timestamp } = firestoreValues();
    tx.set(senderRef, nextSender);
    // merge: a deletion recorded by deleteChatMessage before this trigger ran is kept.
    tx.set(
      archive.message(event.messageId),
      {
        venueKey: venueKey(venue),
        venue,
        messageId: event.messageId,
        uid: message.uid,
        text: message.text,
        createdAt: Timestamp.fromMillis(message.createdAt),
        moderation: outcome,
        archivedAt: FieldValue.serverTimestamp(),
      },
      { merge: true },
    );
    return outcome;
  });
  return { outcome: result, replayed };
}

/** The RTDB side of an outcome; every step is idempotent. */
async function applyOutcome(venue: Venue, messageId: string, uid: string, outcome: ModerationOutcome, config: ChatConfig): Promise<void> {
  const messageRef = rtdb().ref(VenuePaths.chatMessage(venue, messageId));
  if (outcome.verdict === "removed") {
    await messageRef.remove();
  } else if (outcome.verdict === "masked") {
    // Only while the message is still there (it may have been deleted or trimmed meanwhile); null for
    // an empty local cache makes the server's copy decide (see venues/presence.ts replaceMarker).
    await messageRef.transaction((current: Record<string, unknown> | null) =>
      current === null ? null : { ...current, text: outcome.shownText, masked: true },
    );
  }
  if (outcome.autoMutedUntil !== null) {
    const until = outcome.autoMutedUntil;
    // Never shortens a longer mute a moderator set.
    await rtdb()
      .ref(VenuePaths.muteOf(venue, uid))
      .transaction((current) => (typeof current === "number" && current >= until ? undefined : until));
  }
  await trimToLast(VenuePaths.chat(venue), config.liveMessages);
}

/** Trigger body for chat/{venueKey}/{messageId} created. Returns the outcome, or null when ignored. */
export async function moderateChatMessage(event: ChatMessageCreated): Promise<ModerationOutcome | null> {
  const venue = parseVenueKey(event.venueKey);
  const parsed = ChatMessageSchema.safeParse(event.value);
  if (!venue || !parsed.success) {
    // The rules admit only well-formed messages from clients; anything else was written by a server.
    log.warn("chat message ignored by moderation", { venueKey: event.venueKey, messageId: event.messageId });
    return null;
  }
  const config = await chatConfig();
  const { outcome, replayed } = await decideOnce(event, venue, config);
  await applyOutcome(venue, event.messageId, parsed.data.uid, outcome, config);
  // Repeat offenders reach the moderation queue (counted once per message, also on a replay).
  if (outcome.verdict !== "clean" && !outcome.senderBanned) {
    await recordChatFilterHit({ venueKey: event.venueKey, messageId: event.messageId, uid: parsed.data.uid, at: parsed.data.createdAt });
  }
  if (!replayed && (outcome.verdict !== "clean" || outcome.autoMutedUntil !== null)) {
    log.info("chat message moderated", {
      venueKey: event.venueKey,
      messageId: event.messageId,
      uid: parsed.data.uid,
      ...outcome,
      shownText: undefined,
    });
  }
  return outcome;
}
