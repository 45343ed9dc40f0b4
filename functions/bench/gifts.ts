/**
 * Gifts benchmark: many senders gifting one popular host at once, on Google's Firestore emulator.
 *
 *   naive    a transaction that reads and updates the host's (and agency's) single wallet document per
 *            gift: every gift to the host serialises on that one document.
 *   sharded  the real sendGift service: the sender's wallet is the only document read-then-written;
 *            host and agency are credited with blind increments on one of 16 wallet shards.
 *
 * Both runs: the same world (200 senders with coins, one host in an agency), the same gift, the same
 * bounded concurrency, each from an empty database. Prints gifts/s for both, their ratio, and checks
 * conservation after each run (ledger balances per currency, every wallet equals its ledger entries,
 * host and agency earnings exact, no negative wallet). Exits non-zero if a check fails.
 *
 *   npx tsx functions/bench/gifts.ts          (from the repository root; one to two minutes)
 *   BENCH_NAIVE_GIFTS=300 BENCH_SHARDED_GIFTS=3000 BENCH_CONCURRENCY=50 BENCH_SENDERS=200 npx tsx functions/bench/gifts.ts
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { cpus } from "node:os";
import { startFirestore } from "../../devstack/src/firestore.js";
import { ensureFirestoreJar, ensureJava } from "../../devstack/src/system.js";
// Functions code initialises the Admin SDK lazily, on first use: the emulator variables are set in main()
// before any of it runs.
import { giftEntries, sendGift, splitGiftValue } from "../src/gifts/send-gift.js";
import { db } from "../src/kernel/app.js";
import { Collections } from "../src/kernel/collections.js";
import { fail } from "../src/kernel/errors.js";
import { fingerprint } from "../src/kernel/idempotency.js";
import { agencyAccount, SYSTEM_ACCOUNTS, userAccount, type WalletAccount, walletRef } from "../src/wallet/accounts.js";
import { economyConfig } from "../src/wallet/config.js";
import { ledgerTransactionId, postLedgerTransaction, readBalances } from "../src/wallet/ledger.js";

const PROJECT = "demo-bench";
const SENDERS = envInt("BENCH_SENDERS", 200);
const CONCURRENCY = envInt("BENCH_CONCURRENCY", 50);
const NAIVE_GIFTS = envInt("BENCH_NAIVE_GIFTS", 60);
const SHARDED_GIFTS = envInt("BENCH_SHARDED_GIFTS", 2000);
/**
 * Contention is the point: a gift retries until it lands, and the time counts. The Node SDK stops a
 * transaction after 11 backed-off retries whatever maxAttempts says (backoff.js MAX_RETRY_ATTEMPTS), so
 * a gift that exhausts them is sent again with the same requestId (idempotent), like a client would.
 */
const MAX_ATTEMPTS = 1000;
const RESENDS = 20;

function isContention(err: unknown): boolean {
  const code = (err as { code?: unknown })?.code;
  return code === 10 || code === "aborted" || /Exceeded maximum number of retries|lock timeout/i.test(String(err));
}

let resends = 0;

async function untilLanded(send: () => Promise<unknown>): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await send();
      return;
    } catch (err) {
      if (!isContention(err) || attempt > RESENDS) throw err;
      resends++;
    }
  }
}

const HOST = "bench-host";
const AGENCY = "bench-agency";
const GIFT = { id: "star", name: "Star", priceCoins: 100, vipOnly: false, active: true, activeFrom: null, activeUntil: null, animationAssetId: null };
const CONTEXT = { type: "stream" as const, id: "bench-live" };

function envInt(name: string, fallback: number): number {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isSafeInteger(value) || value < 1) throw new Error(`${name} must be a positive integer`);
  return value;
}

const sender = (n: number) => `sender-${n % SENDERS}`;
/** Coins granted to sender i for a run of `gifts`: exactly its gifts, plus one coin that must remain. */
const grantFor = (i: number, gifts: number) => (Math.floor(gifts / SENDERS) + (i < gifts % SENDERS ? 1 : 0)) * GIFT.priceCoins + 1;

/** Runs `count` jobs with at most `limit` in flight; returns how many succeeded and the failures. */
async function pool(count: number, limit: number, job: (n: number) => Promise<unknown>): Promise<{ ok: number; errors: unknown[] }> {
  let next = 0;
  let ok = 0;
  const errors: unknown[] = [];
  const worker = async () => {
    while (next < count) {
      const n = next++;
      try {
        await job(n);
        ok++;
      } catch (err) {
        errors.push(err);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, count) }, worker));
  return { ok, errors };
}

