/** The printed summary of a run: operations per kind, refusals by code, resends, speed, and every mismatch. */
import type { SimReport } from "./run.js";

function table(rows: string[][]): string[] {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length))) ?? [];
  const last = widths.length - 1;
  return rows.map((row) =>
    row
      .map((cell, i) => (i === last ? cell : i === 0 ? cell.padEnd(widths[i] as number) : cell.padStart(widths[i] as number)))
      .join("  ")
      .trimEnd(),
  );
}

export function formatReport(report: SimReport): string[] {
  const lines: string[] = [];
  const { tally, figures } = report;
  const totals = tally.totals();
  const seconds = report.runSeconds;

  lines.push("", "Operations by kind (attempted, succeeded, refused by code, resends, redeliveries):");
  const rows = [["kind", "attempted", "ok", "refused", "resends", "redeliv.", "refusals by code"]];
  for (const [kind, stats] of [...tally.kinds].sort(([a], [b]) => a.localeCompare(b))) {
    const refused = [...stats.refused.values()].reduce((s, n) => s + n, 0);
    const why = (code: string) => {
      const reasons = [...(stats.reasons.get(code) ?? [])].sort((a, b) => b[1] - a[1]);
      return reasons.length ? ` (${reasons.map(([reason, n]) => `${reason} ${n}`).join(", ")})` : "";
    };
    const codes = [...stats.refused]
      .sort((a, b) => b[1] - a[1])
      .map(([code, n]) => `${code} ${n}${why(code)}`)
      .join("; ");
    rows.push([kind, String(stats.attempted), String(stats.succeeded), String(refused), String(stats.resends), String(stats.redeliveries), codes]);
  }
  rows.push([
    "total",
    String(totals.attempted),
    String(totals.succeeded),
    String(totals.refused),
    String(totals.resends),
    String(totals.redeliveries),
    "",
  ]);
  for (const line of table(rows)) lines.push(`  ${line}`);

  if (tally.notes.size) {
    lines.push("", "Observed:");
    for (const [note, n] of [...tally.notes].sort(([a], [b]) => a.localeCompare(b))) lines.push(`  ${note}: ${n}`);
  }
  if (report.webhookOutcomes.size) {
    lines.push("", "Webhook events as the backend recorded them (webhookEvents):");
    for (const [outcome, n] of [...report.webhookOutcomes].sort(([a], [b]) => a.localeCompare(b))) lines.push(`  ${outcome}: ${n}`);
  }
  lines.push("", "Ledger:");
  lines.push(
    `  ${figures.ledgerTransactions} transactions (${[...figures.types]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([t, n]) => `${t} ${n}`)
      .join(", ")})`,
  );
  lines.push(`  ${figures.wallets} wallets, ${figures.shards} unfolded credit shards`);
  const p = figures.purchases;
  lines.push(
    `  purchases: ${p.granted} coins granted (simulation delivered ${p.expectedGranted}), ${p.clawedBack} clawed back (expected ${p.expectedClawedBack})`,
  );
  lines.push(`  reversals delivered before their purchase: ${figures.earlyReversals.applied} applied, ${figures.earlyReversals.lost} lost`);
  lines.push(
    `  project reconciliation (runReconciliation over HTTP): ${report.reconciliation.ok ? "ok" : "NOT ok"}, ${report.reconciliation.detail}`,
  );

  for (const skipped of report.skipped) lines.push(`  skipped: ${skipped}`);

  lines.push("", "Run:");
  lines.push(
    `  seed ${report.options.seed}, ${report.options.operations} randomized operations requested, concurrency ${report.options.concurrency}`,
  );
  lines.push(
    `  setup ${report.setupSeconds.toFixed(1)} s, randomized phase ${seconds.toFixed(1)} s (${report.phaseOperations} operations, ${(report.phaseOperations / seconds).toFixed(1)} ops/s), settling ${report.settleSeconds.toFixed(1)} s`,
  );
  lines.push(
    `  operations attempted ${totals.attempted}, succeeded ${totals.succeeded}, refused ${totals.refused}, resends ${totals.resends}, webhook redeliveries ${totals.redeliveries}`,
  );

  if (tally.internals.length) {
    lines.push("", `\`internal\` answers: ${tally.internals.length} (each is a bug)`);
    for (const internal of tally.internals.slice(0, 50)) lines.push(`  ${internal.kind} ${JSON.stringify(internal.payload)} → ${internal.message}`);
  }
  lines.push("", `Mismatches: ${report.mismatches.length}`);
  for (const mismatch of report.mismatches.slice(0, 200)) lines.push(`  [${mismatch.kind}] ${mismatch.detail}`);
  if (report.mismatches.length > 200) lines.push(`  ... and ${report.mismatches.length - 200} more`);
  return lines;
}

/** The run passes with no mismatch and no `internal` answer. */
export function passed(report: SimReport): boolean {
  return report.mismatches.length === 0 && report.tally.internals.length === 0;
}
