/**
 * Finance: the ledger's daily figures for a date range (a table with the range's totals, a chart), a
 * day's recompute against the ledger, and the CSV export.
 */
import { BarChart } from "@mantine/charts";
import { Alert, Button, Group, Stack, Table, TextInput } from "@mantine/core";
import { type FormEvent, useCallback, useState } from "react";
import { newRequestId } from "../api";
import { show } from "../paged-table";
import { useCall } from "../session";
import { PageTitle, useAction, useResource } from "./parts";

const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** What the chart shows of each day: money coming in and going out. */
const CHARTED = [
  { name: "coinsPurchasedStripe", color: "blue.6" },
  { name: "coinsPurchasedApple", color: "gray.6" },
  { name: "coinsPurchasedGoogle", color: "teal.6" },
  { name: "coinsSpentGifts", color: "pink.6" },
  { name: "diamondsWithdrawn", color: "orange.6" },
];

export function FinancePage() {
  const call = useCall();
  const [draft, setDraft] = useState(() => ({ from: isoDay(Date.now() - 13 * 86_400_000), to: isoDay(Date.now()) }));
  const [range, setRange] = useState(draft);
  const loadReport = useCallback(() => call("getFinanceReport", range), [call, range]);
  const { data: report, error, reload } = useResource(loadReport);
  const { run, busy, view } = useAction();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setRange({ ...draft });
  };
  const download = () =>
    run("CSV export", async () => {
      const { filename, csv } = await call("exportFinanceCsv", range);
      const link = document.createElement("a");
      link.href = URL.createObjectURL(new Blob([csv], { type: "text/csv" }));
      link.download = filename;
      link.click();
      URL.revokeObjectURL(link.href);
      return { status: filename };
    });
  const recompute = () =>
    run(`Recompute ${range.to}`, async () => {
      const result = await call("recomputeFinanceDay", { day: range.to, requestId: newRequestId() });
      reload();
      return { status: result.matches ? "matches the ledger" : "differed from the ledger: corrected" };
    });

  const days = report?.days ?? [];
  const figures = Object.keys(report?.totals ?? {});
  const totals = (report?.totals ?? {}) as Record<string, number>;
  return (
    <Stack aria-busy={!report && !error}>
      <PageTitle>Finance</PageTitle>
      <form onSubmit={submit}>
        <Group align="end">
          <TextInput label="From (YYYY-MM-DD)" value={draft.from} onChange={(e) => setDraft({ ...draft, from: e.currentTarget.value })} />
          <TextInput label="To (YYYY-MM-DD)" value={draft.to} onChange={(e) => setDraft({ ...draft, to: e.currentTarget.value })} />
          <Button type="submit">Show</Button>
          <Button variant="default" onClick={() => void download()} disabled={busy}>
            Download CSV
          </Button>
          <Button variant="subtle" disabled={busy} onClick={() => void recompute()}>
            Recompute {range.to}
          </Button>
        </Group>
      </form>
      {view}
      {error && (
        <Alert color="red" role="alert" title="Could not load the report">
          {error}
        </Alert>
      )}
      {days.length > 0 && (
        <BarChart
          h={260}
          data={days.map((day) => ({ day: day.day, ...day.figures }))}
          dataKey="day"
          series={CHARTED}
          withLegend
          aria-label="Coins bought and spent, diamonds withdrawn, per day"
        />
      )}
      <Table.ScrollContainer minWidth={600}>
        <Table striped withTableBorder withColumnBorders data-testid="finance-table">
          <Table.Caption>Daily figures from the ledger (coins and diamonds)</Table.Caption>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Figure</Table.Th>
              <Table.Th>Total</Table.Th>
              {days.map((day) => (
                <Table.Th key={day.day}>{day.day}</Table.Th>
              ))}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {figures.map((figure) => (
              <Table.Tr key={figure}>
                <Table.Th scope="row">{figure}</Table.Th>
                <Table.Td data-total={figure}>{show(totals[figure])}</Table.Td>
                {days.map((day) => (
                  <Table.Td key={day.day}>{show((day.figures as Record<string, number>)[figure])}</Table.Td>
                ))}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Stack>
  );
}