/** The world each run starts from: catalog, config, host in an agency, senders holding exactly enough coins. */
async function seedWorld(gifts: number): Promise<void> {
  const batch = db().batch();
  batch.set(db().doc("config/economy"), { hostShareBps: 5000, agencyShareBps: 1000 });
  batch.set(db().doc(`gifts/${GIFT.id}`), GIFT);
  batch.set(db().doc(`agencies/${AGENCY}`), { ownerUid: "bench-agency-owner", name: "Bench Agency" });
  batch.set(db().doc(`users/${HOST}`), { uid: HOST, displayName: "Hot Host", roles: ["host"], agencyId: AGENCY });
  for (let i = 0; i < SENDERS; i++) batch.set(db().doc(`users/${sender(i)}`), { uid: sender(i), displayName: sender(i), roles: [] });
  await batch.commit();
  // Coins enter through the ledger, like every movement, so the conservation check covers them.
  await pool(SENDERS, CONCURRENCY, (i) =>
    postLedgerTransaction({ type: "admin.grant", owner: "bench", key: `grant-${i}` }, async () => ({
      entries: [
        { account: SYSTEM_ACCOUNTS.mint, currency: "coins", amount: -grantFor(i, gifts) },
        { account: userAccount(sender(i)), currency: "coins", amount: grantFor(i, gifts) },
      ],
      result: null,
    })),
  );
}

/**
 * The naive design, for comparison: the same reads and checks as sendGift and the same ledger document,
 * but host and agency are credited by reading and rewriting their wallet documents in the transaction.
 */
async function naiveSendGift(senderUid: string, requestId: string): Promise<void> {
  const config = await economyConfig();
  const { FieldValue } = await import("firebase-admin/firestore");
  const transactionId = ledgerTransactionId("gift", senderUid, requestId);
  const ledgerRef = db().collection(Collections.ledger).doc(transactionId);
  const payload = { giftId: GIFT.id, recipientUid: HOST, count: 1, context: CONTEXT };
  await db().runTransaction(
    async (tx) => {
      if ((await tx.get(ledgerRef)).exists) return;
      const users = db().collection(Collections.users);
      const [giftSnap, senderSnap, recipientSnap, blockIn, blockOut] = await tx.getAll(
        db().collection(Collections.gifts).doc(GIFT.id),
        users.doc(senderUid),
        users.doc(HOST),
        db().doc(`${Collections.blocks}/${HOST}__${senderUid}`),
        db().doc(`${Collections.blocks}/${senderUid}__${HOST}`),
      );
      if (!giftSnap.exists || !recipientSnap.exists) fail("not-found", "missing gift or recipient");
      if (giftSnap.get("vipOnly") === true && !senderSnap.get("vip")) fail("permission-denied", "VIP only");
      if (blockIn.exists || blockOut.exists) fail("permission-denied", "blocked");
      const agencyId = recipientSnap.get("agencyId") as string;
      const agencySnap = await tx.get(db().collection(Collections.agencies).doc(agencyId));
      const agency = agencySnap.exists ? agencyAccount(agencyId) : null;
      const split = splitGiftValue((giftSnap.get("priceCoins") as number) * payload.count, config, agency !== null);
      const entries = giftEntries(senderUid, HOST, agency, split).map(({ viaShard: _, ...entry }) => entry);

      const walletAccounts = [userAccount(senderUid), userAccount(HOST), ...(agency ? [agency] : [])];
      const walletSnaps = await tx.getAll(...walletAccounts.map(walletRef));
      const balances = new Map(
        walletAccounts.map((a, i) => [a, { coins: walletSnaps[i]?.get("coins") ?? 0, diamonds: walletSnaps[i]?.get("diamonds") ?? 0 }]),
      );
      for (const entry of entries) {
        const balance = balances.get(entry.account as WalletAccount);
        if (balance) balance[entry.currency] += entry.amount;
      }
      if ((balances.get(userAccount(senderUid))?.coins ?? 0) < 0) fail("failed-precondition", "Insufficient coins.");

      const now = FieldValue.serverTimestamp();
      tx.create(ledgerRef, {
        id: transactionId,
        type: "gift",
        owner: senderUid,
        key: requestId,
        fingerprint: fingerprint(payload),
        actor: senderUid,
        entries,
        accounts: [...new Set(entries.map((e) => e.account))],
        meta: { ...payload, ...split, naive: true },
        result: null,
        createdAt: now,
      });
      for (const [account, balance] of balances) tx.set(walletRef(account), { ...balance, updatedAt: now }, { merge: true });
    },
    { maxAttempts: MAX_ATTEMPTS },
  );
}

interface RunResult {
  name: string;
  gifts: number;
  ok: number;
  seconds: number;
  perSecond: number;
  /** Gifts sent again after the SDK gave up on a contended transaction. */
  resends: number;
}

async function run(name: string, gifts: number, send: (senderUid: string, requestId: string) => Promise<unknown>): Promise<RunResult> {
  resends = 0;
  const begun = process.hrtime.bigint();
  const { ok, errors } = await pool(gifts, CONCURRENCY, (n) => {
    const requestId = `${name}-${n}-${randomUUID()}`;
    return untilLanded(() => send(sender(n), requestId));
  });
  const seconds = Number(process.hrtime.bigint() - begun) / 1e9;
  if (errors.length) console.log(`  ${name}: ${errors.length} gifts failed, first: ${String(errors[0])}`);
  return { name, gifts, ok, seconds, perSecond: ok / seconds, resends };
}

