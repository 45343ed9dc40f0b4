/**
 * Gifts benchmark: many senders gifting one popular host at once, on Google's Firestore emulator.
 *
 *   naive    a transaction that reads and updates the host's (and agency's) single wallet document per
 *            gift: every gift to the host serialises on that one document.
 *   hot      the real sendGift service, every gift to one host: the sender's wallet is the only document
 *            read-then-written; host and agency are credited with blind increments on one of 16 shards.
 *   spread   the same service, the same number of gifts from the same senders, to 200 hosts each in an
 *            agency of its own: no document is shared by concurrent gifts but the catalog entry and the
 *            economy config, which every gift reads. The ceiling for the hot run.
 *
 * Every run: the same senders with coins, the same gift, the same bounded concurrency, from an empty
 * database. Hot and spread send the same number of gifts each (BENCH_SHARDED_GIFTS), after a warm-up
 * of both, in BENCH_ROUNDS runs that take turns, so the emulator's warm-up and drift favour neither.
 * Prints each run's gifts/s and transaction attempts per gift (1.00: nothing was retried on
 * contention), sharded ÷ naive and hot ÷ spread, and checks conservation after each run (ledger
 * balances per currency, every wallet equals its ledger entries, each host's and agency's earnings
 * exact, no negative wallet). Exits non-zero if a check fails.
 *
 * What it measures is sendGift's transaction, the whole of its hot path: the feed event goes to a
 * no-op publisher (no Realtime Database here) and the ledger triggers (progression's points, the
 * venue's gift effects) do not run (no functions emulator), so neither their cost nor their writes
 * are in these figures.
 *
 *   npx tsx functions/bench/gifts.ts          (from the repository root; about two minutes)
 *   BENCH_NAIVE_GIFTS=300 BENCH_SHARDED_GIFTS=3000 BENCH_ROUNDS=6 BENCH_CONCURRENCY=50 BENCH_SENDERS=200 BENCH_HOSTS=200 npx tsx functions/bench/gifts.ts
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { cpus, loadavg } from "node:os";
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
/** Gifts of each shape sent before measuring, while the emulator warms up. */
const WARMUP_GIFTS = envInt("BENCH_WARMUP_GIFTS", 1000);
/** Runs in which the hot and spread gifts are sent, taking turns. */
const ROUNDS = envInt("BENCH_ROUNDS", 4);
/** Hosts of the spread run, each in an agency of its own. */
const SPREAD_HOSTS = envInt("BENCH_HOSTS", 200);
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
/** Transaction attempts (first tries and the SDK's retries on contention), counted around db().runTransaction. */
let attempts = 0;

function countAttempts(): void {
  const firestore = db();
  const run = firestore.runTransaction.bind(firestore);
  firestore.runTransaction = ((work: Parameters<typeof run>[0], options?: Parameters<typeof run>[1]) =>
    run((tx) => {
      attempts++;
      return work(tx);
    }, options)) as typeof firestore.runTransaction;
}

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

interface Host {
  uid: string;
  agencyId: string;
}

const HOT_HOSTS: Host[] = [{ uid: "bench-host", agencyId: "bench-agency" }];
const spreadHosts: Host[] = Array.from({ length: SPREAD_HOSTS }, (_, i) => ({ uid: `bench-host-${i}`, agencyId: `bench-agency-${i}` }));
const GIFT = { id: "star", name: "Star", priceCoins: 100, vipOnly: false, active: true, activeFrom: null, activeUntil: null, animationAssetId: null };
/** Each host gifted in its own stream. */
const contextOf = (host: Host) => ({ type: "stream" as const, id: `live-${host.uid}` });

function envInt(name: string, fallback: number): number {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isSafeInteger(value) || value < 1) throw new Error(`${name} must be a positive integer`);
  return value;
}

const sender = (n: number) => `sender-${n % SENDERS}`;
/** Gift n goes to host n mod hosts: the gifts in flight together go to as many hosts as there are. */
const hostOf = (hosts: Host[], n: number) => hosts[n % hosts.length] as Host;
/** How many of `gifts` gifts the i-th of `count` recipients (senders or hosts) takes part in. */
const shareOfGifts = (i: number, count: number, gifts: number) => Math.floor(gifts / count) + (i < gifts % count ? 1 : 0);
/** Coins granted to sender i for a run of `gifts`: exactly its gifts, plus one coin that must remain. */
const grantFor = (i: number, gifts: number) => shareOfGifts(i, SENDERS, gifts) * GIFT.priceCoins + 1;

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

