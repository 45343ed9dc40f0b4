/**
 * The offline server's data: one immutable tree plus value listeners. Writes are synchronous and
 * listeners fire synchronously, only where the value under their path actually changed.
 */
import type { Identity } from "./auth.js";
import { normalizeValue, parsePath, type StoredValue, valueAt, withValueAt } from "./tree.js";

export type ValueListener = (value: StoredValue) => void;
/** Sees every applied change, in order: the rules engine keeps its copy of the data with it. */
export type ChangeObserver = (segments: readonly string[], value: StoredValue) => void;

/** Who made a write: what database triggers are told, and whether they hear of it at all. */
export interface WriteOrigin {
  /** The namespace the writer addressed (its ?ns=), or null when it named none. */
  readonly namespace: string | null;
  readonly identity: Identity;
  /** False for bulk resets, which fire no triggers (like the Firestore emulator's reset). */
  readonly triggers: boolean;
}

/** One write as applied (a set, or a whole multi-path update): the trees before and after it. */
export interface AppliedWrite {
  readonly before: StoredValue;
  readonly after: StoredValue;
  /** The written paths; everything that changed is at, above or below one of them. */
  readonly paths: readonly (readonly string[])[];
  /** Undefined for a write no client made (firebase-server's own). */
  readonly origin: WriteOrigin | undefined;
  /** Milliseconds since the epoch, when the write was applied. */
  readonly time: number;
}
export type WriteObserver = (write: AppliedWrite) => void;

interface Subscription {
  readonly segments: readonly string[];
  readonly listener: ValueListener;
  lastValue: StoredValue;
}

export class RealtimeStore {
  private root: StoredValue = null;
  private readonly subscriptions = new Set<Subscription>();
  private readonly observers: ChangeObserver[] = [];
  private readonly writeObservers: WriteObserver[] = [];
  /**
   * The writer of whatever the store applies now. Operations run one at a time (the server's queue),
   * so the operation being handled sets it first and clears it when done.
   */
  origin: WriteOrigin | undefined;

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
    const changes = Object.entries(patch).map(([relative, value]): [string[], StoredValue] => [
      [...base, ...parsePath(relative)],
      normalizeValue(value),
    ]);
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

  /** Tells `observer` of every write once it is applied; returns the function that stops that. */
  observeWrites(observer: WriteObserver): () => void {
    this.writeObservers.push(observer);
    return () => {
      const index = this.writeObservers.indexOf(observer);
      if (index >= 0) this.writeObservers.splice(index, 1);
    };
  }

  private apply(changes: readonly (readonly [readonly string[], StoredValue])[]): void {
    const before = this.root;
    for (const [segments, value] of changes) {
      this.root = withValueAt(this.root, segments, value);
      for (const observer of this.observers) observer(segments, value);
    }
    if (this.writeObservers.length > 0 && this.root !== before) {
      const write: AppliedWrite = { before, after: this.root, paths: changes.map(([segments]) => segments), origin: this.origin, time: Date.now() };
      for (const observer of this.writeObservers) observer(write);
    }
    for (const subscription of this.subscriptions) {
      const current = valueAt(this.root, subscription.segments);
      if (current === subscription.lastValue) continue;
      subscription.lastValue = current;
      subscription.listener(current);
    }
  }
}
