import { assertFails, assertSucceeds, type RulesTestEnvironment } from "@firebase/rules-unit-testing";
import { collection, deleteDoc, doc, getDoc, getDocs, setDoc, updateDoc } from "firebase/firestore";
import { firestoreRulesEnvironment } from "../support/rules.js";

describe("rules: identity (devices, notifications, sessions, bans, config/access)", () => {
  let env: RulesTestEnvironment;

  before(async () => {
    env = await firestoreRulesEnvironment("demo-identity-rules");
  });
  after(() => env.cleanup());

  beforeEach(async () => {
    await env.clearFirestore();
    await env.withSecurityRulesDisabled(async (context) => {
      const db = context.firestore();
      await setDoc(doc(db, "users/alice/devices/phone-0001"), { deviceId: "phone-0001", platform: "ios", fcmToken: "t" });
      await setDoc(doc(db, "users/alice/notifications/n1"), { type: "new-device", deviceId: "phone-0001" });
      await setDoc(doc(db, "users/alice/private/sessions"), { revokedAt: null });
      await setDoc(doc(db, "bans/alice"), { reason: "spam" });
      await setDoc(doc(db, "config/access"), { blockedCountries: ["KP"] });
    });
  });

  const alice = () => env.authenticatedContext("alice").firestore();
  const bob = () => env.authenticatedContext("bob").firestore();
  const anonymous = () => env.unauthenticatedContext().firestore();

  it("a user reads their own devices and notifications (documents and lists)", async () => {
    await assertSucceeds(getDoc(doc(alice(), "users/alice/devices/phone-0001")));
    await assertSucceeds(getDocs(collection(alice(), "users/alice/devices")));
    await assertSucceeds(getDoc(doc(alice(), "users/alice/notifications/n1")));
    await assertSucceeds(getDocs(collection(alice(), "users/alice/notifications")));
    await assertSucceeds(getDoc(doc(alice(), "users/alice/private/sessions")));
  });

  it("nobody else reads them", async () => {
    await assertFails(getDoc(doc(bob(), "users/alice/devices/phone-0001")));
    await assertFails(getDocs(collection(bob(), "users/alice/devices")));
    await assertFails(getDoc(doc(bob(), "users/alice/notifications/n1")));
    await assertFails(getDocs(collection(bob(), "users/alice/notifications")));
    await assertFails(getDoc(doc(anonymous(), "users/alice/devices/phone-0001")));
    await assertFails(getDoc(doc(bob(), "users/alice/private/sessions")));
  });

  it("clients write none of them, not even the owner (inbox entries: only marked read or deleted)", async () => {
    await assertFails(setDoc(doc(alice(), "users/alice/devices/phone-0009"), { deviceId: "phone-0009", platform: "ios" }));
    await assertFails(updateDoc(doc(alice(), "users/alice/devices/phone-0001"), { platform: "web" }));
    await assertFails(deleteDoc(doc(alice(), "users/alice/devices/phone-0001")));
    // The inbox: the owner may only mark an entry read or delete it (functions/test/notifications/inbox.rules.test.ts).
    await assertFails(setDoc(doc(alice(), "users/alice/notifications/n2"), { type: "new-device" }));
    await assertFails(updateDoc(doc(alice(), "users/alice/notifications/n1"), { type: "announcement" }));
    await assertFails(setDoc(doc(alice(), "users/alice/private/sessions"), { revokedAt: null }));
  });

  it("bans are server-only; config/access is readable by admins only and never writable", async () => {
    await assertFails(getDoc(doc(alice(), "bans/alice")));
    await assertFails(deleteDoc(doc(alice(), "bans/alice")));
    await assertFails(getDoc(doc(alice(), "config/access")));
    await assertSucceeds(getDoc(doc(env.authenticatedContext("root", { roles: ["admin"] }).firestore(), "config/access")));
    await assertFails(setDoc(doc(alice(), "config/access"), { blockedCountries: [] }));
  });
});