/** The world each run starts from: catalog, config, hosts each in an agency, senders holding exactly enough coins. */
async function seedWorld(gifts: number, hosts: Host[]): Promise<void> {
  const batch = db().bulkWriter();
  void batch.set(db().doc("config/economy"), { hostShareBps: 5000, agencyShareBps: 1000 });
  void batch.set(db().doc(`gifts/${GIFT.id}`), GIFT);
  for (const { uid, agencyId } of hosts) {
    void batch.set(db().doc(`agencies/${agencyId}`), { ownerUid: `${agencyId}-owner`, name: agencyId });
    void batch.set(db().doc(`users/${uid}`), { uid, displayName: uid, roles: ["host"], agencyId });
  }
  for (let i = 0; i < SENDERS; i++) void batch.set(db().doc(`users/${sender(i)}`), { uid: sender(i), displayName: sender(i), roles: [] });
  await batch.close();
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
async function naiveSendGift(senderUid: string, host: Host, requestId: string): Promise<void> {
  const hostUid = host.uid;
  const config = await economyConfig();
  const { FieldValue } = await import("firebase-admin/firestore");
  const transactionId = ledgerTransactionId("gift", senderUid, requestId);
  const ledgerRef = db().collection(Collections.ledger).doc(transactionId);
  const payload = { giftId: GIFT.id, recipientUid: hostUid, count: 1, context: contextOf(host) };
  await db().runTransaction(
    async (tx) => {
      if ((await tx.get(ledgerRef)).exists) return;
      const users = db().collection(Collections.users);
      const [giftSnap, senderSnap, recipientSnap, blockIn, blockOut] = await tx.getAll(
        db().collection(Collections.gifts).doc(GIFT.id),
        users.doc(senderUid),
        users.doc(hostUid),
        db().doc(`${Collections.blocks}/${hostUid}__${senderUid}`),
        db().doc(`${Collections.blocks}/${senderUid}__${hostUid}`),
      );
      if (!giftSnap.exists || !recipientSnap.exists) fail("not-found", "missing gift or recipient");
      if (giftSnap.get("vipOnly") === true && !senderSnap.get("vip")) fail("permission-denied", "VIP only");
      if (blockIn.exists || blockOut.exists) fail("permission-denied", "blocked");
      const agencyId = recipientSnap.get("agencyId") as string;
      const agencySnap = await tx.get(db().collection(Collections.agencies).doc(agencyId));
      const agency = agencySnap.exists ? agencyAccount(agencyId) : null;
      const split = splitGiftValue((giftSnap.get("priceCoins") as number) * payload.count, config, agency !== null);
      const entries = giftEntries(senderUid, hostUid, agency, split).map(({ viaShard: _, ...entry }) => entry);

      const walletAccounts = [userAccount(senderUid), userAccount(hostUid), ...(agency ? [agency] : [])];
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
  hosts: Host[];
  gifts: number;
  ok: number;
  seconds: number;
  perSecond: number;
  /** Gifts sent again after the SDK gave up on a contended transaction. */
  resends: number;
  /** Transaction attempts per gift: 1 when nothing contended. */
  attemptsPerGift: number;
}

type Send = (senderUid: string, host: Host, requestId: string) => Promise<unknown>;

async function run(name: string, gifts: number, hosts: Host[], send: Send): Promise<RunResult> {
  await seedWorld(gifts, hosts);
  resends = 0;
  attempts = 0;
  const begun = process.hrtime.bigint();
  const { ok, errors } = await pool(gifts, CONCURRENCY, (n) => {
    const requestId = `${name}-${n}-${randomUUID()}`;
    return untilLanded(() => send(sender(n), hostOf(hosts, n), requestId));
  });
  const seconds = Number(process.hrtime.bigint() - begun) / 1e9;
  if (errors.length) console.log(`  ${name}: ${errors.length} gifts failed, first: ${String(errors[0])}`);
  const result = { name, hosts, gifts, ok, seconds, perSecond: ok / seconds, resends, attemptsPerGift: attempts / gifts };
  await checkConservation(result);
  return result;
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

  // Each wallet with what it must hold: senders one coin, hosts and agencies the shares of their gifts.
  const hostCount = result.hosts.length;
  const expected = new Map<WalletAccount, { coins: number; diamonds: number }>();
  result.hosts.forEach((host, h) => {
    const gifts = shareOfGifts(h, hostCount, result.ok);
    expected.set(userAccount(host.uid), { coins: 0, diamonds: gifts * split.hostShare });
    expected.set(agencyAccount(host.agencyId), { coins: 0, diamonds: gifts * split.agencyShare });
  });
  for (let i = 0; i < SENDERS; i++) expected.set(userAccount(sender(i)), { coins: 1, diamonds: 0 });
  const wallets = [...expected];
  let senderDebits = 0;
  await pool(wallets.length, CONCURRENCY, async (i) => {
    const [account, want] = wallets[i] as [WalletAccount, { coins: number; diamonds: number }];
    const balances = await readBalances(account);
    assert.equal(balances.coins, sum(account, "coins"), `${result.name}: ${account} coins equal its ledger entries`);
    assert.equal(balances.diamonds, sum(account, "diamonds"), `${result.name}: ${account} diamonds equal its ledger entries`);
    assert.ok(balances.coins >= 0 && balances.diamonds >= 0, `${result.name}: ${account} is negative`);
    assert.deepEqual({ coins: balances.coins, diamonds: balances.diamonds }, want, `${result.name}: ${account} holds exactly its share`);
  });
  for (let i = 0; i < SENDERS; i++) senderDebits += grantFor(i, result.gifts) - 1;
  assert.equal(senderDebits, sum(SYSTEM_ACCOUNTS.burn, "coins"), `${result.name}: sender debits equal burns`);
  const earned = (share: (host: Host) => WalletAccount) => result.hosts.reduce((total, host) => total + sum(share(host), "diamonds"), 0);
  assert.equal(
    earned((host) => userAccount(host.uid)),
    result.ok * split.hostShare,
    `${result.name}: host earnings exact`,
  );
  assert.equal(
    earned((host) => agencyAccount(host.agencyId)),
    result.ok * split.agencyShare,
    `${result.name}: agency earnings exact`,
  );
}

async function main() {
  const say = (line: string) => console.log(line);
  const java = ensureJava(say);
  const jar = ensureFirestoreJar(say);
  const firestore = await startFirestore({ java: java.bin, jar });
  Object.assign(process.env, { FIRESTORE_EMULATOR_HOST: firestore.emulatorHost, GCLOUD_PROJECT: PROJECT, GOOGLE_CLOUD_PROJECT: PROJECT });
  countAttempts();
  try {
    console.log(
      `gifts benchmark: ${SENDERS} senders, ${CONCURRENCY} in flight, Firestore emulator ${firestore.emulatorHost}, ${cpus().length} cores, load ${loadavg()[0]?.toFixed(1)}`,
    );
    const report = (label: string, r: RunResult) =>
      console.log(
        `  ${label.padEnd(46)} ${r.ok}/${r.gifts} gifts in ${r.seconds.toFixed(1)} s = ${r.perSecond.toFixed(1)} gifts/s, ${r.attemptsPerGift.toFixed(2)} attempts/gift, ${r.resends} resends; conservation ok`,
      );

    const naive = await run("naive", NAIVE_GIFTS, HOT_HOSTS, naiveSendGift);
    report("naive   (1 host, wallet read+written per gift)", naive);

    const noFeed = async () => {}; // no RTDB in this benchmark: it measures the ledger path
    const viaService: Send = (uid, host, requestId) =>
      sendGift(
        uid,
        { giftId: GIFT.id, recipientUid: host.uid, count: 1, context: contextOf(host), requestId },
        { maxAttempts: MAX_ATTEMPTS, publish: noFeed },
      );
    const sharded = async (name: "hot" | "spread", gifts: number) => {
      await firestore.reset(PROJECT);
      return run(name, gifts, name === "hot" ? HOT_HOSTS : spreadHosts, viaService);
    };
    // The emulator's JVM keeps getting faster for thousands of transactions and its speed drifts with the
    // machine's: warm it on both shapes, then send each shape's gifts in ROUNDS runs that take turns
    // (hot, spread, spread, hot, ...), so neither warm-up nor drift favours one of them.
    await sharded("hot", WARMUP_GIFTS);
    await sharded("spread", WARMUP_GIFTS);
    const runs: RunResult[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 === 0 ? (["hot", "spread"] as const) : (["spread", "hot"] as const);
      for (const name of order) {
        const result = await sharded(name, shareOfGifts(round, ROUNDS, SHARDED_GIFTS));
        report(
          name === "hot" ? "hot     (sendGift, 1 host, 16 credit shards)" : `spread  (sendGift, ${SPREAD_HOSTS} hosts, ${SPREAD_HOSTS} agencies)`,
          result,
        );
        runs.push(result);
      }
    }
    const rate = (name: string) => {
      const mine = runs.filter((r) => r.name === name);
      return mine.reduce((sum, r) => sum + r.ok, 0) / mine.reduce((sum, r) => sum + r.seconds, 0);
    };
    const hot = rate("hot");
    const spread = rate("spread");
    const sharding = hot / naive.perSecond;
    const hotness = hot / spread;
    console.log(`  hot ${hot.toFixed(1)} gifts/s, spread ${spread.toFixed(1)} gifts/s (${SHARDED_GIFTS} gifts each, in ${ROUNDS} runs)`);
    console.log(`  sharded/naive (hot ÷ naive): ${sharding.toFixed(1)}x (target >= 20x)${sharding < 20 ? ", below the target on this machine" : ""}`);
    console.log(`  hot/spread (hot ÷ spread):   ${hotness.toFixed(2)} (target >= 0.8)${hotness < 0.8 ? ", below the target on this machine" : ""}`);
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
