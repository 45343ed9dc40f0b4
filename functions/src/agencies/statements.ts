/**
 * Income and salary statements, derived from the ledger alone. For an agency (with its sub-agencies) and
 * a closed period: every gift transaction whose meta.agencyId names the agency or a sub-agency (the
 * agency the gift credited when it was sent, whatever the membership is now), committed in the period,
 * in a qualifying venue, counts the diamonds credited to its recipient (meta.hostShare) as the host's
 * earnings and its agency share (meta.agencyShare) as an advance already paid. Hosts below the live-hour
 * or valid-day minimum (from ended streams' times) do not count. The agency's ratio is the commission tier
 * of the 30-day host volume before the period's end. Salaries follow salary.ts; each payee is paid its
 * salary less its advances, through the ledger, once: the transaction key is (agency, period, payee).
 *
 * A statement is stored once (agencyStatements/{agencyId}__{period}); a later run recomputes it, reports
 * whether the figures still match, and pays from the stored one, so retries and concurrent runs pay the
 * same amounts once.
 */
import type { Query, QueryDocumentSnapshot } from "firebase-admin/firestore";
import { db, firestoreValues } from "../kernel/app.js";
import { Collections } from "../kernel/collections.js";
import { fail, refuse } from "../kernel/errors.js";
import { millisOf } from "../kernel/fields.js";
import { fingerprint } from "../kernel/idempotency.js";
import { log } from "../kernel/logger.js";
import { runTransaction } from "../kernel/transactions.js";
import { agencyAccount, SYSTEM_ACCOUNTS, userAccount, type WalletAccount } from "../wallet/accounts.js";
import { postLedgerTransaction } from "../wallet/ledger.js";
import { agencyOf } from "./agency-record.js";
import { type AgenciesConfig, agenciesConfig } from "./config.js";
import { agencySalary, type Period, payoutAfterAdvances, periodOf, shareOfBps, subAgencySalary, tierRatio } from "./salary.js";
import type { AgencyRefusal, AgencyStatement, HostLine, SubAgencyLine } from "./schema.js";
import { agencyRef, statementId, statementRef } from "./store.js";

const PAGE = 500;
const DAY_MS = 86_400_000;

async function* pages(base: Query): AsyncGenerator<QueryDocumentSnapshot> {
  let query = base.limit(PAGE);
  for (;;) {
    const page = await query.get();
    yield* page.docs;
    const last = page.docs.at(-1);
    if (page.size < PAGE || !last) return;
    query = base.startAfter(last).limit(PAGE);
  }
}

/** Gift transactions that credited `agencyId` (its share, or would have at 0 bps) in [fromMs, toMs). */
function giftsOfAgency(agencyId: string, fromMs: number, toMs: number): AsyncGenerator<QueryDocumentSnapshot> {
  const { Timestamp: Ts } = firestoreValues();
  return pages(
    db()
      .collection(Collections.ledger)
      .where("meta.agencyId", "==", agencyId)
      .where("type", "==", "gift")
      .where("createdAt", ">=", Ts.fromMillis(fromMs))
      .where("createdAt", "<", Ts.fromMillis(toMs))
      .orderBy("createdAt"),
  );
}

const amountOf = (value: unknown): number => (typeof value === "number" && Number.isSafeInteger(value) ? value : 0);

/** A host's live time in the period from their streams started in it (clipped at its end), and valid days. */
async function liveTime(uid: string, period: Period, config: AgenciesConfig): Promise<{ liveHours: number; validDays: number }> {
  const { Timestamp: Ts } = firestoreValues();
  const minutesByDay = new Map<number, number>();
  let totalMs = 0;
  const streams = pages(
    db()
      .collection(Collections.streams)
      .where("hostUid", "==", uid)
      .where("startedAt", ">=", Ts.fromMillis(period.startMs))
      .where("startedAt", "<", Ts.fromMillis(period.endMs))
      .orderBy("startedAt"),
  );
  for await (const stream of streams) {
    const start = millisOf(stream.get("startedAt")) ?? period.endMs;
    const end = Math.min(millisOf(stream.get("endedAt")) ?? period.endMs, period.endMs);
    totalMs += Math.max(0, end - start);
    for (let day = Math.floor(start / DAY_MS); day * DAY_MS < end; day++) {
      const overlap = Math.min(end, (day + 1) * DAY_MS) - Math.max(start, day * DAY_MS);
      minutesByDay.set(day, (minutesByDay.get(day) ?? 0) + overlap / 60_000);
    }
  }
  const validDays = [...minutesByDay.values()].filter((minutes) => minutes >= config.validDayMinutes).length;
  return { liveHours: Math.floor((totalMs / 3_600_000) * 100) / 100, validDays };
}

