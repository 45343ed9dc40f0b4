/** The audit log: every staff action, newest first, filtered by actor, target or action. */
import type { CallableOutput } from "@live-platform/client";
import { Button, Group, Stack, TextInput } from "@mantine/core";
import { type FormEvent, useCallback, useState } from "react";
import { PagedTable, show } from "../paged-table";
import { useCall } from "../session";
import { PageTitle } from "./parts";

type Entry = CallableOutput<"listAuditLog">["items"][number];

interface Filters {
  actorUid: string;
  targetUid: string;
  action: string;
}

export function AuditPage() {
  const call = useCall();
  const [draft, setDraft] = useState<Filters>({ actorUid: "", targetUid: "", action: "" });
  const [filters, setFilters] = useState<Filters>(draft);
  const load = useCallback(
    (cursor: string | null) => {
      const chosen = Object.fromEntries(Object.entries(filters).filter(([, value]) => value.trim() !== ""));
      return call("listAuditLog", { ...chosen, limit: 25, ...(cursor ? { cursor } : {}) });
    },
    [call, filters],
  );
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setFilters({ ...draft });
  };
  const field = (key: keyof Filters, label: string) => (
    <TextInput label={label} value={draft[key]} onChange={(e) => setDraft({ ...draft, [key]: e.currentTarget.value })} />
  );
  return (
    <Stack>
      <PageTitle>Audit log</PageTitle>
      <form onSubmit={submit}>
        <Group align="end">
          {field("actorUid", "Staff member (uid)")}
          {field("targetUid", "Target (uid or id)")}
          {field("action", "Action")}
          <Button type="submit">Filter</Button>
        </Group>
      </form>
      <PagedTable<Entry>
        caption="Staff actions, newest first"
        load={load}
        rowKey={(row) => row.id}
        columns={[
          { label: "When", render: (row) => show(row.at) },
          { label: "Staff", render: (row) => show(row.actorUid) },
          { label: "Action", render: (row) => show(row.action) },
          { label: "Target", render: (row) => show(row.targetUid) },
          { label: "Reason", render: (row) => show(row.reason) },
        ]}
        empty="No audit entry matches."
      />
    </Stack>
  );
}
