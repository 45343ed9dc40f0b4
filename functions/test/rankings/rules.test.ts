import { assertFails, assertSucceeds, type RulesTestEnvironment } from "@firebase/rules-unit-testing";
import { collection, doc, getDoc, getDocs, setDoc, updateDoc } from "firebase/firestore";
import { firestoreRulesEnvironment } from "../support/rules.js";

describe("rules: rankings snapshots, rewards and frames", () => {
  let env: RulesTestEnvironment;
  const id = "wealth_2026-12-05_global";

  before(async () => {
    env = await firestoreRulesEnvironment("demo-rules-rankings");
  });
  after(() => env.cleanup());

  beforeEach(async () => {
    await env.clearFirestore();
    await env.withSecurityRulesDisabled(async (context) => {
      const db = context.firestore();
      await setDoc(doc(db, `leaderboardSnapshots/${id}`), { board: "wealth", status: "paid", entries: 1 });
      await setDoc(doc(db, `leaderboardSnapshots/${id}/entries/001`), { rank: 1, member: "alice", score: 300 });
      await setDoc(doc(db, `leaderboardSnapshots/${id}/rewards/001`), { rank: 1, uid: "alice", coins: 100 });
      await setDoc(doc(db, "users/alice/frames/gold"), { frameId: "gold", expiresAt: null });
    });
  });

  const alice = () => env.authenticatedContext("alice").firestore();
  const bob = () => env.authenticatedContext("bob").firestore();
  const admin = () => env.authenticatedContext("root", { roles: ["admin"] }).firestore();
  const anonymous = () => env.unauthenticatedContext().firestore();

  it("snapshots and their entries: signed-in users read and list, anonymous do not; nobody writes", async () => {
    await assertSucceeds(getDoc(doc(bob(), `leaderboardSnapshots/${id}`)));
    await assertSucceeds(getDocs(collection(bob(), `leaderboardSnapshots/${id}/entries`)));
    await assertFails(getDoc(doc(anonymous(), `leaderboardSnapshots/${id}`)));
    await assertFails(getDocs(collection(anonymous(), `leaderboardSnapshots/${id}/entries`)));
    await assertFails(updateDoc(doc(alice(), `leaderboardSnapshots/${id}/entries/001`), { score: 1_000_000 }));
    await assertFails(setDoc(doc(admin(), `leaderboardSnapshots/${id}`), { status: "snapshotted" }));
  });

  it("reward records: admins read, not even the winner; nobody writes", async () => {
    await assertSucceeds(getDoc(doc(admin(), `leaderboardSnapshots/${id}/rewards/001`)));
    await assertFails(getDoc(doc(alice(), `leaderboardSnapshots/${id}/rewards/001`)));
    await assertFails(setDoc(doc(alice(), `leaderboardSnapshots/${id}/rewards/002`), { uid: "alice", coins: 1 }));
  });

  it("frames: the owner and admins read; other users do not; nobody writes", async () => {
    await assertSucceeds(getDoc(doc(alice(), "users/alice/frames/gold")));
    await assertSucceeds(getDoc(doc(admin(), "users/alice/frames/gold")));
    await assertFails(getDoc(doc(bob(), "users/alice/frames/gold")));
    await assertFails(setDoc(doc(alice(), "users/alice/frames/diamond"), { frameId: "diamond", expiresAt: null }));
  });
});
