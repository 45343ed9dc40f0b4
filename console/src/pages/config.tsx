/**
 * Configuration: every config/* document in a JSON editor, validated by the server's schema (its issues
 * are shown), with version history; and the feature flags as the server evaluates them.
 */
import { Alert, Button, Code, Group, JsonInput, List, Select, Stack, Tabs, TextInput } from "@mantine/core";
import { useCallback, useEffect, useState } from "react";
import { describeError, newRequestId } from "../api";
import { PagedTable, show } from "../paged-table";
import { useCall } from "../session";
import { PageTitle, RecordView, useAction, useResource } from "./parts";

type Row = Record<string, unknown>;

interface Issue {
  path?: string | (string | number)[];
  message: string;
}

function issuesOf(error: unknown): Issue[] {
  const details = (error as { details?: { issues?: Issue[] } } | null)?.details;
  return Array.isArray(details?.issues) ? details.issues : [];
}

export function ConfigPage() {
  return (
    <Stack>
      <PageTitle>Configuration</PageTitle>
      <Tabs defaultValue="documents" keepMounted={false}>
        <Tabs.List>
          <Tabs.Tab value="documents">Documents</Tabs.Tab>
          <Tabs.Tab value="flags">Feature flags</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="documents" pt="sm">
          <Documents />
        </Tabs.Panel>
        <Tabs.Panel value="flags" pt="sm">
          <Flags />
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}

function Documents() {
  const call = useCall();
  const [ids, setIds] = useState<string[]>([]);
  const [id, setId] = useState<string | null>(null);
  const [text, setText] = useState("");
  const [reason, setReason] = useState("");
  const [issues, setIssues] = useState<Issue[]>([]);
  const [version, setVersion] = useState(0);
  const { run, busy, view } = useAction();

  useEffect(() => {
    call("listConfigs", {})
      .then((result) => {
        const list = ((result as Row).items ?? (result as Row).configs ?? []) as (Row | string)[];
        setIds(list.map((entry) => (typeof entry === "string" ? entry : String(entry.id))));
      })
      .catch(() => setIds([]));
  }, [call]);
  const loadConfig = useCallback(async () => (await call("getConfig", { id })) as Row, [call, id]);
  const current = useResource(id ? loadConfig : null);
  useEffect(() => {
    if (current.data) setText(JSON.stringify(current.data.value ?? current.data, null, 2));
  }, [current.data]);

  const loadVersions = useCallback(
    (cursor: string | null) => call("listConfigVersions", { id: id ?? "", limit: 10, ...(cursor ? { cursor } : {}) }),
    [call, id],
  );
  const save = () =>
    run("Save", async () => {
      setIssues([]);
      try {
        return await call("updateConfig", { id: id ?? "", value: JSON.parse(text) as unknown, reason: reason.trim(), requestId: newRequestId() });
      } catch (err) {
        setIssues(issuesOf(err));
        throw err;
      } finally {
        current.reload();
        setVersion((v) => v + 1);
      }
    });

  return (
    <Stack>
      <Select label="Document" data={ids} value={id} onChange={setId} searchable placeholder="config/…" />
      {id && (
        <>
          <JsonInput
            label={`config/${id}`}
            value={text}
            onChange={setText}
            validationError="Not valid JSON"
            formatOnBlur
            autosize
            minRows={10}
            maxRows={30}
          />
          <TextInput label="Reason (kept in the version history)" value={reason} onChange={(e) => setReason(e.currentTarget.value)} />
          <Group>
            <Button disabled={busy || reason.trim().length < 3} onClick={() => void save()}>
              Save
            </Button>
          </Group>
          {issues.length > 0 && (
            <Alert color="red" title="The schema refused these fields" role="alert">
              <List>
                {issues.map((issue) => (
                  <List.Item key={`${show(issue.path)}:${issue.message}`}>
                    <Code>{Array.isArray(issue.path) ? issue.path.join(".") : show(issue.path)}</Code> {issue.message}
                  </List.Item>
                ))}
              </List>
            </Alert>
          )}
          {view}
          <PagedTable<Row>
            key={`${id}:${version}`}
            caption={`Version history of config/${id}`}
            load={loadVersions}
            rowKey={(row) => String(row.version ?? row.id)}
            columns={[
              { label: "Version", render: (row) => show(row.version ?? row.id) },
              { label: "When", render: (row) => show(row.at ?? row.createdAt) },
              { label: "By", render: (row) => show(row.by ?? row.actorUid) },
              { label: "Reason", render: (row) => show(row.reason) },
            ]}
          />
        </>
      )}
    </Stack>
  );
}

function Flags() {
  const call = useCall();
  const [flags, setFlags] = useState<Row | null>(null);
  useEffect(() => {
    call("getMyFeatureFlags", {})
      .then((result) => setFlags(result as Row))
      .catch((err) => setFlags({ error: describeError(err) }));
  }, [call]);
  return (
    <Stack>
      <Alert color="blue">Flags are defined in the flags configuration document (Documents tab); here is how they evaluate for you.</Alert>
      {flags && <RecordView record={flags} caption="Feature flags for this account" />}
    </Stack>
  );
}
