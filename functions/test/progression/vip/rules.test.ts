import { assertFails, assertSucceeds, type RulesTestEnvironment } from "@firebase/rules-unit-testing";
import { collection, doc, getDoc, getDocs, setDoc, Timestamp, updateDoc } from "firebase/firestore";
import { firestoreRulesEnvironment } from "../../support/rules.js";

describe("rules: VIP (vipHistory, users/{uid}.vip, config/vip)", () => {
  let env: RulesTestEnvironment;

  before(async () => {
    env = await firestoreRulesEnvironment("demo-vip-rules");
  });
  after(() => env.cleanup());

  beforeEach(async () => {
    await env.clearFirestore();
    await env.withSecurityRulesDisabled(async (context) => {
      const db = context.firestore();
      await setDoc(doc(db, "users/alice"), { uid: "alice", vip: { tier: 1, expiresAt: Timestamp.fromMillis(Date.now() + 86_400_000) } });
      await setDoc(doc(db, "users/alice/vipHistory/tx1"), { source: "purchase", tier: 1 });
      await setDoc(doc(db, "config/vip"), { tiers: {} });
    });
  });

  const ctx = (uid: string, claims: Record<string, unknown> = {}) => env.authenticatedContext(uid, claims).firestore();

  it("the owner and admins read the history; others and anonymous users do not", async () => {
    await assertSucceeds(getDoc(doc(ctx("alice"), "users/alice/vipHistory/tx1")));
    await assertSucceeds(getDocs(collection(ctx("alice"), "users/alice/vipHistory")));
    await assertSucceeds(getDocs(collection(ctx("root", { roles: ["admin"] }), "users/alice/vipHistory")));
    await assertFails(getDoc(doc(ctx("bob"), "users/alice/vipHistory/tx1")));
    await assertFails(getDocs(collection(ctx("bob", { roles: ["moderator"] }), "users/alice/vipHistory")));
    await assertFails(getDoc(doc(env.unauthenticatedContext().firestore(), "users/alice/vipHistory/tx1")));
  });

  it("no client writes a membership, its history or the tier configuration", async () => {
    await assertFails(updateDoc(doc(ctx("alice"), "users/alice"), { vip: { tier: 3, expiresAt: Timestamp.fromMillis(Date.now() + 1e10) } }));
    await assertFails(setDoc(doc(ctx("alice"), "users/alice/vipHistory/tx2"), { source: "purchase", tier: 3 }));
    await assertFails(setDoc(doc(ctx("root", { roles: ["admin"] }), "config/vip"), { tiers: {} }));
    await assertSucceeds(getDoc(doc(ctx("bob"), "config/vip")));
  });
});
