/** The moderation queue (reports and automated flags), an item with its actions, appeals, and metrics. */
import { Alert, Button, Group, Select, Stack, Tabs } from "@mantine/core";
import { useCallback, useEffect, useState } from "react";
import { describeError, newRequestId } from "../api";
import { PagedTable, show } from "../paged-table";
import { useCall } from "../session";
import { PageTitle, ReasonForm, RecordView, useResource } from "./parts";

type Row = Record<string, unknown>;

const ACTIONS = [
  { label: "Warn", action: "warn" },
  { label: "Remove content", action: "remove-content" },
  { label: "Mute", action: "mute" },
  { label: "Suspend", action: "suspend" },
  { label: "Ban", action: "ban" },
  { label: "Dismiss", action: "dismiss" },
] as const;

export function ModerationPage() {
  return (
    <Stack>
      <PageTitle>Moderation</PageTitle>
      <Tabs defaultValue="queue" keepMounted={false}>
        <Tabs.List>
          <Tabs.Tab value="queue">Queue</Tabs.Tab>
          <Tabs.Tab value="appeals">Appeals</Tabs.Tab>
          <Tabs.Tab value="metrics">Metrics</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="queue" pt="sm">
          <Queue />
        </Tabs.Panel>
        <Tabs.Panel value="appeals" pt="sm">
          <Appeals />
        </Tabs.Panel>
        <Tabs.Panel value="metrics" pt="sm">
          <Metrics />
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}

function Queue() {
  const call = useCall();
  const [status, setStatus] = useState<string | null>("open");
  const [selected, setSelected] = useState<string | null>(null);
  const [version, setVersion] = useState(0);
  const load = useCallback(
    (cursor: string | null) => call("listModerationQueue", { ...(status ? { status } : {}), limit: 20, ...(cursor ? { cursor } : {}) }),
    [call, status],
  );
  const loadItem = useCallback(async () => (await call("getModerationItem", { itemId: selected })) as Row, [call, selected]);
  const { data: item, error, reload } = useResource(selected ? loadItem : null);
  const acted = () => {
    reload();
    setVersion((v) => v + 1);
  };
  const id = (row: Row) => String(row.itemId ?? row.id);
  return (
    <Stack>
      <Group>
        <Select label="Status" data={["open", "actioned", "dismissed"]} value={status} onChange={setStatus} clearable />
      </Group>
      <PagedTable<Row>
        key={version}
        caption="Reports and automated flags, highest priority first"
        load={load}
        rowKey={id}
        columns={[
          { label: "Item", render: (row) => show(id(row)) },
          { label: "Priority", render: (row) => show(row.priority) },
          { label: "Source", render: (row) => show(row.source ?? row.kind) },
          { label: "Target", render: (row) => show(row.targetUid ?? row.targetId) },
          { label: "Reason", render: (row) => show(row.reason ?? row.category) },
          { label: "Status", render: (row) => show(row.status) },
          {
            label: "Open",
            render: (row) => (
              <Button size="xs" variant="default" onClick={() => setSelected(id(row))}>
                Open {id(row)}
              </Button>
            ),
          },
        ]}
        empty="The queue is empty."
      />
      {selected && (
        <>
          {error && (
            <Alert color="red" role="alert">
              {error}
            </Alert>
          )}
          {item && <RecordView record={item} caption={`Item ${selected}`} />}
          <ReasonForm
            key={selected}
            title={`Act on ${selected}`}
            actions={ACTIONS.map(({ label, action }) => ({
              label,
              color: action === "ban" ? "red" : undefined,
              run: (reason: string) => call("takeModerationAction", { itemId: selected, action, reason, requestId: newRequestId() }).finally(acted),
            }))}
          />
        </>
      )}
    </Stack>
  );
}

function Appeals() {
  const call = useCall();
  const [selected, setSelected] = useState<string | null>(null);
  const [version, setVersion] = useState(0);
  const load = useCallback((cursor: string | null) => call("listAppeals", { limit: 20, ...(cursor ? { cursor } : {}) }), [call]);
  const id = (row: Row) => String(row.appealId ?? row.id);
  const decide = (decision: string) => (reason: string) =>
    call("decideAppeal", { appealId: selected, decision, reason, requestId: newRequestId() }).finally(() => setVersion((v) => v + 1));
  return (
    <Stack>
      <PagedTable<Row>
        key={version}
        caption="Appeals waiting for a moderator other than the one who acted"
        load={load}
        rowKey={id}
        columns={[
          { label: "Appeal", render: (row) => show(id(row)) },
          { label: "User", render: (row) => show(row.uid) },
          { label: "Action appealed", render: (row) => show(row.action ?? row.actionId) },
          { label: "Statement", render: (row) => show(row.statement ?? row.text) },
          {
            label: "Decide",
            render: (row) => (
              <Button size="xs" variant="default" onClick={() => setSelected(id(row))}>
                Decide {id(row)}
              </Button>
            ),
          },
        ]}
        empty="No appeal is waiting."
      />
      {selected && (
        <ReasonForm
          key={selected}
          title={`Appeal ${selected}`}
          actions={[
            { label: "Uphold the action", run: decide("uphold") },
            { label: "Overturn", color: "orange", run: decide("overturn") },
          ]}
        />
      )}
    </Stack>
  );
}

function Metrics() {
  const call = useCall();
  const [metrics, setMetrics] = useState<Row | null>(null);
  useEffect(() => {
    call("getModerationMetrics", {})
      .then((result) => setMetrics(result as Row))
      .catch((err) => setMetrics({ error: describeError(err) }));
  }, [call]);
  return metrics ? <RecordView record={metrics} caption="Time to action and outcomes per moderator" /> : null;
}
