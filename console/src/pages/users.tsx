/** Users: search (uid, username, e-mail, phone, display-name prefix), then a user's dossier and actions. */
import type { Role } from "@live-platform/client";
import { Alert, Anchor, Button, Checkbox, Group, MultiSelect, Paper, Stack, Tabs, Text, Textarea, TextInput } from "@mantine/core";
import { type FormEvent, useCallback, useState } from "react";
import { newRequestId, type Page } from "../api";
import { PagedTable, show } from "../paged-table";
import { navigate, usePath } from "../router";
import { useCall, useSession } from "../session";
import { PageTitle, ReasonForm, RecordView, UserLink, useAction, useResource } from "./parts";

type Row = Record<string, unknown>;

const ALL_ROLES: Role[] = ["viewer", "host", "player", "reseller", "agencyOwner", "support", "finance", "moderator", "admin"];

export function UsersPage() {
  const { path } = usePath();
  const uid = path.startsWith("/users/") ? decodeURIComponent(path.slice("/users/".length)) : null;
  return uid ? <UserDossier uid={uid} /> : <UserSearch />;
}

function backToUsers() {
  return (
    <Anchor
      href="/users"
      onClick={(event) => {
        event.preventDefault();
        navigate("/users");
      }}
    >
      ← Users
    </Anchor>
  );
}

function UserSearch() {
  const call = useCall();
  const roles = useSession().session?.roles ?? [];
  const maySanction = roles.includes("admin") || roles.includes("moderator");
  const [draft, setDraft] = useState("");
  const [query, setQuery] = useState("");
  const [selected, setSelected] = useState<string[]>([]);
  const toggle = (uid: string) => setSelected((current) => (current.includes(uid) ? current.filter((u) => u !== uid) : [...current, uid]));
  const bulk = (action: "suspend" | "ban" | "unban") => async (reason: string, hours: number | null) => {
    const { outcomes } = await call("bulkSanction", {
      uids: selected,
      action,
      reason,
      ...(action === "suspend" ? { durationMinutes: (hours ?? 1) * 60 } : {}),
      requestId: newRequestId(),
    });
    const refused = outcomes.filter((outcome) => !outcome.ok);
    return {
      status: `${outcomes.length - refused.length} of ${outcomes.length} done${refused.length ? `; refused: ${refused.map((o) => `${o.uid} (${o.reason ?? o.code})`).join(", ")}` : ""}`,
    };
  };
  const load = useCallback(
    async (cursor: string | null): Promise<Page<Row>> => {
      const page = await call("searchUsers", { query, limit: 20, ...(cursor ? { cursor } : {}) });
      return { items: page.users as unknown as Row[], nextCursor: page.nextCursor };
    },
    [call, query],
  );
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setQuery(draft.trim());
    setSelected([]);
  };
  return (
    <Stack>
      <PageTitle>Users</PageTitle>
      <form onSubmit={submit}>
        <Group align="end">
          <TextInput
            label="Search by uid, username, e-mail, phone or display name (prefix)"
            value={draft}
            onChange={(e) => setDraft(e.currentTarget.value)}
            w={420}
          />
          <Button type="submit">Search</Button>
        </Group>
      </form>
      {query && (
        <PagedTable<Row>
          caption={`Users matching “${query}”`}
          load={load}
          rowKey={(row) => String(row.uid)}
          columns={[
            ...(maySanction
              ? [
                  {
                    label: "Select",
                    render: (row: Row) => (
                      <Checkbox
                        aria-label={`Select ${String(row.uid)}`}
                        checked={selected.includes(String(row.uid))}
                        onChange={() => toggle(String(row.uid))}
                      />
                    ),
                  },
                ]
              : []),
            { label: "User", render: (row) => <UserLink uid={String(row.uid)}>{show(row.displayName)}</UserLink> },
            { label: "uid", render: (row) => show(row.uid) },
            { label: "Username", render: (row) => show(row.username) },
            { label: "Country", render: (row) => show(row.country) },
            { label: "Roles", render: (row) => show(Array.isArray(row.roles) ? row.roles.join(", ") : row.roles) },
            { label: "Standing", render: (row) => show((row.standing as Row | undefined)?.state) },
          ]}
          empty="No user matches."
        />
      )}
      {maySanction && selected.length > 0 && (
        <ReasonForm
          title={`Bulk action on ${selected.length} selected account(s)`}
          actions={[
            { label: "Suspend selected", color: "orange", withDuration: true, run: bulk("suspend") },
            { label: "Ban selected", color: "red", run: bulk("ban") },
            { label: "Lift bans of selected", run: bulk("unban") },
          ]}
        />
      )}
    </Stack>
  );
}

