/**
 * The Firestore side of chat: chatArchive/{venueKey}/messages/{messageId} (every message with its
 * moderation outcome, for moderators and replay), /senders/{uid} (auto-mute memory) and /actions/{id}
 * (mutes, unmutes and deletions by hosts and moderators). Staff read it; only functions write.
 */
import { db } from "../kernel/app.js";
import { Collections } from "../kernel/collections.js";
import { type Venue, venueKey } from "../venues/paths.js";

export function archiveOf(venue: Venue) {
  const root = db().collection(Collections.chatArchive).doc(venueKey(venue));
  return {
    message: (messageId: string) => root.collection("messages").doc(messageId),
    sender: (uid: string) => root.collection("senders").doc(uid),
    newAction: () => root.collection("actions").doc(),
  };
}
