/** Live now: streams and rooms, viewers, top performers, gifts per minute; end a stream or close a room. */
import { LineChart } from "@mantine/charts";
import { Alert, Button, Stack } from "@mantine/core";
import { useCallback, useState } from "react";
import { PagedTable, show } from "../paged-table";
import { useCall } from "../session";
import { PageTitle, ReasonForm, RecordView, useResource } from "./parts";

type Row = Record<string, unknown>;

export function LivePage() {
  const call = useCall();
  const [selected, setSelected] = useState<Row | null>(null);
  const [version, setVersion] = useState(0);
  const loadOverview = useCallback(async () => (await call("getLiveOverview", {})) as Row, [call]);
  const { data: overview, error, reload } = useResource(loadOverview);
  const load = useCallback((cursor: string | null) => call("listLiveVenues", { limit: 20, ...(cursor ? { cursor } : {}) }), [call]);
  const id = (row: Row) => String(row.venueId ?? row.id);
  const perMinute = Array.isArray(overview?.giftsPerMinute) ? (overview.giftsPerMinute as Row[]) : [];
  const { giftsPerMinute: _chart, ...figures } = overview ?? {};
  const end = (reason: string) => {
    const venue = selected ?? {};
    const kind = String(venue.kind ?? venue.type);
    const request = kind === "room" ? call("staffCloseRoom", { roomId: id(venue), reason }) : call("staffEndStream", { streamId: id(venue), reason });
    return request.finally(() => {
      reload();
      setVersion((v) => v + 1);
    });
  };
  return (
    <Stack>
      <PageTitle>Live now</PageTitle>
      {perMinute.length > 0 && (
        <LineChart
          h={220}
          data={perMinute}
          dataKey="minute"
          series={[{ name: "gifts", color: "pink.6" }]}
          curveType="linear"
          aria-label="Gifts per minute"
        />
      )}
      {error && (
        <Alert color="red" role="alert">
          {error}
        </Alert>
      )}
      {overview && <RecordView record={figures} caption="Overview" />}
      <PagedTable<Row>
        key={version}
        caption="Live streams and rooms"
        load={load}
        rowKey={id}
        columns={[
          { label: "Venue", render: (row) => show(id(row)) },
          { label: "Kind", render: (row) => show(row.kind ?? row.type) },
          { label: "Title", render: (row) => show(row.title ?? row.name) },
          { label: "Host", render: (row) => show(row.hostUid ?? row.ownerUid) },
          { label: "Viewers", render: (row) => show(row.viewers ?? row.viewerCount) },
          {
            label: "Act",
            render: (row) => (
              <Button size="xs" variant="default" onClick={() => setSelected(row)}>
                End {id(row)}
              </Button>
            ),
          },
        ]}
        empty="Nothing is live."
      />
      {selected && <ReasonForm key={id(selected)} title={`End ${id(selected)}`} actions={[{ label: "End now", color: "red", run: end }]} />}
    </Stack>
  );
}
