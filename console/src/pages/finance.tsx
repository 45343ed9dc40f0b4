/** Finance: daily figures from the ledger for a date range, a chart of them, and the CSV export. */
import { BarChart } from "@mantine/charts";
import { Alert, Button, Group, Stack, Table, TextInput } from "@mantine/core";
import { type FormEvent, useCallback, useEffect, useState } from "react";
import { describeError, newRequestId } from "../api";
import { show } from "../paged-table";
import { useCall } from "../session";
import { PageTitle, useAction } from "./parts";

type Row = Record<string, unknown>;

const isoDay = (date: Date) => date.toISOString().slice(0, 10);

function defaultRange() {
  const to = new Date();
  const from = new Date(to.getTime() - 13 * 86_400_000);
  return { from: isoDay(from), to: isoDay(to) };
}

/** The numeric figures of a day (what the table and chart show), whatever else the report carries. */
function figures(day: Row): [string, number][] {
  const flat = (prefix: string, value: unknown): [string, number][] => {
    if (typeof value === "number") return [[prefix, value]];
    if (value && typeof value === "object") return Object.entries(value).flatMap(([k, v]) => flat(prefix ? `${prefix}.${k}` : k, v));
    return [];
  };
  return flat("", day).filter(([key]) => key !== "version");
}

export function FinancePage() {
  const call = useCall();
  const [draft, setDraft] = useState(defaultRange);
  const [range, setRange] = useState(draft);
  const [days, setDays] = useState<Row[]>([]);
  const [error, setError] = useState<string | null>(null);
  const { run, busy, view } = useAction();

  const load = useCallback(async () => {
    setError(null);
    try {
      const report = (await call("getFinanceReport", range)) as Row;
      setDays((report.days as Row[] | undefined) ?? []);
    } catch (err) {
      setError(describeError(err));
    }
  }, [call, range]);
  useEffect(() => {
    void load();
  }, [load]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setRange({ ...draft });
  };
  const download = () =>
    run("CSV export", async () => {
      const result = (await call("exportFinanceCsv", range)) as Row;
      const blob = new Blob([String(result.csv ?? "")], { type: "text/csv" });
      const link = document.createElement("a");
      link.href = URL.createObjectURL(blob);
      link.download = `finance-${range.from}-${range.to}.csv`;
      link.click();
      URL.revokeObjectURL(link.href);
      return result;
    });

  const columns = [...new Set(days.flatMap((day) => figures(day).map(([key]) => key)))];
  const chartSeries = columns.filter((key) => /minted|spent|revenue/i.test(key)).slice(0, 4);
  const chartData = days.map((day) => ({ day: String(day.day ?? day.id), ...Object.fromEntries(figures(day)) }));
  return (
    <Stack>
      <PageTitle>Finance</PageTitle>
      <form onSubmit={submit}>
        <Group align="end">
          <TextInput label="From (YYYY-MM-DD)" value={draft.from} onChange={(e) => setDraft({ ...draft, from: e.currentTarget.value })} />
          <TextInput label="To (YYYY-MM-DD)" value={draft.to} onChange={(e) => setDraft({ ...draft, to: e.currentTarget.value })} />
          <Button type="submit">Show</Button>
          <Button variant="default" onClick={() => void download()} disabled={busy}>
            Download CSV
          </Button>
          <Button
            variant="subtle"
            disabled={busy}
            onClick={() => void run("Recompute", () => call("recomputeFinanceDay", { day: range.to, requestId: newRequestId() })).then(() => load())}
          >
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
      {chartSeries.length > 0 && (
        <BarChart
          h={260}
          data={chartData}
          dataKey="day"
          series={chartSeries.map((name, i) => ({ name, color: ["blue.6", "teal.6", "orange.6", "grape.6"][i] ?? "gray.6" }))}
          aria-label="Daily figures chart"
        />
      )}
      <Table.ScrollContainer minWidth={600}>
        <Table striped withTableBorder data-testid="finance-table">
          <Table.Caption>Daily figures from the ledger</Table.Caption>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Day</Table.Th>
              {columns.map((key) => (
                <Table.Th key={key}>{key}</Table.Th>
              ))}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {days.map((day) => {
              const values = Object.fromEntries(figures(day));
              return (
                <Table.Tr key={String(day.day ?? day.id)}>
                  <Table.Td>{show(day.day ?? day.id)}</Table.Td>
                  {columns.map((key) => (
                    <Table.Td key={key} data-figure={key}>
                      {show(values[key])}
                    </Table.Td>
                  ))}
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Stack>
  );
}
