import { assertFails, assertSucceeds, type RulesTestEnvironment } from "@firebase/rules-unit-testing";
import { deleteDoc, doc, getDoc, setDoc } from "firebase/firestore";
import { firestoreRulesEnvironment } from "../support/rules.js";

describe("rules: campaigns, campaign progress and claims, gift streaks", () => {
  let env: RulesTestEnvironment;

  before(async () => {
    env = await firestoreRulesEnvironment("demo-rules-campaigns");
  });
  after(() => env.cleanup());

  beforeEach(async () => {
    await env.clearFirestore();
    await env.withSecurityRulesDisabled(async (context) => {
      const db = context.firestore();
      await setDoc(doc(db, "campaigns/star-week"), { title: "Star week" });
      await setDoc(doc(db, "campaignProgress/star-week__alice/shards/0"), { progress: 3 });
      await setDoc(doc(db, "campaignClaims/star-week__alice__0"), { uid: "alice", tier: 0 });
      await setDoc(doc(db, "giftStreaks/alice__bob__star"), { senderUid: "alice", recipientUid: "bob", count: 2 });
    });
  });

  const alice = () => env.authenticatedContext("alice").firestore();
  const admin = () => env.authenticatedContext("root", { roles: ["admin"] }).firestore();
  const anonymous = () => env.unauthenticatedContext().firestore();

  it("campaigns are readable when signed in and never client-written", async () => {
    await assertSucceeds(getDoc(doc(alice(), "campaigns/star-week")));
    await assertFails(getDoc(doc(anonymous(), "campaigns/star-week")));
    await assertFails(setDoc(doc(alice(), "campaigns/mine"), { title: "x" }));
    await assertFails(setDoc(doc(admin(), "campaigns/star-week"), { title: "x" }));
    await assertFails(deleteDoc(doc(admin(), "campaigns/star-week")));
  });

  it("progress shards, claims and gift streaks are server-only, even for their owner", async () => {
    for (const path of ["campaignProgress/star-week__alice/shards/0", "campaignClaims/star-week__alice__0", "giftStreaks/alice__bob__star"]) {
      await assertFails(getDoc(doc(alice(), path)));
      await assertFails(setDoc(doc(alice(), path), { progress: 1_000, count: 99 }));
      await assertFails(deleteDoc(doc(alice(), path)));
    }
  });
});
