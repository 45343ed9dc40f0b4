/** Live now: streams and rooms, viewers, top performers, gifts per minute; moderators end a stream or close a room. */
import { LineChart } from "@mantine/charts";
import { Alert, Button, Group, SegmentedControl, SimpleGrid, Stack, Table, Text } from "@mantine/core";
import { useCallback, useState } from "react";
import { newRequestId, type Page } from "../api";
import { PagedTable, show } from "../paged-table";
import { useCall, useSession } from "../session";
import { PageTitle, ReasonForm, useResource } from "./parts";

type Row = Record<string, unknown>;
type VenueKind = "stream" | "room";

function Figure({ label, value }: { label: string; value: number | undefined }) {
  return (
    <div>
      <Text size="sm" c="dimmed">
        {label}
      </Text>
      <Text size="xl" fw={700} data-figure={label}>
        {show(value)}
      </Text>
    </div>
  );
}

export function LivePage() {
  const call = useCall();
  const roles = useSession().session?.roles ?? [];
  const mayEnd = roles.includes("admin") || roles.includes("moderator");
  const [kind, setKind] = useState<VenueKind>("stream");
  const [selected, setSelected] = useState<Row | null>(null);
  const [version, setVersion] = useState(0);
  const loadOverview = useCallback(() => call("getLiveOverview", {}), [call]);
  const { data: overview, error, reload } = useResource(loadOverview);
  const load = useCallback(
    async (cursor: string | null): Promise<Page<Row>> => {
      const page = await call("listLiveVenues", { kind, limit: 20, ...(cursor ? { cursor } : {}) });
      return { items: page.items as unknown as Row[], nextCursor: page.nextCursor };
    },
    [call, kind],
  );
  const end = (reason: string) => {
    const id = String(selected?.id);
    const request =
      selected?.kind === "room"
        ? call("staffCloseRoom", { roomId: id, reason, requestId: newRequestId() })
        : call("staffEndStream", { streamId: id, reason, requestId: newRequestId() });
    return request.finally(() => {
      reload();
      setVersion((v) => v + 1);
    });
  };
  const perMinute = (overview?.giftsPerMinute ?? []).map((m) => ({ ...m, minute: m.minute.slice(11, 16) }));
  return (
    <Stack aria-busy={!overview && !error}>
      <PageTitle>Live now</PageTitle>
      {error && (
        <Alert color="red" role="alert">
          {error}
        </Alert>
      )}
      <Group>
        <Button variant="default" size="xs" onClick={reload}>
          Refresh
        </Button>
      </Group>
      <SimpleGrid cols={3}>
        <Figure label="Live streams" value={overview?.liveStreams} />
        <Figure label="Open rooms" value={overview?.openRooms} />
        <Figure label="Viewers" value={overview?.viewers} />
      </SimpleGrid>
      <LineChart
        h={220}
        data={perMinute}
        dataKey="minute"
        series={[
          { name: "count", label: "gifts", color: "pink.6" },
          { name: "coins", label: "coins", color: "blue.6" },
        ]}
        withLegend
        curveType="linear"
        aria-label="Gifts per minute over the last 30 minutes"
      />
      <Table withTableBorder>
        <Table.Caption>Top performers today (coins of gifts received)</Table.Caption>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Host</Table.Th>
            <Table.Th>Coins</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {(overview?.topPerformers ?? []).map((performer) => (
            <Table.Tr key={performer.uid}>
              <Table.Td>{show(performer.displayName ?? performer.uid)}</Table.Td>
              <Table.Td>{show(performer.coins)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <SegmentedControl
        value={kind}
        onChange={(value) => setKind(value as VenueKind)}
        data={[
          { value: "stream", label: "Streams" },
          { value: "room", label: "Rooms" },
        ]}
        aria-label="Venue kind"
        w={240}
      />
      <PagedTable<Row>
        key={`${kind}:${version}`}
        caption={kind === "stream" ? "Live streams" : "Open voice rooms"}
        load={load}
        rowKey={(row) => String(row.id)}
        columns={[
          { label: "Venue", render: (row) => show(row.id) },
          { label: "Title", render: (row) => show(row.title) },
          { label: "Host", render: (row) => show(row.hostName ?? row.hostUid) },
          { label: kind === "stream" ? "Viewers" : "Members", render: (row) => show(row.viewers) },
          { label: "Gifts today (coins)", render: (row) => show(row.giftsTodayCoins) },
          { label: "Since", render: (row) => show(row.startedAt) },
          ...(mayEnd
            ? [
                {
                  label: "Act",
                  render: (row: Row) => (
                    <Button size="xs" variant="default" onClick={() => setSelected(row)}>
                      {row.kind === "room" ? "Close" : "End"} {show(row.id)}
                    </Button>
                  ),
                },
              ]
            : []),
        ]}
        empty="Nothing is live."
      />
      {selected && (
        <ReasonForm
          key={String(selected.id)}
          title={`${selected.kind === "room" ? "Close room" : "End stream"} ${show(selected.id)}`}
          actions={[{ label: selected.kind === "room" ? "Close now" : "End now", color: "red", run: end }]}
        />
      )}
    </Stack>
  );
}
