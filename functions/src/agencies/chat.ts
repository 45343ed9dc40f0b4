/**
 * The agency channel: one RTDB chat per agency that its members read and only the server writes.
 * agencyChat/{agencyId}/members mirrors agencies/{id}/members so the database rules can check
 * membership; the mirror is set after each membership transaction commits (syncChatMember). A failed
 * mirror write is repaired by the member's next post (postAgencyMessage re-syncs the caller) or by the
 * next change of that membership. Messages are filtered with chat/'s profanity filter.
 */
import { createHash } from "node:crypto";
import { chatConfig } from "../chat/config.js";
import { moderateText } from "../chat/profanity.js";
import { rtdb } from "../kernel/app.js";
import { fail, refuse } from "../kernel/errors.js";
import type { Caller } from "../kernel/guards.js";
import { log } from "../kernel/logger.js";
import { AgencyChatPaths } from "../venues/paths.js";
import type { AgencyChatMessage, AgencyRefusal, PostAgencyMessageRequest, PostAgencyMessageResponse } from "./schema.js";
import { agencyRef, memberRef } from "./store.js";

/** Sets or clears the RTDB membership mirror from the Firestore member document; returns whether a member. */
export async function syncChatMember(agencyId: string, uid: string): Promise<boolean> {
  const isMember = (await memberRef(agencyId, uid).get()).exists;
  await rtdb()
    .ref(AgencyChatPaths.member(agencyId, uid))
    .set(isMember ? true : null);
  return isMember;
}

/** syncChatMember after a committed membership change: a failure is logged, not thrown (the change stands). */
export async function syncChatMemberAfterCommit(agencyId: string, uid: string): Promise<void> {
  try {
    await syncChatMember(agencyId, uid);
  } catch (err) {
    log.error("agency chat membership mirror not synced", { agencyId, uid, error: String(err) });
  }
}

/** The message key: one message per (sender, requestId), so a retried call writes nothing new. */
const messageIdOf = (uid: string, requestId: string): string => createHash("sha256").update(`${uid}\u0000${requestId}`).digest("hex").slice(0, 24);

export async function postAgencyMessage(caller: Caller, request: PostAgencyMessageRequest): Promise<PostAgencyMessageResponse> {
  const agency = await agencyRef(request.agencyId).get();
  if (!agency.exists) refuse<AgencyRefusal>("not-found", "agency-not-found", "No such agency.");
  if (!(await syncChatMember(request.agencyId, caller.uid)))
    refuse<AgencyRefusal>("permission-denied", "not-a-member", "Only members post in the agency channel.");
  if (agency.get("status") !== "active") refuse<AgencyRefusal>("failed-precondition", "agency-not-active", "This agency is not active.");
  const moderation = moderateText(request.text, await chatConfig());
  if (moderation.shownText === null) refuse<AgencyRefusal>("invalid-argument", "text-not-allowed", "This message is not allowed.");

  const messageId = messageIdOf(caller.uid, request.requestId);
  const message: AgencyChatMessage = { uid: caller.uid, text: moderation.shownText, at: Date.now() };
  // The author index first: account erasure finds every channel the user wrote in.
  await rtdb().ref(AgencyChatPaths.authorIn(caller.uid, request.agencyId)).set(true);
  const written = await rtdb()
    .ref(AgencyChatPaths.message(request.agencyId, messageId))
    .transaction((current: AgencyChatMessage | null) => current ?? message);
  const stored = written.snapshot.val() as AgencyChatMessage | null;
  if (!written.committed || stored === null) fail("aborted", "The message was not written; try again.");
  return { messageId, uid: stored.uid, text: stored.text, at: stored.at, masked: moderation.verdict === "masked" };
}

/** Account erasure: the user's messages leave every agency channel they wrote in. */
export async function eraseAgencyChatOf(uid: string): Promise<void> {
  const channels = (await rtdb().ref(AgencyChatPaths.authorOf(uid)).get()).val() as Record<string, true> | null;
  for (const agencyId of Object.keys(channels ?? {})) {
    const mine = await rtdb().ref(AgencyChatPaths.messages(agencyId)).orderByChild("uid").equalTo(uid).get();
    const removals: Record<string, null> = {};
    mine.forEach((message) => {
      removals[AgencyChatPaths.message(agencyId, message.key as string)] = null;
    });
    removals[AgencyChatPaths.authorIn(uid, agencyId)] = null;
    await rtdb().ref().update(removals);
  }
}

/** The messages `uid` posted in agency channels (the GDPR export), each with its channel. */
export async function agencyChatMessagesOf(uid: string): Promise<(AgencyChatMessage & { agencyId: string; messageId: string })[]> {
  const channels = (await rtdb().ref(AgencyChatPaths.authorOf(uid)).get()).val() as Record<string, true> | null;
  const out: (AgencyChatMessage & { agencyId: string; messageId: string })[] = [];
  for (const agencyId of Object.keys(channels ?? {})) {
    const mine = await rtdb().ref(AgencyChatPaths.messages(agencyId)).orderByChild("uid").equalTo(uid).get();
    mine.forEach((message) => {
      out.push({ ...(message.val() as AgencyChatMessage), messageId: message.key as string, agencyId });
    });
  }
  return out.sort((a, b) => a.at - b.at);
}

/** A deleted agency's channel goes with it (its members are released first). */
export async function removeAgencyChannel(agencyId: string): Promise<void> {
  await rtdb().ref(AgencyChatPaths.channel(agencyId)).remove();
}
