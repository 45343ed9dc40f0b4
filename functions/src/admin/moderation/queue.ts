/**
 * Reading the queue: items by priority (highest first) then age (oldest first), cursor-paged, and one item
 * with what a moderator needs to decide: the report and its evidence, or the flag's review entry, and the
 * subject's recent sanctions. A country-scoped moderator reads the items whose subject was of its
 * countries when the item opened; acting on one checks the subject's country as it is then.
 */
import type { DocumentSnapshot, Timestamp } from "firebase-admin/firestore";
import { db, firestoreValues } from "../../kernel/app.js";
import { Collections } from "../../kernel/collections.js";
import { fail } from "../../kernel/errors.js";
import { isoOf } from "../../kernel/fields.js";
import type { Caller } from "../../kernel/guards.js";
import { countryScopeOf, requireCountryInScope } from "../../kernel/staff-scope.js";
import { getReport } from "../../social/reports.js";
import { moderationConfig } from "./config.js";
import type {
  GetModerationItemRequest,
  GetModerationItemResponse,
  ListModerationQueueRequest,
  ListModerationQueueResponse,
  ModerationItemView,
  SanctionView,
} from "./schema.js";
import { itemRef } from "./store.js";

export function itemView(doc: DocumentSnapshot): ModerationItemView {
  const d = doc.data() ?? {};
  return {
    itemId: doc.id,
    kind: d.kind,
    source: d.source,
    subjectUid: d.subjectUid ?? null,
    subjectCountry: d.subjectCountry ?? null,
    relatedUids: d.relatedUids ?? [],
    contentRef: d.contentRef ?? null,
    sourceRef: d.sourceRef,
    reason: d.reason,
    priority: d.priority,
    status: d.status,
    createdAt: isoOf(d.createdAt),
    actionedAt: isoOf(d.actionedAt),
    actorUid: d.actorUid ?? null,
    outcome: d.outcome ?? null,
    sanctionId: d.sanctionId ?? null,
  };
}

export function sanctionView(doc: DocumentSnapshot): SanctionView {
  const d = doc.data() ?? {};
  return {
    sanctionId: doc.id,
    subjectUid: d.subjectUid,
    action: d.action,
    step: d.step,
    until: isoOf(d.until),
    itemId: d.itemId,
    actorUid: d.actorUid,
    reason: d.reason,
    status: d.status,
    createdAt: isoOf(d.createdAt),
  };
}

/** [priority, [seconds, nanoseconds], id] of the last item, base64url. */
function encodeCursor(doc: DocumentSnapshot): string {
  const at = doc.get("createdAt") as Timestamp;
  return Buffer.from(JSON.stringify([doc.get("priority"), [at.seconds, at.nanoseconds], doc.id])).toString("base64url");
}

function decodeCursor(raw: string): [number, [number, number], string] {
  try {
    const c = JSON.parse(Buffer.from(raw, "base64url").toString("utf8"));
    if (
      Array.isArray(c) &&
      Number.isInteger(c[0]) &&
      Array.isArray(c[1]) &&
      c[1].length === 2 &&
      c[1].every(Number.isInteger) &&
      typeof c[2] === "string" &&
      c[2]
    ) {
      return c as [number, [number, number], string];
    }
  } catch {
    // fall through
  }
  return fail("invalid-argument", "Invalid request: cursor: malformed cursor", {
    issues: [{ path: "cursor", message: "malformed cursor", code: "custom" }],
  });
}

export async function listModerationQueue(caller: Caller, request: ListModerationQueueRequest): Promise<ListModerationQueueResponse> {
  const { FieldPath, Timestamp: Ts } = firestoreValues();
  let query = db().collection(Collections.moderationItems).where("status", "==", request.status);
  const scope = countryScopeOf(caller);
  if (scope) query = query.where("subjectCountry", "in", scope);
  if (request.kind) query = query.where("kind", "==", request.kind);
  if (request.source) query = query.where("source", "==", request.source);
  if (request.minPriority !== undefined) query = query.where("priority", ">=", request.minPriority);
  query = query.orderBy("priority", "desc").orderBy("createdAt", "asc").orderBy(FieldPath.documentId(), "asc").limit(request.limit);
  if (request.cursor) {
    const [priority, [seconds, nanos], id] = decodeCursor(request.cursor);
    query = query.startAfter(priority, new Ts(seconds, nanos), id);
  }
  const snapshot = await query.get();
  const last = snapshot.docs.at(-1);
  return { items: snapshot.docs.map(itemView), nextCursor: snapshot.size === request.limit && last ? encodeCursor(last) : null };
}

export async function getModerationItem(caller: Caller, request: GetModerationItemRequest): Promise<GetModerationItemResponse> {
  const snapshot = await itemRef(request.itemId).get();
  if (!snapshot.exists) return fail("not-found", "No such moderation item.");
  const item = itemView(snapshot);
  requireCountryInScope(caller, item.subjectCountry);
  const [collection, sourceId] = item.sourceRef.split("/");
  const report = item.kind === "report" && sourceId ? await getReport(caller, { reportId: sourceId }) : null;
  const flag =
    collection === Collections.reviewQueue && sourceId ? ((await db().collection(Collections.reviewQueue).doc(sourceId).get()).data() ?? null) : null;
  let recentSanctions: SanctionView[] = [];
  if (item.subjectUid) {
    const { ladderWindowDays } = await moderationConfig();
    const { Timestamp } = firestoreValues();
    const recent = await db()
      .collection(Collections.sanctions)
      .where("subjectUid", "==", item.subjectUid)
      .where("createdAt", ">=", Timestamp.fromMillis(Date.now() - ladderWindowDays * 86_400_000))
      .orderBy("createdAt", "desc")
      .limit(50)
      .get();
    recentSanctions = recent.docs.map(sanctionView);
  }
  return { item, report, flag, recentSanctions };
}
