/** Users: search (uid, username, e-mail, phone, display-name prefix), then a user's dossier and actions. */
import type { Role } from "@live-platform/client";
import { Alert, Anchor, Button, Group, MultiSelect, Paper, Stack, Tabs, Text, Textarea, TextInput } from "@mantine/core";
import { type FormEvent, useCallback, useState } from "react";
import { newRequestId } from "../api";
import { PagedTable, show } from "../paged-table";
import { navigate, usePath } from "../router";
import { useCall, useSession } from "../session";
import { PageTitle, ReasonForm, RecordView, useAction, useResource } from "./parts";

type Row = Record<string, unknown>;

const ALL_ROLES: Role[] = ["viewer", "host", "player", "reseller", "agencyOwner", "support", "finance", "moderator", "admin"];

export function UsersPage() {
  const { path } = usePath();
  const uid = path.startsWith("/users/") ? decodeURIComponent(path.slice("/users/".length)) : null;
  return uid ? <UserDossier uid={uid} /> : <UserSearch />;
}

function UserSearch() {
  const call = useCall();
  const [draft, setDraft] = useState("");
  const [query, setQuery] = useState("");
  const load = useCallback((cursor: string | null) => call("searchUsers", { query, limit: 20, ...(cursor ? { cursor } : {}) }), [call, query]);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setQuery(draft.trim());
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
            {
              label: "User",
              render: (row) => (
                <Anchor
                  href={`/users/${encodeURIComponent(String(row.uid))}`}
                  onClick={(event) => {
                    event.preventDefault();
                    navigate(`/users/${encodeURIComponent(String(row.uid))}`);
                  }}
                >
                  {show(row.displayName)}
                </Anchor>
              ),
            },
            { label: "uid", render: (row) => show(row.uid) },
            { label: "Username", render: (row) => show(row.username) },
            { label: "E-mail", render: (row) => show(row.email) },
            { label: "Roles", render: (row) => show(Array.isArray(row.roles) ? row.roles.join(", ") : row.roles) },
            { label: "Standing", render: (row) => show(row.standing ?? row.status) },
          ]}
          empty="No user matches."
        />
      )}
    </Stack>
  );
}

function UserDossier({ uid }: { uid: string }) {
  const call = useCall();
  const { session } = useSession();
  const [version, setVersion] = useState(0);
  const isAdmin = session?.roles.includes("admin") ?? false;
  const loadDossier = useCallback(async () => (await call("getUserDossier", { uid })) as Row, [call, uid]);
  const { data: dossier, error, reload } = useResource(loadDossier);

  const refresh = () => {
    reload();
    setVersion((v) => v + 1);
  };
  const loadLedger = useCallback((cursor: string | null) => call("listUserLedger", { uid, limit: 20, ...(cursor ? { cursor } : {}) }), [call, uid]);
  const loadNotes = useCallback((cursor: string | null) => call("listUserNotes", { uid, limit: 20, ...(cursor ? { cursor } : {}) }), [call, uid]);

  return (
    <Stack>
      <Group>
        <Anchor
          href="/users"
          onClick={(event) => {
            event.preventDefault();
            navigate("/users");
          }}
        >
          ← Users
        </Anchor>
      </Group>
      <PageTitle>User {uid}</PageTitle>
      {error && (
        <Alert color="red" role="alert" title="Could not load the dossier">
          {error}
        </Alert>
      )}
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
      {isAdmin && dossier && <RolesForm uid={uid} current={rolesOf(dossier)} onChanged={refresh} />}
      <Tabs defaultValue="dossier" keepMounted={false}>
        <Tabs.List>
          <Tabs.Tab value="dossier">Dossier</Tabs.Tab>
          <Tabs.Tab value="ledger">Ledger</Tabs.Tab>
          <Tabs.Tab value="notes">Notes</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="dossier" pt="sm">
          {dossier ? <RecordView record={dossier} caption="Profile, devices, wallet, reports and bans" /> : !error && <Text>Loading…</Text>}
        </Tabs.Panel>
        <Tabs.Panel value="ledger" pt="sm">
          <PagedTable<Row>
            caption="Ledger transactions"
            load={loadLedger}
            rowKey={(row) => String(row.transactionId ?? row.id)}
            columns={[
              { label: "When", render: (row) => show(row.createdAt) },
              { label: "Kind", render: (row) => show(row.kind ?? row.type) },
              { label: "Coins", render: (row) => show(row.coins) },
              { label: "Diamonds", render: (row) => show(row.diamonds) },
              { label: "Transaction", render: (row) => show(row.transactionId ?? row.id) },
            ]}
          />
        </Tabs.Panel>
        <Tabs.Panel value="notes" pt="sm">
          <NoteForm uid={uid} onAdded={refresh} />
          <PagedTable<Row>
            key={version}
            caption="Staff notes"
            load={loadNotes}
            rowKey={(row) => String(row.noteId ?? row.id)}
            columns={[
              { label: "When", render: (row) => show(row.createdAt) },
              { label: "By", render: (row) => show(row.authorUid ?? row.by) },
              { label: "Note", render: (row) => show(row.text ?? row.note) },
            ]}
          />
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}

function rolesOf(dossier: Row): Role[] {
  const profile = (dossier.profile ?? dossier) as Row;
  return Array.isArray(profile.roles) ? (profile.roles as Role[]) : [];
}

function NoteForm({ uid, onAdded }: { uid: string; onAdded(): void }) {
  const call = useCall();
  const [text, setText] = useState("");
  const { run, busy, view } = useAction();
  return (
    <Paper withBorder p="md" mb="sm">
      <Stack gap="xs">
        <Textarea label="New note" value={text} onChange={(e) => setText(e.currentTarget.value)} autosize minRows={2} />
        <Group>
          <Button
            disabled={busy || !text.trim()}
            onClick={() =>
              void run("Add note", () => call("addUserNote", { uid, text: text.trim(), requestId: newRequestId() })).then((ok) => {
                if (ok) {
                  setText("");
                  onAdded();
                }
              })
            }
          >
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
  return (
    <Paper withBorder p="md">
      <Stack gap="xs">
        <Text fw={600}>Roles (admins only)</Text>
        <MultiSelect label="Roles" data={ALL_ROLES} value={roles} onChange={setRoles} />
        <TextInput label="Reason" value={reason} onChange={(e) => setReason(e.currentTarget.value)} />
        <Group>
          <Button
            disabled={busy || reason.trim().length < 3}
            onClick={() =>
              void run("Set roles", () =>
                call("setUserRoles", { uid, roles: roles as Role[], reason: reason.trim(), requestId: newRequestId() }),
              ).then((ok) => ok && onChanged())
            }
          >
            Save roles
          </Button>
        </Group>
        {view}
      </Stack>
    </Paper>
  );
}
