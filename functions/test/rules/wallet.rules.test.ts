import assert from "node:assert/strict";
import { assertFails, assertSucceeds, type RulesTestEnvironment } from "@firebase/rules-unit-testing";
import { collection, deleteDoc, doc, getDoc, getDocs, limit, orderBy, query, setDoc, Timestamp, updateDoc, where } from "firebase/firestore";
import { firestoreRulesEnvironment } from "../support/rules.js";

describe("rules: wallet, ledger and back-office collections", () => {
  let env: RulesTestEnvironment;

  before(async () => {
    env = await firestoreRulesEnvironment("demo-wallet-rules");
  });
  after(() => env.cleanup());

  const ledgerDoc = (accounts: [string, string][], type: string, seconds: number) => ({
    type,
    entries: accounts.map(([account, currency], i) => ({ account, currency, amount: i === 0 ? -1 : 1 })),
    accounts: [...new Set(accounts.map(([a]) => a))],
    accountCurrencies: [...new Set(accounts.map(([a, c]) => `${a}|${c}`))],
    meta: {},
    createdAt: Timestamp.fromMillis(seconds * 1000),
  });

  beforeEach(async () => {
    await env.clearFirestore();
    await env.withSecurityRulesDisabled(async (context) => {
      const db = context.firestore();
      const seed: [string, Record<string, unknown>][] = [
        ["wallets/alice", { uid: "alice", coins: 10, diamonds: 0 }],
        ["wallets/alice/shards/3", { diamonds: 5 }],
        ["wallets/bob/shards/1", { diamonds: 7 }],
        [
          "ledger/t1",
          ledgerDoc(
            [
              ["system:mint", "coins"],
              ["user:alice", "coins"],
            ],
            "purchase",
            100,
          ),
        ],
        [
          "ledger/t2",
          ledgerDoc(
            [
              ["user:bob", "diamonds"],
              ["user:alice", "diamonds"],
            ],
            "gift",
            200,
          ),
        ],
        [
          "ledger/t3",
          ledgerDoc(
            [
              ["user:bob", "coins"],
              ["system:burn", "coins"],
            ],
            "gift",
            300,
          ),
        ],
        ["withdrawals/w-alice", { uid: "alice", diamonds: 1000, status: "pending" }],
        ["withdrawals/w-bob", { uid: "bob", diamonds: 2000, status: "pending" }],
        ["checkoutSessions/cs-alice", { uid: "alice", status: "open" }],
        ["checkoutSessions/cs-bob", { uid: "bob", status: "open" }],
        ["reviewQueue/r1", { uid: "bob", reason: "velocity" }],
        ["webhookEvents/stripe:evt_1", { provider: "stripe" }],
        ["reconciliationReports/rep1", { ok: true }],
        ["config/economy", { hostShareBps: 5000 }],
        ["kyc/alice", { status: "approved" }],
        ["balanceAdjustments/adj1", { uid: "alice", requestedBy: "root", currency: "coins", amount: 50_000, status: "pending" }],
        ["adminInteractions/alice__root", { targetUid: "alice", adminUid: "root", adjustedAt: Timestamp.fromMillis(1000) }],
        ["resellerDays/rio_20250101", { uid: "rio", transferredCoins: 10, commissionCoins: 1 }],
        ["resellerEdges/rio__alice", { fromUid: "rio", toUid: "alice", coins: 10 }],
      ];
      for (const [path, data] of seed) await setDoc(doc(db, path), data);
    });
  });

  const alice = () => env.authenticatedContext("alice").firestore();
  const bob = () => env.authenticatedContext("bob").firestore();
  const anonymous = () => env.unauthenticatedContext().firestore();
  const admin = () => env.authenticatedContext("root", { roles: ["admin"] }).firestore();
  const moderator = () => env.authenticatedContext("mod", { roles: ["moderator"] }).firestore();
  const reseller = () => env.authenticatedContext("rio", { roles: ["reseller"] }).firestore();

  /** No client writes: create, overwrite, update, delete, whoever asks. */
  async function assertNoClientWrites(path: string) {
    for (const db of [alice(), bob(), admin(), anonymous()]) {
      await assertFails(setDoc(doc(db, path), { forged: true }));
      await assertFails(updateDoc(doc(db, path), { forged: true }));
      await assertFails(deleteDoc(doc(db, path)));
    }
    await assertFails(setDoc(doc(admin(), `${path.split("/").slice(0, -1).join("/")}/new-doc`), { forged: true }));
  }

  describe("wallet shards", () => {
    it("the owner and admins read a wallet's shards (get and list); others do not", async () => {
      await assertSucceeds(getDoc(doc(alice(), "wallets/alice/shards/3")));
      await assertSucceeds(getDocs(collection(alice(), "wallets/alice/shards")));
      await assertSucceeds(getDocs(collection(admin(), "wallets/bob/shards")));
      await assertFails(getDoc(doc(alice(), "wallets/bob/shards/1")));
      await assertFails(getDocs(collection(alice(), "wallets/bob/shards")));
      await assertFails(getDoc(doc(moderator(), "wallets/alice/shards/3")));
      await assertFails(getDoc(doc(anonymous(), "wallets/alice/shards/3")));
    });
    it("no client writes a shard", async () => {
      await assertNoClientWrites("wallets/alice/shards/3");
    });
  });

  describe("ledger", () => {
    it("only admins read transactions: not the owner, not a counterparty (results hold their balances)", async () => {
      for (const path of ["ledger/t1", "ledger/t2", "ledger/t3"]) await assertSucceeds(getDoc(doc(admin(), path)));
      // t2: a gift from bob to alice; its result would carry bob's balance after the gift.
      await assertFails(getDoc(doc(alice(), "ledger/t2")));
      await assertFails(getDoc(doc(bob(), "ledger/t2")));
      await assertFails(getDoc(doc(alice(), "ledger/t1")));
      await assertFails(getDoc(doc(moderator(), "ledger/t1")));
      await assertFails(getDoc(doc(reseller(), "ledger/t1")));
      await assertFails(getDoc(doc(anonymous(), "ledger/t1")));
    });

    it("clients cannot query the ledger, even for their own account (history is served by getLedgerHistory)", async () => {
      const ledger = (db: ReturnType<typeof alice>) => collection(db, "ledger");
      await assertFails(getDocs(query(ledger(alice()), where("accounts", "array-contains", "user:alice"), orderBy("createdAt", "desc"), limit(20))));
      await assertFails(
        getDocs(query(ledger(alice()), where("accountCurrencies", "array-contains", "user:alice|coins"), orderBy("createdAt", "desc"))),
      );
      await assertFails(getDocs(query(ledger(bob()), where("accounts", "array-contains", "user:bob"))));
      await assertFails(getDocs(collection(alice(), "ledger")));
      await assertFails(getDocs(query(collection(anonymous(), "ledger"), where("accounts", "array-contains", "user:alice"))));
      const all = await assertSucceeds(getDocs(query(ledger(admin()), orderBy("createdAt", "desc"))));
      assert.deepEqual(
        all.docs.map((d) => d.id),
        ["t3", "t2", "t1"],
      );
    });

    it("no client writes the ledger", async () => {
      await assertNoClientWrites("ledger/t1");
    });
  });

  for (const name of ["withdrawals", "checkoutSessions"]) {
    describe(name, () => {
      const own = `${name}/${name === "withdrawals" ? "w" : "cs"}-alice`;
      const theirs = `${name}/${name === "withdrawals" ? "w" : "cs"}-bob`;
      it("the owner reads their own (get and uid-filtered list); others do not; admins read all", async () => {
        await assertSucceeds(getDoc(doc(alice(), own)));
        await assertFails(getDoc(doc(alice(), theirs)));
        const listed = await assertSucceeds(getDocs(query(collection(alice(), name), where("uid", "==", "alice"))));
        assert.equal(listed.size, 1);
        await assertFails(getDocs(collection(alice(), name)));
        await assertFails(getDocs(query(collection(alice(), name), where("uid", "==", "bob"))));
        await assertFails(getDoc(doc(moderator(), own)));
        await assertFails(getDoc(doc(anonymous(), own)));
        await assertSucceeds(getDocs(collection(admin(), name)));
      });
      it("no client writes them", async () => {
        await assertNoClientWrites(own);
      });
    });
  }

  for (const path of [
    "reviewQueue/r1",
    "webhookEvents/stripe:evt_1",
    "reconciliationReports/rep1",
    "balanceAdjustments/adj1",
    "adminInteractions/alice__root",
  ]) {
    const name = path.split("/")[0] as string;
    describe(name, () => {
      it("admins read (get and list); nobody else, not even the subject or staff", async () => {
        await assertSucceeds(getDoc(doc(admin(), path)));
        await assertSucceeds(getDocs(collection(admin(), name)));
        for (const db of [alice(), bob(), moderator(), reseller(), anonymous()]) {
          await assertFails(getDoc(doc(db, path)));
          await assertFails(getDocs(collection(db, name)));
        }
      });
      it("no client writes them", async () => {
        await assertNoClientWrites(path);
      });
    });
  }

  describe("reseller counters", () => {
    it("daily totals and transfer edges are server only", async () => {
      for (const path of ["resellerDays/rio_20250101", "resellerEdges/rio__alice"]) {
        for (const db of [reseller(), alice(), admin(), anonymous()]) await assertFails(getDoc(doc(db, path)));
        await assertNoClientWrites(path);
      }
    });
  });

  describe("config and KYC", () => {
    it("config is readable by id when signed in (listing: admins), by nobody anonymous, written by no client", async () => {
      await assertSucceeds(getDoc(doc(bob(), "config/economy")));
      await assertFails(getDocs(collection(bob(), "config")));
      await assertSucceeds(getDocs(collection(admin(), "config")));
      await assertFails(getDocs(collection(anonymous(), "config")));
      await assertNoClientWrites("config/economy");
    });
    it("KYC records stay server-only", async () => {
      await assertFails(getDoc(doc(alice(), "kyc/alice")));
      await assertFails(setDoc(doc(alice(), "kyc/alice"), { status: "approved" }));
    });
  });
});
