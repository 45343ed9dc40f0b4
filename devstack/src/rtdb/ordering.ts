/**
 * RTDB's orderings, as the client SDK implements them (@firebase/database): key order, index order
 * for queries, and the node hash that transactions compare. Both sides must agree bit for bit, or a
 * query returns the wrong children and a transaction retries until it gives up.
 */
import { createHash } from "node:crypto";
import { childKeys, isBranch, leafValue, type Primitive, priorityOf, type StoredBranch, type StoredValue, splitPath, valueAt } from "./tree.js";

export const MIN_KEY = "[MIN_NAME]";
export const MAX_KEY = "[MAX_NAME]";

const INTEGER_KEY = /^-?(0*)\d{1,10}$/;

function keyAsInt32(key: string): number | null {
  if (!INTEGER_KEY.test(key)) return null;
  const value = Number(key);
  return value >= -2147483648 && value <= 2147483647 ? value : null;
}

/** Keys that are 32-bit integers first, numerically; then the rest as strings. */
export function compareKeys(a: string, b: string): number {
  if (a === b) return 0;
  if (a === MIN_KEY || b === MAX_KEY) return -1;
  if (b === MIN_KEY || a === MAX_KEY) return 1;
  const aInt = keyAsInt32(a);
  const bInt = keyAsInt32(b);
  if (aInt !== null && bInt !== null) return aInt - bInt || a.length - b.length;
  if (aInt !== null) return -1;
  if (bInt !== null) return 1;
  return a < b ? -1 : 1;
}

/** What a child is sorted by under an index; `object` stands for any branch. */
type IndexValue = Primitive | null | { readonly object: true };
const BRANCH: IndexValue = { object: true };

function rank(value: IndexValue): number {
  if (value === null) return 0;
  if (value === false) return 1;
  if (value === true) return 2;
  if (typeof value === "number") return 3;
  if (typeof value === "string") return 4;
  return 5;
}

/** null < false < true < numbers < strings < objects (priorities use the same order). */
function compareIndexValues(a: IndexValue, b: IndexValue): number {
  const byRank = rank(a) - rank(b);
  if (byRank !== 0) return byRank;
  if (typeof a === "number" && typeof b === "number") return a - b;
  if (typeof a === "string" && typeof b === "string") return a < b ? -1 : a > b ? 1 : 0;
  return 0;
}

function nodeAsIndexValue(node: StoredValue): IndexValue {
  if (node === null) return null;
  return isBranch(node) ? BRANCH : (leafValue(node) ?? null);
}

function compareByPriority(node: StoredBranch, a: string, b: string): number {
  return compareIndexValues(priorityOf(node[a]), priorityOf(node[b])) || compareKeys(a, b);
}

function sha1Base64(text: string): string {
  return createHash("sha1").update(text, "utf8").digest("base64");
}

function doubleToHex(value: number): string {
  const buffer = Buffer.alloc(8);
  buffer.writeDoubleBE(value);
  return buffer.toString("hex");
}

function priorityHashText(priority: string | number): string {
  return typeof priority === "number" ? `number:${doubleToHex(priority)}` : `string:${priority}`;
}

/** The hash the client sends with a transaction's write (LeafNode.hash / ChildrenNode.hash). */
export function firebaseHash(node: StoredValue): string {
  if (node === null) return "";
  const priority = priorityOf(node);
  let text = priority === null ? "" : `priority:${priorityHashText(priority)}:`;
  if (!isBranch(node)) {
    const value = leafValue(node);
    text += `${typeof value}:${typeof value === "number" ? doubleToHex(value) : String(value)}`;
    return sha1Base64(text);
  }
  for (const key of childKeys(node).sort((a, b) => compareByPriority(node, a, b))) {
    const childHash = firebaseHash(node[key]);
    if (childHash !== "") text += `:${key}:${childHash}`;
  }
  return text === "" ? "" : sha1Base64(text);
}

/** A query as the client sends it (queryParamsGetQueryObject in @firebase/database). */
export interface WireQuery {
  sp?: unknown;
  sn?: string;
  sin?: boolean;
  ep?: unknown;
  en?: string;
  ein?: boolean;
  l?: number;
  vf?: "l" | "r";
  i?: string;
}

interface Candidate {
  readonly key: string;
  readonly value: IndexValue;
}

function toIndexValue(raw: unknown): IndexValue {
  return typeof raw === "string" || typeof raw === "number" || typeof raw === "boolean" ? raw : null;
}

/** The children of `node` that `query` selects, as the real server answers a get() with a query. */
export function applyWireQuery(node: StoredValue, query: WireQuery): StoredValue {
  if (!isBranch(node)) return node;
  const index = query.i ?? ".priority";
  const byKey = index === ".key";
  const indexPath = splitPath(index);
  const indexValueOf = (key: string): IndexValue => {
    if (byKey) return key;
    if (index === ".priority") return priorityOf(node[key]);
    if (index === ".value") return nodeAsIndexValue(node[key]);
    return nodeAsIndexValue(valueAt(node[key], indexPath));
  };
  const compareValues = (a: IndexValue, b: IndexValue) => (byKey ? compareKeys(String(a), String(b)) : compareIndexValues(a, b));
  const compareCandidates = (a: Candidate, b: Candidate) => compareValues(a.value, b.value) || compareKeys(a.key, b.key);

  // A bound is (value, key); without a key it covers every key of that value, unless exclusive.
  const withinBound = (candidate: Candidate, value: unknown, key: string | undefined, inclusive: boolean, side: 1 | -1) => {
    const byValue = compareValues(candidate.value, byKey ? String(value) : toIndexValue(value)) * side;
    if (byValue !== 0) return byValue > 0;
    if (key === undefined || byKey) return inclusive;
    const byName = compareKeys(candidate.key, key) * side;
    return byName > 0 || (byName === 0 && inclusive);
  };

  let selected = childKeys(node)
    .map((key): Candidate => ({ key, value: indexValueOf(key) }))
    .sort(compareCandidates)
    .filter((candidate) => !("sp" in query) || withinBound(candidate, query.sp, query.sn, query.sin !== false, 1))
    .filter((candidate) => !("ep" in query) || withinBound(candidate, query.ep, query.en, query.ein !== false, -1));
  if (typeof query.l === "number") {
    selected = query.vf === "r" ? selected.slice(Math.max(0, selected.length - query.l)) : selected.slice(0, query.l);
  }
  if (selected.length === 0) return null;
  const result: Record<string, StoredValue> = {};
  for (const { key } of selected) Object.defineProperty(result, key, { value: node[key], enumerable: true, writable: true, configurable: true });
  return result as StoredBranch;
}
