/**
 * The offline server's data: one immutable tree plus value listeners. Writes are synchronous and
 * listeners fire synchronously, only where the value under their path actually changed.
 */
import { normalizeValue, parsePath, type StoredValue, valueAt, withValueAt } from "./tree.js";

export type ValueListener = (value: StoredValue) => void;
/** Sees every applied change, in order: the rules engine keeps its copy of the data with it. */
export type ChangeObserver = (segments: readonly string[], value: StoredValue) => void;

interface Subscription {
  readonly segments: readonly string[];
  readonly listener: ValueListener;
  lastValue: StoredValue;
}

export class RealtimeStore {
  private root: StoredValue = null;
  private readonly subscriptions = new Set<Subscription>();
  private readonly observers: ChangeObserver[] = [];

  /** The node at `path`. Shared and immutable: never mutate what this returns. */
  get(path: string): StoredValue {
    return valueAt(this.root, parsePath(path));
  }

  set(path: string, value: unknown): void {
    this.apply([[parsePath(path), normalizeValue(value)]]);
  }

  /** Multi-path update: keys of `patch` are paths relative to `path`; null deletes. All or nothing. */
  update(path: string, patch: Readonly<Record<string, unknown>>): void {
    const base = parsePath(path);
    // Normalize everything before touching the tree, so invalid data leaves it unchanged.
    const changes = Object.entries(patch).map(([relative, value]): [string[], StoredValue] => [[...base, ...parsePath(relative)], normalizeValue(value)]);
    this.apply(changes);
  }

  /** Calls `listener` now with the current value, then after every change of it; returns the unsubscribe function. */
  subscribe(path: string, listener: ValueListener): () => void {
    const segments = parsePath(path);
    const subscription: Subscription = { segments, listener, lastValue: valueAt(this.root, segments) };
    this.subscriptions.add(subscription);
    listener(subscription.lastValue);
    return () => {
      this.subscriptions.delete(subscription);
    };
  }

  observeChanges(observer: ChangeObserver): void {
    this.observers.push(observer);
  }

  private apply(changes: readonly (readonly [readonly string[], StoredValue])[]): void {
    for (const [segments, value] of changes) {
      this.root = withValueAt(this.root, segments, value);
      for (const observer of this.observers) observer(segments, value);
    }
    for (const subscription of this.subscriptions) {
      const current = valueAt(this.root, subscription.segments);
      if (current === subscription.lastValue) continue;
      subscription.lastValue = current;
      subscription.listener(current);
    }
  }
}
