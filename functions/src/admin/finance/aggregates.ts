/**
 * Daily finance figures from the ledger: each ledger transaction is classified once and added to the
 * shards of its UTC day (by its createdAt); reports sum the shards; a recompute re-reads the day's ledger
 * with the same classifier and says whether the stored figures still hold.
 */
import type { DocumentData, Timestamp } from "firebase-admin/firestore";
import { db, firestoreValues } from "../../kernel/app.js";
import { recordAudit } from "../../kernel/audit.js";
import { Collections } from "../../kernel/collections.js";
import { pageByTime } from "../../kernel/cursor.js";
import type { Caller } from "../../kernel/guards.js";
import { runIdempotent } from "../../kernel/idempotency.js";
import { calendarPeriodAt, calendarPeriodOfKey, type PeriodRange } from "../../kernel/periods.js";
import { addFigures, type ClassifiableTransaction, classifyLedgerTransaction } from "./figures.js";
import {
  emptyFigures,
  FINANCE_FIGURES,
  type FinanceDay,
  type FinanceFigures,
  type GetFinanceReportRequest,
  type GetFinanceReportResponse,
  type RecomputeFinanceDayRequest,
  type RecomputeFinanceDayResponse,
} from "./schema.js";
import { financeDayCounter, financeRecomputeRef } from "./store.js";

const millisOf = (value: unknown): number | null => (value as Timestamp | null | undefined)?.toMillis?.() ?? null;

/**
 * Adds one ledger transaction to its day, once per transaction id whatever the number of deliveries
 * (a redelivered event, or another event for the same document). False when it was already counted.
 */
export async function countLedgerTransaction(txId: string, ledger: DocumentData): Promise<boolean> {
  const createdAtMs = millisOf(ledger.createdAt);
  if (createdAtMs === null) throw new Error(`ledger ${txId} has no createdAt`);
  const day = calendarPeriodAt("day", createdAtMs).key;
  const figures = classifyLedgerTransaction(ledger as ClassifiableTransaction);
  const outcome = await runIdempotent({ scope: "finance.countLedgerTransaction", key: txId, retainDays: 30 }, async (tx) => {
    financeDayCounter(day).increment(tx, figures);
    return day;
  });
  return !outcome.replayed;
}

/** Every day of [from, to], in order. */
function daysOf(from: string, to: string): PeriodRange[] {
  const days: PeriodRange[] = [];
  const last = calendarPeriodOfKey("day", to) as PeriodRange;
  for (let day = calendarPeriodOfKey("day", from) as PeriodRange; day.startMs <= last.startMs; day = calendarPeriodAt("day", day.endMs))
    days.push(day);
  return days;
}

/** The stored figures of each day: its shards, read in one round trip. */
async function storedFigures(days: string[]): Promise<Map<string, FinanceFigures>> {
  const refs = days.flatMap((day) => financeDayCounter(day).shards());
  const snapshots = refs.length ? await db().getAll(...refs) : [];
  const byDay = new Map(days.map((day) => [day, emptyFigures()]));
  for (const snapshot of snapshots) {
    if (!snapshot.exists) continue;
    const figures = byDay.get(snapshot.ref.parent.parent?.id as string) as FinanceFigures;
    for (const figure of FINANCE_FIGURES) {
      const value = snapshot.get(figure);
      if (typeof value === "number") figures[figure] += value;
    }
  }
  return byDay;
}

export async function getFinanceReport(request: GetFinanceReportRequest): Promise<GetFinanceReportResponse> {
  const keys = daysOf(request.from, request.to).map((day) => day.key);
  const stored = await storedFigures(keys);
  const days: FinanceDay[] = keys.map((day) => ({ day, figures: stored.get(day) as FinanceFigures }));
  const totals = days.reduce((sum, day) => addFigures(sum, day.figures), emptyFigures());
  return { days, totals };
}

const RECOMPUTE_PAGE = 500;

/** The day's figures straight from its ledger documents, page by page. */
export async function recomputeDayFigures(day: string): Promise<FinanceFigures> {
  const range = calendarPeriodOfKey("day", day) as PeriodRange;
  const { Timestamp } = firestoreValues();
  const query = db()
    .collection(Collections.ledger)
    .where("createdAt", ">=", Timestamp.fromMillis(range.startMs))
    .where("createdAt", "<", Timestamp.fromMillis(range.endMs));
  const figures = emptyFigures();
  let cursor: string | null = null;
  do {
    const page = await pageByTime(query, "createdAt", { limit: RECOMPUTE_PAGE, cursor }, "asc");
    for (const doc of page.docs) addFigures(figures, classifyLedgerTransaction(doc.data() as ClassifiableTransaction));
    cursor = page.nextCursor;
  } while (cursor);
  return figures;
}

/** Recomputes a day and records the comparison (a report and an audit entry); the stored figures are left as they are. */
export async function recomputeFinanceDay(caller: Caller, request: RecomputeFinanceDayRequest): Promise<RecomputeFinanceDayResponse> {
  const [recomputed, stored] = await Promise.all([
    recomputeDayFigures(request.day),
    storedFigures([request.day]).then((byDay) => byDay.get(request.day) as FinanceFigures),
  ]);
  const differences = FINANCE_FIGURES.filter((figure) => stored[figure] !== recomputed[figure]).map((figure) => ({
    figure,
    stored: stored[figure],
    recomputed: recomputed[figure],
  }));
  const outcome = await runIdempotent(
    { scope: "finance.recomputeFinanceDay", owner: caller.uid, key: request.requestId, payload: { day: request.day } },
    async (tx) => {
      const ref = financeRecomputeRef();
      const { FieldValue } = firestoreValues();
      const result: RecomputeFinanceDayResponse = {
        reportId: ref.id,
        day: request.day,
        stored,
        recomputed,
        matches: differences.length === 0,
        differences,
      };
      tx.create(ref, { ...result, actorUid: caller.uid, requestId: request.requestId, createdAt: FieldValue.serverTimestamp() });
      recordAudit(tx, {
        action: "finance.recomputeDay",
        actorUid: caller.uid,
        targetUid: null,
        requestId: request.requestId,
        details: { day: request.day, reportId: ref.id, matches: result.matches, differences },
      });
      return result;
    },
  );
  return outcome.result;
}

/** One row per day of the range, a header row first; figures in FINANCE_FIGURES order. */
export function financeCsv(report: GetFinanceReportResponse): string {
  const rows = [["day", ...FINANCE_FIGURES].join(",")];
  for (const { day, figures } of report.days) rows.push([day, ...FINANCE_FIGURES.map((figure) => String(figures[figure]))].join(","));
  return `${rows.join("\n")}\n`;
}

export async function exportFinanceCsv(request: GetFinanceReportRequest): Promise<{ filename: string; csv: string }> {
  return { filename: `finance-${request.from}-to-${request.to}.csv`, csv: financeCsv(await getFinanceReport(request)) };
}
