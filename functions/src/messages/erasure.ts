/**
 * Direct messages in a data export and in account deletion. Deletion keeps the other party's copy of each
 * conversation: the deleted user's messages stay with their text (it is the other party's correspondence
 * too, as a received letter is) but no longer name the sender, lose their media (deleted with the
 * account's uploads), and the deleted user leaves the participants. Their own inbox and threads go.
 */
import type { QueryDocumentSnapshot } from "firebase-admin/firestore";
import { db, firestoreValues } from "../kernel/app.js";
import { Collections } from "../kernel/collections.js";
import type { MessagePreview } from "./schema.js";
import { inboxRef, messagesOf, threadRef } from "./store.js";

/** Shown in place of a deleted user: as sender, participant and the other side of a thread. */
export const DELETED_PARTICIPANT = "deleted-user";
const PAGE = 200;

/** Messages `uid` sent (any conversation) and their conversation list, for the export. */
export async function messagesForExport(uid: string): Promise<{ sent: QueryDocumentSnapshot[]; conversations: QueryDocumentSnapshot[] }> {
  const [sent, conversations] = await Promise.all([
    // conversations/{id}/messages/{id}: a collection-group query on senderUid (index override declared).
    db().collectionGroup(Collections.conversationMessages).where("senderUid", "==", uid).get(),
    inboxRef(uid).collection(Collections.messageThreads).get(),
  ]);
  return { sent: sent.docs, conversations: conversations.docs };
}

/** Anonymises `uid` in every conversation it takes part in, then deletes its inbox. Idempotent. */
export async function eraseMessagesOf(uid: string): Promise<void> {
  const { FieldValue } = firestoreValues();
  const conversations = await db().collection(Collections.conversations).where("participants", "array-contains", uid).get();
  for (const conversation of conversations.docs) {
    const participants = (conversation.get("participants") as string[]).map((p) => (p === uid ? DELETED_PARTICIPANT : p));
    const own = messagesOf(conversation.id).where("senderUid", "==", uid).limit(PAGE);
    for (let page = await own.get(); !page.empty; page = await own.get()) {
      const batch = db().batch();
      for (const message of page.docs) batch.update(message.ref, { senderUid: DELETED_PARTICIPANT, mediaId: null });
      await batch.commit();
    }
    const batch = db().batch();
    for (const other of participants.filter((p) => p !== DELETED_PARTICIPANT)) {
      const thread = await threadRef(other, conversation.id).get();
      if (!thread.exists) continue;
      const preview = thread.get("preview") as MessagePreview | undefined;
      batch.update(thread.ref, {
        otherUid: DELETED_PARTICIPANT,
        ...(preview?.senderUid === uid ? { "preview.senderUid": DELETED_PARTICIPANT } : {}),
      });
    }
    batch.update(conversation.ref, { participants, [`lastReadAt.${uid}`]: FieldValue.delete() });
    await batch.commit();
  }
  await db().recursiveDelete(inboxRef(uid));
}