/** Conservation after a run: the ledger balances, every wallet equals its entries, earnings are exact. */
async function checkConservation(result: RunResult): Promise<void> {
  const ledger = await db().collection(Collections.ledger).get();
  const sums = new Map<string, number>();
  for (const doc of ledger.docs) {
    for (const e of doc.get("entries") as { account: string; currency: string; amount: number }[]) {
      sums.set(`${e.account}|${e.currency}`, (sums.get(`${e.account}|${e.currency}`) ?? 0) + e.amount);
    }
  }
  const sum = (account: string, currency: string) => sums.get(`${account}|${currency}`) ?? 0;
  for (const currency of ["coins", "diamonds"]) {
    const total = [...sums].filter(([k]) => k.endsWith(`|${currency}`)).reduce((s, [, v]) => s + v, 0);
    assert.equal(total, 0, `${result.name}: ${currency} entries sum to ${total}`);
  }
  const split = splitGiftValue(GIFT.priceCoins, await economyConfig(), true);
  const giftDocs = ledger.docs.filter((d) => d.get("type") === "gift").length;
  assert.equal(giftDocs, result.ok, `${result.name}: one ledger document per successful gift`);
  assert.equal(result.ok, result.gifts, `${result.name}: every gift landed`);
  assert.equal(sum(SYSTEM_ACCOUNTS.burn, "coins"), result.ok * split.totalCoins, `${result.name}: burns`);
  assert.equal(sum(SYSTEM_ACCOUNTS.platform, "diamonds"), result.ok * split.platformShare, `${result.name}: platform share`);

  const wallets: WalletAccount[] = [userAccount(HOST), agencyAccount(AGENCY), ...Array.from({ length: SENDERS }, (_, i) => userAccount(sender(i)))];
  let senderDebits = 0;
  await pool(wallets.length, CONCURRENCY, async (i) => {
    const account = wallets[i] as WalletAccount;
    const balances = await readBalances(account);
    assert.equal(balances.coins, sum(account, "coins"), `${result.name}: ${account} coins equal its ledger entries`);
    assert.equal(balances.diamonds, sum(account, "diamonds"), `${result.name}: ${account} diamonds equal its ledger entries`);
    assert.ok(balances.coins >= 0 && balances.diamonds >= 0, `${result.name}: ${account} is negative`);
    if (i >= 2) {
      assert.equal(balances.coins, 1, `${result.name}: ${account} spent exactly its gifts`);
      senderDebits += grantFor(i - 2, result.gifts) - balances.coins;
    }
  });
  assert.equal(senderDebits, sum(SYSTEM_ACCOUNTS.burn, "coins"), `${result.name}: sender debits equal burns`);
  assert.equal((await readBalances(userAccount(HOST))).diamonds, result.ok * split.hostShare, `${result.name}: host earnings exact`);
  assert.equal((await readBalances(agencyAccount(AGENCY))).diamonds, result.ok * split.agencyShare, `${result.name}: agency earnings exact`);
}

async function main() {
  const say = (line: string) => console.log(line);
  const java = ensureJava(say);
  const jar = ensureFirestoreJar(say);
  const firestore = await startFirestore({ java: java.bin, jar });
  Object.assign(process.env, { FIRESTORE_EMULATOR_HOST: firestore.emulatorHost, GCLOUD_PROJECT: PROJECT, GOOGLE_CLOUD_PROJECT: PROJECT });
  try {
    console.log(
      `gifts benchmark: ${SENDERS} senders → 1 host (in an agency), ${CONCURRENCY} in flight, Firestore emulator ${firestore.emulatorHost}, ${cpus().length} cores`,
    );

    await seedWorld(NAIVE_GIFTS);
    const naive = await run("naive", NAIVE_GIFTS, naiveSendGift);
    await checkConservation(naive);
    console.log(
      `  naive    (host wallet read+written per gift): ${naive.ok}/${naive.gifts} gifts in ${naive.seconds.toFixed(1)} s = ${naive.perSecond.toFixed(1)} gifts/s, ${naive.resends} resends; conservation ok`,
    );

    await firestore.reset(PROJECT);
    await seedWorld(SHARDED_GIFTS);
    const noFeed = async () => {}; // no RTDB in this benchmark: it measures the ledger path
    const sharded = await run("sharded", SHARDED_GIFTS, (uid, requestId) =>
      sendGift(uid, { giftId: GIFT.id, recipientUid: HOST, count: 1, context: CONTEXT, requestId }, { maxAttempts: MAX_ATTEMPTS, publish: noFeed }),
    );
    await checkConservation(sharded);
    console.log(
      `  sharded  (sendGift, 16 credit shards):        ${sharded.ok}/${sharded.gifts} gifts in ${sharded.seconds.toFixed(1)} s = ${sharded.perSecond.toFixed(1)} gifts/s, ${sharded.resends} resends; conservation ok`,
    );

    const ratio = sharded.perSecond / naive.perSecond;
    console.log(`  ratio sharded/naive: ${ratio.toFixed(1)}x (target >= 20x)`);
    if (ratio < 20) console.log("  below the 20x target on this machine");
  } finally {
    await firestore.stop();
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