/** Sums per host of one agency's gifts in the period (qualifying venues only). */
export async function hostLines(agencyId: string, period: Period, config: AgenciesConfig, options: { liveTime?: boolean } = {}): Promise<HostLine[]> {
  const byHost = new Map<string, HostLine>();
  for await (const tx of giftsOfAgency(agencyId, period.startMs, period.endMs)) {
    const meta = (tx.get("meta") ?? {}) as Record<string, unknown>;
    const venue = (meta.context as { type?: string } | undefined)?.type;
    if (!config.qualifyingVenues.includes(venue as "stream" | "room")) continue;
    const uid = String(meta.recipientUid);
    const line = byHost.get(uid) ?? { uid, agencyId, earnings: 0, giftShares: 0, gifts: 0, liveHours: 0, validDays: 0, qualified: true };
    line.earnings += amountOf(meta.hostShare);
    line.giftShares += amountOf(meta.agencyShare);
    line.gifts += amountOf(meta.count) || 1;
    byHost.set(uid, line);
  }
  const lines = [...byHost.values()].sort((a, b) => (a.uid < b.uid ? -1 : 1));
  if (options.liveTime || config.minLiveHours > 0 || config.minValidDays > 0) {
    for (const line of lines) {
      Object.assign(line, await liveTime(line.uid, period, config));
      line.qualified = line.liveHours >= config.minLiveHours && line.validDays >= config.minValidDays;
    }
  }
  return lines;
}

async function hostVolume(agencyIds: string[], fromMs: number, toMs: number): Promise<number> {
  let volume = 0;
  for (const agencyId of agencyIds) for await (const tx of giftsOfAgency(agencyId, fromMs, toMs)) volume += amountOf(tx.get("meta.hostShare"));
  return volume;
}

const counted = (lines: HostLine[]) => lines.filter((l) => l.qualified);
const sum = (lines: HostLine[], field: "earnings" | "giftShares") => lines.reduce((total, line) => total + line[field], 0);

/** The statement of a top-level agency for a period, from the ledger (no write). */
export async function computeStatement(agencyId: string, period: Period, config: AgenciesConfig): Promise<AgencyStatement> {
  const agency = agencyOf(await agencyRef(agencyId).get());
  if (agency.parentAgencyId) fail("failed-precondition", "Statements are made by the parent agency.", { parentAgencyId: agency.parentAgencyId });
  const subs = (await db().collection(Collections.agencies).where("parentAgencyId", "==", agencyId).get()).docs
    .map((doc) => ({ agencyId: doc.id, ratioBps: amountOf(doc.get("ratioBps")) }))
    .sort((a, b) => (a.agencyId < b.agencyId ? -1 : 1));

  const volume30d = await hostVolume([agencyId, ...subs.map((s) => s.agencyId)], period.endMs - 30 * DAY_MS, period.endMs);
  const ratioBps = tierRatio(volume30d, config.commissionTiers);
  const ownHosts = await hostLines(agencyId, period, config);
  const hosts = [...ownHosts];
  const subAgencies: SubAgencyLine[] = [];
  for (const sub of subs) {
    const lines = await hostLines(sub.agencyId, period, config);
    hosts.push(...lines);
    const earnings = sum(counted(lines), "earnings");
    subAgencies.push({ ...sub, earnings, salary: subAgencySalary(earnings, sub.ratioBps), giftShares: sum(counted(lines), "giftShares") });
  }
  const ownEarnings = sum(counted(ownHosts), "earnings");
  const salary = agencySalary(ownEarnings, ratioBps, subAgencies);
  const giftShares = sum(counted(ownHosts), "giftShares");

  const payouts: Record<string, number> = {};
  const pay = (account: WalletAccount, amount: number) => {
    if (amount > 0) payouts[account] = (payouts[account] ?? 0) + amount;
  };
  pay(agencyAccount(agencyId), payoutAfterAdvances(salary, giftShares));
  for (const sub of subAgencies) pay(agencyAccount(sub.agencyId), payoutAfterAdvances(sub.salary, sub.giftShares));
  for (const host of counted(hosts)) pay(userAccount(host.uid), shareOfBps(host.earnings, config.hostBonusBps));

  return {
    id: statementId(agencyId, period.key),
    agencyId,
    ownerUid: agency.ownerUid,
    period: { key: period.key, startMs: period.startMs, endMs: period.endMs },
    volume30d,
    ratioBps,
    hosts,
    subAgencies,
    ownEarnings,
    salary,
    giftShares,
    payouts,
  };
}

