/**
 * Configuration documents edited by operators: read with their defaults applied, edited as a whole
 * document checked by the schema its readers use, with an optimistic version (an edit made since the
 * editor read the document is refused, never overwritten), a version history and an audit entry written
 * in the same transaction. The editing instance forgets its cached documents at once; other instances
 * keep theirs for up to their cache time (30 s; 5 s for flags and maintenance).
 */
import type { DocumentSnapshot } from "firebase-admin/firestore";
import { db, firestoreValues } from "../../kernel/app.js";
import { recordAudit } from "../../kernel/audit.js";
import { Collections } from "../../kernel/collections.js";
import { clearConfigCaches, configSettings } from "../../kernel/config-document.js";
import { pageByTime } from "../../kernel/cursor.js";
import { refuse } from "../../kernel/errors.js";
import { isoOf } from "../../kernel/fields.js";
import type { Caller } from "../../kernel/guards.js";
import { runIdempotent } from "../../kernel/idempotency.js";
import { parse } from "../../kernel/validation.js";
import { EDITABLE_CONFIGS, type EditableConfig, editableConfig } from "./editable-configs.js";
import type {
  ConfigSummary,
  ConfigVersion,
  GetConfigRequest,
  GetConfigResponse,
  ListConfigsResponse,
  ListConfigVersionsRequest,
  ListConfigVersionsResponse,
  PlatformRefusal,
  UpdateConfigRequest,
  UpdateConfigResponse,
} from "./schema.js";

const configRef = (id: string) => db().collection(Collections.config).doc(id);
const versionsOf = (id: string) => configRef(id).collection(Collections.configVersions);

function knownConfig(id: string): EditableConfig {
  return editableConfig(id) ?? refuse<PlatformRefusal>("not-found", "unknown-config", `There is no editable configuration "${id}".`);
}

const versionOf = (snapshot: DocumentSnapshot): number => (snapshot.get("version") as number | undefined) ?? 0;

/**
 * Each document's summary. Who edited it is read from its latest history entry: apps read config documents
 * directly (firestore.rules), and the editing admin's uid is not theirs to see.
 */
async function summariesOf(ids: string[], snapshots: DocumentSnapshot[]): Promise<ConfigSummary[]> {
  const latest = snapshots.map((snapshot, index) =>
    versionOf(snapshot) > 0 ? versionsOf(ids[index] as string).doc(String(versionOf(snapshot))) : null,
  );
  const edited = latest.filter((ref) => ref !== null);
  const entries = edited.length ? await db().getAll(...edited) : [];
  const actorOf = new Map(entries.map((entry) => [entry.ref.path, (entry.get("actorUid") as string | undefined) ?? null]));
  return snapshots.map((snapshot, index) => {
    const id = ids[index] as string;
    return {
      id,
      description: EDITABLE_CONFIGS[id]?.description ?? "",
      version: versionOf(snapshot),
      updatedAt: isoOf(snapshot.get("updatedAt")),
      updatedBy: actorOf.get(latest[index]?.path ?? "") ?? null,
    };
  });
}

export async function listConfigs(): Promise<ListConfigsResponse> {
  const ids = Object.keys(EDITABLE_CONFIGS).sort();
  const snapshots = await db().getAll(...ids.map(configRef));
  return { configs: await summariesOf(ids, snapshots) };
}

export async function getConfig(request: GetConfigRequest): Promise<GetConfigResponse> {
  const config = knownConfig(request.id);
  const snapshot = await configRef(request.id).get();
  const raw = configSettings(snapshot.data());
  const parsed = config.schema.safeParse(raw);
  return {
    ...((await summariesOf([request.id], [snapshot]))[0] as ConfigSummary),
    value: parsed.success ? parsed.data : null,
    raw,
    issues: parsed.success ? null : parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`),
  };
}

export async function updateConfig(caller: Caller, request: UpdateConfigRequest): Promise<UpdateConfigResponse> {
  const config = knownConfig(request.id);
  // Checked before any I/O: a value the readers would refuse is the caller's invalid-argument.
  const value = parse(config.schema, request.value);
  const { result } = await runIdempotent({ scope: "admin.updateConfig", key: request.requestId, owner: caller.uid, payload: request }, async (tx) => {
    const snapshot = await tx.get(configRef(request.id));
    const version = (snapshot.get("version") as number | undefined) ?? 0;
    if (version !== request.expectedVersion) {
      refuse<PlatformRefusal>(
        "failed-precondition",
        "version-conflict",
        `config/${request.id} is at version ${version}: read it again before editing.`,
        {
          version,
        },
      );
    }
    const before = snapshot.exists ? configSettings(snapshot.data()) : null;
    const next = version + 1;
    const { FieldValue } = firestoreValues();
    // The settings as the operator wrote them (the readers apply the defaults), so a default changed
    // in code still reaches every field the operator left out.
    tx.set(configRef(request.id), { ...request.value, version: next, updatedAt: FieldValue.serverTimestamp() });
    tx.create(versionsOf(request.id).doc(String(next)), {
      version: next,
      value: request.value,
      before,
      actorUid: caller.uid,
      reason: request.reason,
      at: FieldValue.serverTimestamp(),
    });
    recordAudit(tx, {
      action: "platform.config.update",
      actorUid: caller.uid,
      targetUid: null,
      reason: request.reason,
      requestId: request.requestId,
      before,
      after: request.value,
      details: { configId: request.id, version: next },
    });
    return { id: request.id, version: next, value };
  });
  clearConfigCaches();
  return result;
}

export async function listConfigVersions(request: ListConfigVersionsRequest): Promise<ListConfigVersionsResponse> {
  knownConfig(request.id);
  const page = await pageByTime(versionsOf(request.id), "at", request);
  const versions: ConfigVersion[] = page.docs.map((doc) => ({
    version: doc.get("version") as number,
    value: doc.get("value") as Record<string, unknown>,
    before: (doc.get("before") as Record<string, unknown> | null) ?? null,
    actorUid: doc.get("actorUid") as string,
    reason: doc.get("reason") as string,
    at: isoOf(doc.get("at")),
  }));
  return { versions, nextCursor: page.nextCursor };
}