function UserDossier({ uid }: { uid: string }) {
  const call = useCall();
  const { session } = useSession();
  const [version, setVersion] = useState(0);
  const roles = session?.roles ?? [];
  const isAdmin = roles.includes("admin");
  const maySanction = isAdmin || roles.includes("moderator");
  const mayReadLedger = isAdmin || roles.includes("finance");
  const loadDossier = useCallback(() => call("getUserDossier", { uid }), [call, uid]);
  const { data: dossier, error, reload } = useResource(loadDossier);

  const refresh = () => {
    reload();
    setVersion((v) => v + 1);
  };
  const loadLedger = useCallback(
    async (cursor: string | null): Promise<Page<Row>> => {
      const page = await call("listUserLedger", { uid, limit: 20, ...(cursor ? { cursor } : {}) });
      return { items: page.items as unknown as Row[], nextCursor: page.nextCursor };
    },
    [call, uid],
  );
  const loadNotes = useCallback(
    async (cursor: string | null): Promise<Page<Row>> => {
      const page = await call("listUserNotes", { uid, limit: 20, ...(cursor ? { cursor } : {}) });
      return { items: page.items as unknown as Row[], nextCursor: page.nextCursor };
    },
    [call, uid],
  );
  // The ledger and the notes have their own tabs.
  const { ledger: _ledger, notes: _notes, ...record } = (dossier ?? {}) as Row;

  return (
    <Stack>
      {backToUsers()}
      <PageTitle>User {uid}</PageTitle>
      {error && (
        <Alert color="red" role="alert" title="Could not load the dossier">
          {error}
        </Alert>
      )}
      {maySanction && (
        <ReasonForm
          title="Sanctions"
          actions={[
            {
              label: "Suspend",
              color: "orange",
              withDuration: true,
              run: (reason, hours) => call("banAccount", { uid, reason, durationHours: hours ?? 1, requestId: newRequestId() }).finally(refresh),
            },
            { label: "Ban", color: "red", run: (reason) => call("banAccount", { uid, reason, requestId: newRequestId() }).finally(refresh) },
            { label: "Lift ban", run: (reason) => call("liftBan", { uid, reason, requestId: newRequestId() }).finally(refresh) },
          ]}
        />
      )}
      {isAdmin && dossier && <RolesForm uid={uid} current={dossier.summary.roles as Role[]} onChanged={refresh} />}
      <Tabs defaultValue="dossier" keepMounted={false}>
        <Tabs.List>
          <Tabs.Tab value="dossier">Dossier</Tabs.Tab>
          {mayReadLedger && <Tabs.Tab value="ledger">Ledger</Tabs.Tab>}
          <Tabs.Tab value="notes">Notes</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="dossier" pt="sm">
          {dossier ? <RecordView record={record} caption="Account, profile, devices, wallet, reports and bans" /> : !error && <Text>Loading…</Text>}
        </Tabs.Panel>
        {mayReadLedger && (
          <Tabs.Panel value="ledger" pt="sm">
            <PagedTable<Row>
              caption="Ledger transactions"
              load={loadLedger}
              rowKey={(row) => String(row.id)}
              columns={[
                { label: "When", render: (row) => show(row.createdAt) },
                { label: "Type", render: (row) => show(row.type) },
                { label: "Coins", render: (row) => show((row.amounts as Row | undefined)?.coins) },
                { label: "Diamonds", render: (row) => show((row.amounts as Row | undefined)?.diamonds) },
                { label: "Transaction", render: (row) => show(row.id) },
              ]}
            />
          </Tabs.Panel>
        )}
        <Tabs.Panel value="notes" pt="sm">
          <NoteForm uid={uid} onAdded={refresh} />
          <PagedTable<Row>
            key={version}
            caption="Staff notes"
            load={loadNotes}
            rowKey={(row) => String(row.noteId)}
            columns={[
              { label: "When", render: (row) => show(row.createdAt) },
              { label: "By", render: (row) => show(row.authorUid) },
              { label: "Note", render: (row) => show(row.text) },
            ]}
          />
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}

function NoteForm({ uid, onAdded }: { uid: string; onAdded(): void }) {
  const call = useCall();
  const [text, setText] = useState("");
  const { run, busy, view } = useAction();
  const add = async () => {
    if (await run("Add note", () => call("addUserNote", { uid, text: text.trim(), requestId: newRequestId() }))) {
      setText("");
      onAdded();
    }
  };
  return (
    <Paper withBorder p="md" mb="sm">
      <Stack gap="xs">
        <Textarea label="New note" value={text} onChange={(e) => setText(e.currentTarget.value)} autosize minRows={2} />
        <Group>
          <Button disabled={busy || !text.trim()} onClick={() => void add()}>
            Add note
          </Button>
        </Group>
        {view}
      </Stack>
    </Paper>
  );
}

function RolesForm({ uid, current, onChanged }: { uid: string; current: Role[]; onChanged(): void }) {
  const call = useCall();
  const [roles, setRoles] = useState<string[]>(current);
  const [reason, setReason] = useState("");
  const { run, busy, view } = useAction();
  const save = async () => {
    if (await run("Set roles", () => call("setUserRoles", { uid, roles: roles as Role[], reason: reason.trim(), requestId: newRequestId() })))
      onChanged();
  };
  return (
    <Paper withBorder p="md">
      <Stack gap="xs">
        <Text fw={600}>Roles (admins only)</Text>
        <MultiSelect label="Roles" data={ALL_ROLES} value={roles} onChange={setRoles} />
        <TextInput label="Reason for the role change" value={reason} onChange={(e) => setReason(e.currentTarget.value)} />
        <Group>
          <Button disabled={busy || reason.trim().length < 3} onClick={() => void save()}>
            Save roles
          </Button>
        </Group>
        {view}
      </Stack>
    </Paper>
  );
}
