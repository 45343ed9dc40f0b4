/**
 * Server values ({".sv": "timestamp"}, {".sv": {"increment": n}}) are placeholders the server
 * replaces when it applies a write. We resolve them before anything else looks at the data, so the
 * rules see real values and the store never holds placeholders.
 */
import { InvalidDataError, leafValue, PRIORITY_KEY, type StoredValue, splitPath } from "./tree.js";

/** Reads the current value at a path (to add an increment to). */
export type CurrentValue = (path: string) => StoredValue;

function isServerValue(value: unknown): value is { ".sv": unknown } {
  return typeof value === "object" && value !== null && Object.hasOwn(value, ".sv");
}

function join(path: string, key: string): string {
  return [...splitPath(path), key].join("/");
}

function resolvePlaceholder(placeholder: unknown, path: string, now: number, current: CurrentValue): number {
  if (placeholder === "timestamp") return now;
  if (typeof placeholder === "object" && placeholder !== null && "increment" in placeholder) {
    const delta = placeholder.increment;
    if (typeof delta !== "number" || !Number.isFinite(delta)) throw new InvalidDataError("increment() needs a finite number");
    const existing = current(path);
    const base = existing === null ? undefined : leafValue(existing);
    // Like RTDB: a missing or non-numeric value counts as 0.
    return typeof base === "number" ? base + delta : delta;
  }
  throw new InvalidDataError(`Unsupported server value ${JSON.stringify(placeholder)}`);
}

/** `value` (to be written at `path`) with every server value replaced. */
export function resolveServerValues(value: unknown, path: string, now: number, current: CurrentValue): unknown {
  if (isServerValue(value)) return resolvePlaceholder(value[".sv"], path, now, current);
  if (typeof value !== "object" || value === null) return value;
  const resolved: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    // ".value" and ".priority" describe the node itself, not a child of it.
    const childPath = key === ".value" || key === PRIORITY_KEY ? path : join(path, key);
    Object.defineProperty(resolved, key, {
      value: resolveServerValues(child, childPath, now, current),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return resolved;
}

/** The same for an update(): each key of `patch` is a path relative to `path`. */
export function resolveServerValuesInPatch(patch: unknown, path: string, now: number, current: CurrentValue): Record<string, unknown> {
  if (typeof patch !== "object" || patch === null || Array.isArray(patch)) throw new InvalidDataError("update() needs an object of paths to values");
  const resolved: Record<string, unknown> = {};
  for (const [relative, child] of Object.entries(patch)) {
    const childPath = [...splitPath(path), ...splitPath(relative)].join("/");
    Object.defineProperty(resolved, relative, {
      value: resolveServerValues(child, childPath, now, current),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return resolved;
}
