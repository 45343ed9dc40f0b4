/** Small pieces the pages share: a titled section, a read-only record, an action form with a reason. */
import { Alert, Anchor, Button, Code, Group, NumberInput, Paper, Stack, Table, Text, Textarea, Title } from "@mantine/core";
import { type ReactNode, useCallback, useEffect, useState } from "react";
import { describeError } from "../api";
import { show } from "../paged-table";
import { navigate } from "../router";

export function PageTitle({ children }: { children: ReactNode }) {
  return (
    <Title order={2} mb="md">
      {children}
    </Title>
  );
}

/** A link to a user's page in the console (its dossier). */
export function UserLink({ uid, children }: { uid: string; children?: ReactNode }) {
  const href = `/users/${encodeURIComponent(uid)}`;
  return (
    <Anchor
      href={href}
      onClick={(event) => {
        event.preventDefault();
        navigate(href);
      }}
    >
      {children ?? uid}
    </Anchor>
  );
}

/** A record's top-level fields; nested values as JSON. */
export function RecordView({ record, caption }: { record: Record<string, unknown>; caption: string }) {
  return (
    <Table withTableBorder variant="vertical" layout="fixed">
      <Table.Caption>{caption}</Table.Caption>
      <Table.Tbody>
        {Object.entries(record).map(([key, value]) => (
          <Table.Tr key={key}>
            <Table.Th w={200}>{key}</Table.Th>
            <Table.Td>{value !== null && typeof value === "object" ? <Code block>{JSON.stringify(value, null, 2)}</Code> : show(value)}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

/** Runs an action, then shows what came of it (the result's status or the refusal). */
export function useAction() {
  const [outcome, setOutcome] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const run = async (label: string, action: () => Promise<unknown>) => {
    setBusy(true);
    setOutcome(null);
    try {
      const result = await action();
      setOutcome({
        ok: true,
        text: `${label}: done${result && typeof result === "object" && "status" in result ? ` (${String(result.status)})` : ""}`,
      });
      return true;
    } catch (err) {
      setOutcome({ ok: false, text: `${label}: ${describeError(err)}` });
      return false;
    } finally {
      setBusy(false);
    }
  };
  const view = outcome && (
    <Alert color={outcome.ok ? "green" : "red"} role={outcome.ok ? "status" : "alert"} data-testid="action-outcome">
      {outcome.text}
    </Alert>
  );
  return { run, busy, view };
}

export interface ReasonFormProps {
  title: string;
  actions: { label: string; color?: string; withDuration?: boolean; run(reason: string, durationHours: number | null): Promise<unknown> }[];
}

/** A reason (required by the audit log), an optional duration, and one button per action. */
export function ReasonForm({ title, actions }: ReasonFormProps) {
  const [reason, setReason] = useState("");
  const [hours, setHours] = useState<number | string>("");
  const { run, busy, view } = useAction();
  const needsDuration = actions.some((action) => action.withDuration);
  return (
    <Paper withBorder p="md">
      <Stack gap="sm">
        <Text fw={600}>{title}</Text>
        <Textarea label="Reason (kept in the audit log)" value={reason} onChange={(e) => setReason(e.currentTarget.value)} autosize minRows={2} />
        {needsDuration && (
          <NumberInput label="Suspension length in hours (suspend only)" min={1} value={hours} onChange={setHours} allowDecimal={false} />
        )}
        <Group>
          {actions.map((action) => (
            <Button
              key={action.label}
              color={action.color}
              disabled={busy || reason.trim().length < 3 || (action.withDuration === true && !Number(hours))}
              onClick={() => void run(action.label, () => action.run(reason.trim(), action.withDuration ? Number(hours) : null))}
            >
              {action.label}
            </Button>
          ))}
        </Group>
        {view}
      </Stack>
    </Paper>
  );
}

/** A record loaded by `load` (a stable callback), with `reload` for after an action changed it. */
export function useResource<T>(load: (() => Promise<T>) | null) {
  const [state, setState] = useState<{ data: T | null; error: string | null }>({ data: null, error: null });
  const reload = useCallback(() => {
    if (!load) return;
    load()
      .then((data) => setState({ data, error: null }))
      .catch((err) => setState({ data: null, error: describeError(err) }));
  }, [load]);
  useEffect(() => reload(), [reload]);
  return { ...state, reload };
}
