/**
 * Configuration: every editable config/* document in a JSON editor, checked by the server against the
 * schema its readers use (the refused fields are listed), with its version history; and the feature
 * flags as the server evaluates them for the signed-in account. Finance reads; admins edit.
 */
import { Alert, Button, Code, Group, JsonInput, List, Select, Stack, Tabs, Text, TextInput } from "@mantine/core";
import { useCallback, useEffect, useRef, useState } from "react";
import { describeError, newRequestId, type Page } from "../api";
import { PagedTable, show } from "../paged-table";
import { useCall, useSession } from "../session";
import { PageTitle, RecordView, useAction, useResource } from "./parts";

type Row = Record<string, unknown>;

/** Validation issues of a refused edit: HttpsError details.issues ({ path, message }). */
function issuesOf(error: unknown): string[] {
  const issues = (error as { details?: { issues?: { path?: unknown; message?: string }[] } } | null)?.details?.issues;
  if (!Array.isArray(issues)) return [];
  return issues.map((issue) => `${Array.isArray(issue.path) ? issue.path.join(".") : show(issue.path)}: ${issue.message ?? ""}`);
}

export function ConfigPage() {
  return (
    <Stack>
      <PageTitle>Configuration</PageTitle>
      <Tabs defaultValue="documents" keepMounted={false}>
        <Tabs.List>
          <Tabs.Tab value="documents">Documents</Tabs.Tab>
          <Tabs.Tab value="flags">My feature flags</Tabs.Tab>
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
  const mayEdit = useSession().session?.roles.includes("admin") ?? false;
  const [id, setId] = useState<string | null>(null);
  const [text, setText] = useState("");
  const [reason, setReason] = useState("");
  const [issues, setIssues] = useState<string[]>([]);
  const [version, setVersion] = useState(0);
  const { run, busy, view } = useAction();

  const loadList = useCallback(() => call("listConfigs", {}), [call]);
  const list = useResource(loadList);
  const loadConfig = useCallback(() => call("getConfig", { id: id ?? "" }), [call, id]);
  const current = useResource(id ? loadConfig : null);
  // The editor takes the stored text when another document or version arrives, not on every reload: a
  // refused save reloads the same version, and the operator's text must survive it.
  const shown = useRef<string | null>(null);
  useEffect(() => {
    if (!current.data || !id) return;
    const loaded = `${id}@${current.data.version}`;
    if (shown.current === loaded) return;
    shown.current = loaded;
    setText(JSON.stringify(current.data.raw, null, 2));
  }, [current.data, id]);

  const loadVersions = useCallback(
    async (cursor: string | null): Promise<Page<Row>> => {
      const page = await call("listConfigVersions", { id: id ?? "", limit: 10, ...(cursor ? { cursor } : {}) });
      return { items: page.versions as unknown as Row[], nextCursor: page.nextCursor };
    },
    [call, id],
  );
  const save = () =>
    run("Save", async () => {
      setIssues([]);
      let value: Record<string, unknown>;
      try {
        value = JSON.parse(text) as Record<string, unknown>;
      } catch (err) {
        throw new Error(`Not valid JSON: ${describeError(err)}`);
      }
      try {
        const saved = await call("updateConfig", {
          id: id ?? "",
          value,
          expectedVersion: current.data?.version ?? 0,
          reason: reason.trim(),
          requestId: newRequestId(),
        });
        return { status: `version ${saved.version}` };
      } catch (err) {
        setIssues(issuesOf(err));
        throw err;
      } finally {
        current.reload();
        setVersion((v) => v + 1);
      }
    });

  const configs = list.data?.configs ?? [];
  const chosen = configs.find((config) => config.id === id);
  return (
    <Stack aria-busy={!list.data && !list.error}>
      <Select
        label="Document"
        data={configs.map((config) => ({ value: config.id, label: `config/${config.id}` }))}
        value={id}
        onChange={setId}
        searchable
        placeholder="Choose a configuration document"
      />
      {chosen && <Text size="sm">{chosen.description}</Text>}
      {id && (
        <>
          {current.data?.issues && (
            <Alert color="orange" title="The stored document is invalid: the platform reads its defaults">
              {current.data.issues.join("; ")}
            </Alert>
          )}
          <JsonInput
            label={`config/${id} (version ${show(current.data?.version)})`}
            value={text}
            onChange={setText}
            validationError="Not valid JSON"
            formatOnBlur
            autosize
            minRows={10}
            maxRows={30}
            readOnly={!mayEdit}
          />
          {mayEdit && (
            <>
              <TextInput label="Reason for the change" value={reason} onChange={(e) => setReason(e.currentTarget.value)} />
              <Group>
                <Button disabled={busy || reason.trim().length < 3} onClick={() => void save()}>
                  Save
                </Button>
              </Group>
            </>
          )}
          {issues.length > 0 && (
            <Alert color="red" title="The schema refused these fields" role="alert" data-testid="config-issues">
              <List>
                {issues.map((issue) => (
                  <List.Item key={issue}>
                    <Code>{issue}</Code>
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
            rowKey={(row) => String(row.version)}
            columns={[
              { label: "Version", render: (row) => show(row.version) },
              { label: "When", render: (row) => show(row.at) },
              { label: "By", render: (row) => show(row.actorUid) },
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
  const load = useCallback(() => call("getMyFeatureFlags", {}), [call]);
  const { data, error } = useResource(load);
  return (
    <Stack>
      <Text size="sm">Flags are defined in config/flags (Documents); this is how they evaluate for your account.</Text>
      {error && (
        <Alert color="red" role="alert">
          {error}
        </Alert>
      )}
      {data && <RecordView record={data.flags} caption="Feature flags for this account" />}
    </Stack>
  );
}
