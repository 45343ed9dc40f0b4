/** The moderation queue (reports and automated flags), an item with its actions, appeals, and metrics. */
import { Alert, Button, Group, Select, Stack, Tabs, TextInput } from "@mantine/core";
import { useCallback, useState } from "react";
import { newRequestId, type Page } from "../api";
import { PagedTable, show } from "../paged-table";
import { useCall } from "../session";
import { ModerationItemDetails } from "./moderation-item";
import { PageTitle, ReasonForm, RecordView, useResource } from "./parts";

type Row = Record<string, unknown>;
type ItemStatus = "open" | "actioned" | "dismissed";

const ACTIONS = [
  { label: "Escalate (next ladder step)", action: "escalate" },
  { label: "Warn", action: "warn" },
  { label: "Remove content", action: "remove-content" },
  { label: "Mute", action: "mute" },
  { label: "Suspend", action: "suspend" },
  { label: "Ban", action: "ban" },
  { label: "Dismiss", action: "dismiss" },
] as const;

const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

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
  const [status, setStatus] = useState<ItemStatus>("open");
  const [selected, setSelected] = useState<string | null>(null);
  const [version, setVersion] = useState(0);
  const load = useCallback(
    async (cursor: string | null): Promise<Page<Row>> => {
      const page = await call("listModerationQueue", { status, limit: 20, ...(cursor ? { cursor } : {}) });
      return { items: page.items as unknown as Row[], nextCursor: page.nextCursor };
    },
    [call, status],
  );
  const loadItem = useCallback(() => call("getModerationItem", { itemId: selected ?? "" }), [call, selected]);
  const { data: item, error, reload } = useResource(selected ? loadItem : null);
  const acted = () => {
    reload();
    setVersion((v) => v + 1);
  };
  return (
    <Stack>
      <Group>
        <Select
          label="Status"
          data={["open", "actioned", "dismissed"]}
          value={status}
          onChange={(value) => setStatus((value ?? "open") as ItemStatus)}
          allowDeselect={false}
        />
      </Group>
      <PagedTable<Row>
        key={version}
        caption="Reports and automated flags, highest priority first"
        load={load}
        rowKey={(row) => String(row.itemId)}
        columns={[
          { label: "Item", render: (row) => show(row.itemId) },
          { label: "Priority", render: (row) => show(row.priority) },
          { label: "Source", render: (row) => show(row.source) },
          { label: "Subject", render: (row) => show(row.subjectUid) },
          { label: "Country", render: (row) => show(row.subjectCountry) },
          { label: "Reason", render: (row) => show(row.reason) },
          { label: "Status", render: (row) => show(row.status) },
          {
            label: "Open",
            render: (row) => (
              <Button size="xs" variant="default" onClick={() => setSelected(String(row.itemId))}>
                Open {show(row.itemId)}
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
          {item && <ModerationItemDetails details={item} />}
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
  const load = useCallback(
    async (cursor: string | null): Promise<Page<Row>> => {
      const page = await call("listAppeals", { limit: 20, ...(cursor ? { cursor } : {}) });
      return { items: page.appeals as unknown as Row[], nextCursor: page.nextCursor };
    },
    [call],
  );
  const decide = (decision: "uphold" | "overturn") => (reason: string) =>
    call("decideAppeal", { appealId: selected ?? "", decision, reason, requestId: newRequestId() }).finally(() => setVersion((v) => v + 1));
  return (
    <Stack>
      <PagedTable<Row>
        key={version}
        caption="Pending appeals (decided by a moderator other than the one who sanctioned)"
        load={load}
        rowKey={(row) => String(row.appealId)}
        columns={[
          { label: "Appeal", render: (row) => show(row.appealId) },
          { label: "User", render: (row) => show(row.subjectUid) },
          { label: "Country", render: (row) => show(row.subjectCountry) },
          { label: "Sanctioned by", render: (row) => show(row.sanctionActorUid) },
          { label: "Statement", render: (row) => show(row.text) },
          {
            label: "Decide",
            render: (row) => (
              <Button size="xs" variant="default" onClick={() => setSelected(String(row.appealId))}>
                Decide {show(row.appealId)}
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
            { label: "Uphold the sanction", run: decide("uphold") },
            { label: "Overturn", color: "orange", run: decide("overturn") },
          ]}
        />
      )}
    </Stack>
  );
}

function Metrics() {
  const call = useCall();
  const [range, setRange] = useState(() => ({ from: isoDay(Date.now() - 6 * 86_400_000), to: isoDay(Date.now()) }));
  const [draft, setDraft] = useState(range);
  const load = useCallback(async () => (await call("getModerationMetrics", range)) as unknown as Row, [call, range]);
  const { data, error } = useResource(load);
  return (
    <Stack>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          setRange({ ...draft });
        }}
      >
        <Group align="end">
          <TextInput label="From (YYYY-MM-DD)" value={draft.from} onChange={(e) => setDraft({ ...draft, from: e.currentTarget.value })} />
          <TextInput label="To (YYYY-MM-DD)" value={draft.to} onChange={(e) => setDraft({ ...draft, to: e.currentTarget.value })} />
          <Button type="submit">Show</Button>
        </Group>
      </form>
      {error && (
        <Alert color="red" role="alert">
          {error}
        </Alert>
      )}
      {data && <RecordView record={data} caption="Time to action and outcomes, in total and per moderator" />}
    </Stack>
  );
}