/** A closed, settled period by key; refuses one of the wrong kind or not yet settled. */
export function closedPeriod(key: string, config: AgenciesConfig, nowMs: number): Period {
  const period = periodOf(key, config);
  if (!period) {
    return fail("invalid-argument", `Invalid request: period: not a ${config.period} period key`, {
      issues: [{ path: "period", message: `not a ${config.period} period key`, code: "custom" }],
    });
  }
  if (nowMs < period.endMs + config.settleDelayMinutes * 60_000) {
    refuse<AgencyRefusal>("failed-precondition", "period-not-closed", "This period is not closed yet.", {
      settlesAt: new Date(period.endMs + config.settleDelayMinutes * 60_000).toISOString(),
    });
  }
  return period;
}

export interface Settlement {
  statement: AgencyStatement;
  /** Whether the recomputed figures equal the stored statement (false: the ledger or config changed since). */
  matchesStored: boolean;
  /** payee → ledger transaction id of its salary. */
  transactions: Record<string, string>;
}

/** Stores the period's statement (once) and pays every payee once; safe to run again or concurrently. */
export async function settleAgencyPeriod(agencyId: string, periodKey: string, nowMs = Date.now()): Promise<Settlement> {
  const config = await agenciesConfig();
  const period = closedPeriod(periodKey, config, nowMs);
  const computed = await computeStatement(agencyId, period, config);
  const ref = statementRef(agencyId, period.key);
  const stored = await runTransaction(async (tx) => {
    const existing = await tx.get(ref);
    if (existing.exists) return existing.get("statement") as AgencyStatement;
    tx.create(ref, {
      id: computed.id,
      agencyId,
      ownerUid: computed.ownerUid,
      periodKey: period.key,
      statement: computed,
      // For the GDPR export: the statements naming a host.
      hostUids: [...new Set(computed.hosts.map((host) => host.uid))],
      fingerprint: fingerprint(computed),
      paidAt: null,
      createdAt: firestoreValues().FieldValue.serverTimestamp(),
    });
    return computed;
  });
  const matchesStored = fingerprint(stored) === fingerprint(computed);
  if (!matchesStored) log.error("agency statement recomputed with other figures; paying the stored one", { statementId: computed.id });

  const transactions: Record<string, string> = {};
  for (const [payee, amount] of Object.entries(stored.payouts).sort(([a], [b]) => (a < b ? -1 : 1))) {
    const outcome = await postLedgerTransaction(
      { type: "agency.salary", owner: "agencies", key: `${stored.id}:${payee}`, payload: { statementId: stored.id, payee, amount } },
      async () => ({
        entries: [
          { account: SYSTEM_ACCOUNTS.platform, currency: "diamonds", amount: -amount },
          { account: payee as WalletAccount, currency: "diamonds", amount },
        ],
        result: { amount },
        meta: { statementId: stored.id, agencyId, period: period.key, payee },
      }),
    );
    transactions[payee] = outcome.transactionId;
  }
  await ref.update({ paidAt: firestoreValues().FieldValue.serverTimestamp(), transactions });
  return { statement: stored, matchesStored, transactions };
}
