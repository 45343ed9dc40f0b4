/**
 * Immutable JSON trees in Firebase's export format, the shape the offline server stores and sends:
 * a node is a primitive, a leaf with a priority (`{".value": 1, ".priority": 2}`), or a branch of
 * children that may carry a ".priority". Empty branches do not exist (they are null), as in RTDB.
 * Every update copies the nodes along the written path and shares the rest, so "did the value at
 * this path change?" is a reference comparison.
 */

export type Primitive = string | number | boolean;
export type StoredNode = Primitive | StoredBranch;
export interface StoredBranch {
  readonly [key: string]: StoredNode;
}
export type StoredValue = StoredNode | null;
export type Priority = string | number;

export const PRIORITY_KEY = ".priority";
const VALUE_KEY = ".value";
const SERVER_VALUE_KEY = ".sv";

/** Data a client may not store: a bad key, an unresolved server value, a non-JSON type. */
export class InvalidDataError extends Error {}

// What RTDB refuses in keys (and in paths, apart from "/"), besides ASCII control characters.
const FORBIDDEN_KEY_CHARACTERS = /[.#$[\]/]/;

export function isValidKey(key: string): boolean {
  if (key.length === 0 || key.length > 768 || FORBIDDEN_KEY_CHARACTERS.test(key)) return false;
  for (let index = 0; index < key.length; index++) {
    const code = key.charCodeAt(index);
    if (code < 0x20 || code === 0x7f) return false;
  }
  return true;
}

export function splitPath(path: string | undefined): string[] {
  return (path ?? "").split("/").filter((segment) => segment.length > 0);
}

/** Splits and validates a client path; throws InvalidDataError for keys RTDB would refuse. */
export function parsePath(path: string | undefined): string[] {
  const segments = splitPath(path);
  const invalid = segments.find((segment) => !isValidKey(segment));
  if (invalid !== undefined) throw new InvalidDataError(`Invalid key "${invalid}" in path "${path}"`);
  return segments;
}

export function isBranch(node: StoredValue): node is StoredBranch {
  return typeof node === "object" && node !== null && !(VALUE_KEY in node);
}

export function priorityOf(node: StoredValue): Priority | null {
  if (typeof node !== "object" || node === null) return null;
  const priority = node[PRIORITY_KEY];
  return typeof priority === "string" || typeof priority === "number" ? priority : null;
}

/** The primitive of a leaf node (with or without a priority). */
export function leafValue(node: StoredNode): Primitive | undefined {
  if (typeof node !== "object") return node;
  const value = node[VALUE_KEY];
  return typeof value === "object" ? undefined : value;
}

export function childKeys(node: StoredValue): string[] {
  return isBranch(node) ? Object.keys(node).filter((key) => key !== PRIORITY_KEY) : [];
}

export function childAt(node: StoredValue, key: string): StoredValue {
  return isBranch(node) && key !== PRIORITY_KEY && Object.hasOwn(node, key) ? node[key] : null;
}

export function valueAt(root: StoredValue, segments: readonly string[]): StoredValue {
  let node = root;
  for (const segment of segments) {
    node = childAt(node, segment);
    if (node === null) break;
  }
  return node;
}

/** A copy of `root` with `value` at `segments`; untouched subtrees are shared. */
export function withValueAt(root: StoredValue, segments: readonly string[], value: StoredValue, depth = 0): StoredValue {
  if (depth === segments.length) return value;
  const key = segments[depth];
  const children: Record<string, StoredNode> = isBranch(root) ? { ...root } : {};
  const child = withValueAt(childAt(root, key), segments, value, depth + 1);
  if (child === null) delete children[key];
  // defineProperty, not assignment: a child named "__proto__" must stay an ordinary key.
  else Object.defineProperty(children, key, { value: child, enumerable: true, writable: true, configurable: true });
  return childKeys(children).length > 0 ? children : null;
}

function isPrimitive(value: unknown): value is Primitive {
  return typeof value === "string" || typeof value === "boolean" || (typeof value === "number" && Number.isFinite(value));
}

function readPriority(raw: unknown): Priority | null {
  if (raw === undefined || raw === null) return null;
  if (typeof raw === "string" || (typeof raw === "number" && Number.isFinite(raw))) return raw;
  throw new InvalidDataError(`Invalid priority ${JSON.stringify(raw)}: must be a string, a number or null`);
}

/**
 * Turns client JSON (plain values, arrays, export format) into a stored node: nulls and empty
 * objects vanish, arrays become index-keyed branches. Throws InvalidDataError for anything RTDB
 * would reject. Server values must have been resolved first (see server-values.ts).
 */
export function normalizeValue(input: unknown): StoredValue {
  if (input === null || input === undefined) return null;
  if (isPrimitive(input)) return input;
  if (typeof input !== "object") throw new InvalidDataError(`Cannot store a value of type ${typeof input}`);
  const source = input as Record<string, unknown>;
  if (Object.hasOwn(source, SERVER_VALUE_KEY)) throw new InvalidDataError(`Unsupported server value ${JSON.stringify(source[SERVER_VALUE_KEY])}`);
  const priority = readPriority(source[PRIORITY_KEY]);
  if (Object.hasOwn(source, VALUE_KEY)) {
    const value = source[VALUE_KEY];
    if (value === null || value === undefined) return null;
    if (!isPrimitive(value)) throw new InvalidDataError('".value" must hold a string, number or boolean');
    return priority === null ? value : { [VALUE_KEY]: value, [PRIORITY_KEY]: priority };
  }
  const children: Record<string, StoredNode> = {};
  for (const [key, raw] of Object.entries(source)) {
    if (key === PRIORITY_KEY) continue;
    if (!isValidKey(key)) throw new InvalidDataError(`Invalid key "${key}"`);
    const child = normalizeValue(raw);
    if (child !== null) Object.defineProperty(children, key, { value: child, enumerable: true, writable: true, configurable: true });
  }
  if (Object.keys(children).length === 0) return null;
  if (priority !== null) children[PRIORITY_KEY] = priority;
  return children;
}

const ARRAY_INDEX = /^(0|[1-9]\d*)$/;

/** What `snapshot.val()` and the REST API return: no priorities, and arrays where RTDB makes them. */
export function toPlainValue(node: StoredValue): unknown {
  if (node === null || typeof node !== "object") return node;
  if (!isBranch(node)) return leafValue(node) ?? null;
  const keys = childKeys(node);
  // RTDB's rule: all keys are array indices and at least half of the slots are used.
  const highestIndex = keys.every((key) => ARRAY_INDEX.test(key)) ? keys.reduce((highest, key) => Math.max(highest, Number(key)), -1) : null;
  if (highestIndex !== null && highestIndex < 2 * keys.length) {
    const array: unknown[] = new Array(highestIndex + 1).fill(null);
    for (const key of keys) array[Number(key)] = toPlainValue(node[key]);
    return array;
  }
  const plain: Record<string, unknown> = {};
  for (const key of keys) Object.defineProperty(plain, key, { value: toPlainValue(node[key]), enumerable: true, writable: true, configurable: true });
  return plain;
}
