import { assertFails, assertSucceeds, type RulesTestEnvironment } from "@firebase/rules-unit-testing";
import { collection, deleteDoc, doc, getDoc, getDocs, query, setDoc, updateDoc, where } from "firebase/firestore";
import { firestoreRulesEnvironment } from "../support/rules.js";

describe("rules: direct messages", () => {
  let env: RulesTestEnvironment;

  before(async () => {
    env = await firestoreRulesEnvironment("demo-messages-rules");
  });
  after(() => env.cleanup());

  beforeEach(async () => {
    await env.clearFirestore();
    await env.withSecurityRulesDisabled(async (context) => {
      const db = context.firestore();
      await setDoc(doc(db, "conversations/ann__bob"), { participants: ["ann", "bob"], state: "open", requesterUid: null, requestMessages: 0 });
      await setDoc(doc(db, "conversations/ann__bob/messages/m1"), { senderUid: "ann", kind: "text", text: "hi", mediaId: null, storyId: null });
      await setDoc(doc(db, "conversations/ann__troll"), { participants: ["ann", "troll"], state: "open", requesterUid: null, requestMessages: 0 });
      await setDoc(doc(db, "conversations/ann__troll/messages/m1"), { senderUid: "troll", kind: "text", text: "hey", mediaId: null, storyId: null });
      await setDoc(doc(db, "blocks/ann__troll"), { blockerUid: "ann", blockedUid: "troll" });
      await setDoc(doc(db, "messageInboxes/bob"), { unreadTotal: 1 });
      await setDoc(doc(db, "messageInboxes/bob/threads/ann__bob"), { conversationId: "ann__bob", otherUid: "ann", folder: "primary", unread: 1 });
    });
  });

  const as = (uid: string) => env.authenticatedContext(uid).firestore();

  it("only participants read a conversation and its messages, and nobody while a block stands", async () => {
    await assertSucceeds(getDoc(doc(as("ann"), "conversations/ann__bob")));
    await assertSucceeds(getDoc(doc(as("bob"), "conversations/ann__bob")));
    await assertSucceeds(getDocs(collection(as("bob"), "conversations/ann__bob/messages")));
    await assertFails(getDoc(doc(as("cat"), "conversations/ann__bob")));
    await assertFails(getDoc(doc(as("cat"), "conversations/ann__bob/messages/m1")));
    await assertFails(getDocs(collection(as("cat"), "conversations/ann__bob/messages")));
    await assertFails(getDoc(doc(env.unauthenticatedContext().firestore(), "conversations/ann__bob/messages/m1")));
    await assertFails(getDocs(query(collection(as("ann"), "conversations"), where("participants", "array-contains", "ann"))));
    await assertFails(getDoc(doc(as("troll"), "conversations/ann__troll")));
    await assertFails(getDoc(doc(as("ann"), "conversations/ann__troll/messages/m1")));
  });

  it("each user reads only their own inbox and threads", async () => {
    await assertSucceeds(getDoc(doc(as("bob"), "messageInboxes/bob")));
    await assertSucceeds(getDocs(collection(as("bob"), "messageInboxes/bob/threads")));
    await assertFails(getDoc(doc(as("ann"), "messageInboxes/bob")));
    await assertFails(getDocs(collection(as("ann"), "messageInboxes/bob/threads")));
    await assertFails(getDocs(collection(as("ann"), "messageInboxes")));
  });

  it("clients write no conversation, message, counter, receipt or setting", async () => {
    const ann = as("ann");
    await assertFails(setDoc(doc(ann, "conversations/ann__cat"), { participants: ["ann", "cat"], state: "open" }));
    await assertFails(updateDoc(doc(ann, "conversations/ann__bob"), { "lastReadAt.ann": new Date() }));
    await assertFails(deleteDoc(doc(ann, "conversations/ann__bob")));
    await assertFails(setDoc(doc(ann, "conversations/ann__bob/messages/m2"), { senderUid: "ann", text: "x" }));
    await assertFails(updateDoc(doc(ann, "conversations/ann__bob/messages/m1"), { text: "edited" }));
    await assertFails(deleteDoc(doc(as("bob"), "conversations/ann__bob/messages/m1")));
    const bob = as("bob");
    await assertFails(updateDoc(doc(bob, "messageInboxes/bob"), { unreadTotal: 0 }));
    await assertFails(setDoc(doc(bob, "messageInboxes/bob"), { unreadTotal: 0 }, { merge: true }));
    await assertFails(updateDoc(doc(bob, "messageInboxes/bob/threads/ann__bob"), { unread: 0 }));
    await assertFails(deleteDoc(doc(bob, "messageInboxes/bob/threads/ann__bob")));
  });
});
