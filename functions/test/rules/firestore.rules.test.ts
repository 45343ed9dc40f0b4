import { assertFails, assertSucceeds, type RulesTestEnvironment } from "@firebase/rules-unit-testing";
import { collection, deleteDoc, doc, getDoc, getDocs, setDoc, updateDoc } from "firebase/firestore";
import { firestoreRulesEnvironment } from "../support/rules.js";

describe("rules: firestore.rules", () => {
  let env: RulesTestEnvironment;

  before(async () => {
    env = await firestoreRulesEnvironment();
  });
  after(() => env.cleanup());

  beforeEach(async () => {
    await env.clearFirestore();
    await env.withSecurityRulesDisabled(async (context) => {
      const db = context.firestore();
      await setDoc(doc(db, "users/alice"), { uid: "alice", displayName: "Alice", roles: [] });
      await setDoc(doc(db, "users/alice/private/account"), { email: "alice@example.test" });
      await setDoc(doc(db, "wallets/alice"), { uid: "alice", coins: 10, diamonds: 0 });
      await setDoc(doc(db, "wallets/bob"), { uid: "bob", coins: 5, diamonds: 0 });
      await setDoc(doc(db, "gifts/rose"), { name: "Rose", priceCoins: 1 });
      await setDoc(doc(db, "rechargePackages/coins-60"), { coins: 60 });
      await setDoc(doc(db, "config/economy"), { hostShareBps: 5000 });
      await setDoc(doc(db, "auditLog/a1"), { action: "users.setRoles" });
      await setDoc(doc(db, "idempotency/k1"), { result: 1 });
      await setDoc(doc(db, "platformStats/users/shards/0"), { count: 1 });
    });
  });

  const alice = () => env.authenticatedContext("alice").firestore();
  const bob = () => env.authenticatedContext("bob").firestore();
  const anonymous = () => env.unauthenticatedContext().firestore();
  const admin = () => env.authenticatedContext("root", { roles: ["admin"] }).firestore();
  const moderator = () => env.authenticatedContext("mod", { roles: ["moderator"] }).firestore();

  describe("users", () => {
    it("signed-in users read public profiles; anonymous users do not", async () => {
      await assertSucceeds(getDoc(doc(bob(), "users/alice")));
      await assertFails(getDoc(doc(anonymous(), "users/alice")));
    });
    it("no client writes a profile, not even its owner (roles are mirrored there)", async () => {
      await assertFails(updateDoc(doc(alice(), "users/alice"), { roles: ["admin"] }));
      await assertFails(updateDoc(doc(alice(), "users/alice"), { displayName: "A" }));
      await assertFails(setDoc(doc(alice(), "users/mallory"), { uid: "mallory" }));
      await assertFails(deleteDoc(doc(alice(), "users/alice")));
      await assertFails(updateDoc(doc(admin(), "users/alice"), { roles: ["admin"] }));
    });
    it("private account data: owner and staff read, others do not, nobody writes", async () => {
      await assertSucceeds(getDoc(doc(alice(), "users/alice/private/account")));
      await assertSucceeds(getDoc(doc(moderator(), "users/alice/private/account")));
      await assertSucceeds(getDoc(doc(admin(), "users/alice/private/account")));
      await assertFails(getDoc(doc(bob(), "users/alice/private/account")));
      await assertFails(setDoc(doc(alice(), "users/alice/private/account"), { email: "x@example.test" }));
    });
  });

  describe("wallets", () => {
    it("the owner and admins read a wallet; other users and anonymous do not", async () => {
      await assertSucceeds(getDoc(doc(alice(), "wallets/alice")));
      await assertSucceeds(getDoc(doc(admin(), "wallets/alice")));
      await assertFails(getDoc(doc(bob(), "wallets/alice")));
      await assertFails(getDoc(doc(moderator(), "wallets/alice")));
      await assertFails(getDoc(doc(anonymous(), "wallets/alice")));
    });
    it("listing all wallets is refused", async () => {
      await assertFails(getDocs(collection(alice(), "wallets")));
    });
    it("no client writes a wallet: not the owner, not an admin", async () => {
      await assertFails(updateDoc(doc(alice(), "wallets/alice"), { coins: 1_000_000 }));
      await assertFails(setDoc(doc(alice(), "wallets/alice"), { uid: "alice", coins: 1_000_000, diamonds: 0 }));
      await assertFails(setDoc(doc(alice(), "wallets/carol"), { uid: "carol", coins: 1 }));
      await assertFails(deleteDoc(doc(alice(), "wallets/alice")));
      await assertFails(updateDoc(doc(admin(), "wallets/bob"), { coins: 0 }));
    });
  });

  describe("catalogues and configuration", () => {
    for (const path of ["gifts/rose", "rechargePackages/coins-60", "config/economy"]) {
      it(`${path}: signed-in users read, anonymous users do not, nobody writes`, async () => {
        await assertSucceeds(getDoc(doc(alice(), path)));
        await assertFails(getDoc(doc(anonymous(), path)));
        await assertFails(setDoc(doc(alice(), path), { hacked: true }));
        await assertFails(setDoc(doc(admin(), path), { hacked: true }));
      });
    }
  });

  describe("server-only collections", () => {
    it("auditLog: admins read, others do not, nobody writes", async () => {
      await assertSucceeds(getDoc(doc(admin(), "auditLog/a1")));
      await assertFails(getDoc(doc(moderator(), "auditLog/a1")));
      await assertFails(setDoc(doc(admin(), "auditLog/a2"), { action: "forged" }));
    });
    it("idempotency records, platform stats and unknown paths are closed to every client", async () => {
      for (const path of ["idempotency/k1", "platformStats/users/shards/0", "anything/else"]) {
        await assertFails(getDoc(doc(admin(), path)));
        await assertFails(setDoc(doc(admin(), path), { x: 1 }));
      }
    });
  });
});
