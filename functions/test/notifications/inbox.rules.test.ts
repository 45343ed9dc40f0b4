import { assertFails, assertSucceeds, type RulesTestEnvironment } from "@firebase/rules-unit-testing";
import { collection, deleteDoc, doc, getDoc, getDocs, setDoc, updateDoc } from "firebase/firestore";
import { firestoreRulesEnvironment } from "../support/rules.js";

describe("rules: notifications inbox and outbox", () => {
  let env: RulesTestEnvironment;

  before(async () => {
    env = await firestoreRulesEnvironment("demo-rules-notifications");
  });
  after(() => env.cleanup());

  const entry = { type: "follow", title: "New follower", body: "Mia started following you", deepLink: "app://profile/mia", data: {}, read: false };

  beforeEach(async () => {
    await env.clearFirestore();
    await env.withSecurityRulesDisabled(async (context) => {
      const db = context.firestore();
      await setDoc(doc(db, "users/alice/notifications/n1"), { ...entry, createdAt: new Date() });
      await setDoc(doc(db, "users/alice/notifications/n2"), { ...entry, read: true, createdAt: new Date() });
      await setDoc(doc(db, "users/bob/notifications/n3"), { ...entry, createdAt: new Date() });
      await setDoc(doc(db, "notificationOutbox/o1"), { recipient: "alice", type: "follow", status: "dead", attempts: 6 });
    });
  });

  const alice = () => env.authenticatedContext("alice").firestore();
  const admin = () => env.authenticatedContext("root", { roles: ["admin"] }).firestore();
  const moderator = () => env.authenticatedContext("mod", { roles: ["moderator"] }).firestore();
  const anonymous = () => env.unauthenticatedContext().firestore();

  it("a user reads and lists their own inbox only", async () => {
    await assertSucceeds(getDoc(doc(alice(), "users/alice/notifications/n1")));
    await assertSucceeds(getDocs(collection(alice(), "users/alice/notifications")));
    await assertFails(getDoc(doc(alice(), "users/bob/notifications/n3")));
    await assertFails(getDocs(collection(alice(), "users/bob/notifications")));
    await assertFails(getDoc(doc(anonymous(), "users/alice/notifications/n1")));
  });

  it("a user may set read from false to true on their own entries, and change nothing else", async () => {
    await assertSucceeds(updateDoc(doc(alice(), "users/alice/notifications/n1"), { read: true }));
    await assertFails(updateDoc(doc(alice(), "users/alice/notifications/n2"), { read: false }));
    await assertFails(updateDoc(doc(alice(), "users/bob/notifications/n3"), { read: true }));
    await env.withSecurityRulesDisabled((context) => updateDoc(doc(context.firestore(), "users/alice/notifications/n1"), { read: false }));
    await assertFails(updateDoc(doc(alice(), "users/alice/notifications/n1"), { read: true, title: "changed" }));
    await assertFails(updateDoc(doc(alice(), "users/alice/notifications/n1"), { body: "changed" }));
    await assertFails(updateDoc(doc(alice(), "users/alice/notifications/n1"), { read: "yes" }));
  });

  it("a user deletes their own entries but creates none, and touches no one else's", async () => {
    await assertSucceeds(deleteDoc(doc(alice(), "users/alice/notifications/n1")));
    await assertFails(deleteDoc(doc(alice(), "users/bob/notifications/n3")));
    await assertFails(setDoc(doc(alice(), "users/alice/notifications/mine"), entry));
    await assertFails(setDoc(doc(alice(), "users/bob/notifications/spam"), entry));
    await assertFails(setDoc(doc(alice(), "users/alice/notifications/n2"), { ...entry, read: true }));
  });

  it("the outbox: admins read, nobody writes, not even an admin", async () => {
    await assertSucceeds(getDoc(doc(admin(), "notificationOutbox/o1")));
    await assertSucceeds(getDocs(collection(admin(), "notificationOutbox")));
    await assertFails(getDoc(doc(moderator(), "notificationOutbox/o1")));
    await assertFails(getDoc(doc(alice(), "notificationOutbox/o1")));
    await assertFails(setDoc(doc(admin(), "notificationOutbox/o2"), { recipient: "alice", type: "follow", status: "pending" }));
    await assertFails(updateDoc(doc(admin(), "notificationOutbox/o1"), { status: "pending" }));
    await assertFails(deleteDoc(doc(alice(), "notificationOutbox/o1")));
  });

  it("aggregation windows are server only", async () => {
    await assertFails(getDoc(doc(alice(), "notificationWindows/alice__gift-received")));
    await assertFails(setDoc(doc(alice(), "notificationWindows/alice__gift-received"), { count: 0 }));
  });
});
