/**
 * What firebase-server gets when it calls `require("firebase")`: the few calls of the namespaced
 * firebase SDK (v5-v7) it makes, backed by RealtimeStore. See compat.ts for why the real SDK is not used.
 */
import { RealtimeStore } from "./store.js";
import { type StoredValue, splitPath, toPlainValue } from "./tree.js";

export class ShimSnapshot {
  constructor(private readonly node: StoredValue) {}

  val(): unknown {
    return toPlainValue(this.node);
  }

  /** A private copy: firebase-server edits the object it gets here when it writes priorities. */
  exportVal(): StoredValue {
    return structuredClone(this.node);
  }
}

/**
 * Groups the store subscriptions made on behalf of one client connection by the listen that caused
 * them, so that they end with that listen (unlisten) or with the connection.
 */
export class ListenerScope {
  private currentListen = "";
  private readonly unsubscribersByListen = new Map<string, (() => void)[]>();

  /** Runs `register`, attributing the subscriptions it makes to `listenKey`. */
  collect(listenKey: string, register: () => void): void {
    this.currentListen = listenKey;
    try {
      register();
    } finally {
      this.currentListen = "";
    }
  }

  track(unsubscribe: () => void): void {
    const list = this.unsubscribersByListen.get(this.currentListen) ?? [];
    list.push(unsubscribe);
    this.unsubscribersByListen.set(this.currentListen, list);
  }

  release(listenKey: string): void {
    for (const unsubscribe of this.unsubscribersByListen.get(listenKey) ?? []) unsubscribe();
    this.unsubscribersByListen.delete(listenKey);
  }

  releaseAll(): void {
    for (const listenKey of [...this.unsubscribersByListen.keys()]) this.release(listenKey);
  }
}

export class ShimReference {
  constructor(
    readonly store: RealtimeStore,
    readonly path: string,
    private readonly scope?: ListenerScope,
  ) {}

  child(path: string): ShimReference {
    return new ShimReference(this.store, [...splitPath(this.path), ...splitPath(path)].join("/"), this.scope);
  }

  /** The same location, with listeners attributed to `scope`. */
  withScope(scope: ListenerScope): ShimReference {
    return new ShimReference(this.store, this.path, scope);
  }

  on(event: string, callback: (snapshot: ShimSnapshot) => void): typeof callback {
    if (event !== "value") throw new Error(`firebase shim: only "value" events are supported, not "${event}"`);
    const unsubscribe = this.store.subscribe(this.path, (node) => callback(new ShimSnapshot(node)));
    this.scope?.track(unsubscribe);
    return callback;
  }

  once(event: string, callback?: (snapshot: ShimSnapshot) => void): Promise<ShimSnapshot> {
    if (event !== "value") throw new Error(`firebase shim: only "value" events are supported, not "${event}"`);
    const snapshot = new ShimSnapshot(this.store.get(this.path));
    callback?.(snapshot);
    return Promise.resolve(snapshot);
  }

  set(value: unknown): Promise<void> {
    this.store.set(this.path, value);
    return Promise.resolve();
  }

  update(patch: Record<string, unknown>): Promise<void> {
    this.store.update(this.path, patch);
    return Promise.resolve();
  }
}

export class ShimDatabase {
  readonly store = new RealtimeStore();

  /** firebase-server takes its embedded SDK offline; there is no network here to begin with. */
  goOffline(): void {}

  ref(path = ""): ShimReference {
    return new ShimReference(this.store, path);
  }
}

export interface ShimApp {
  database(): ShimDatabase;
}

/** The module object firebase-server receives for `require("firebase")`. */
export function createFirebaseShim() {
  return {
    initializeApp(_config: unknown, _name?: string): ShimApp {
      const database = new ShimDatabase();
      return { database: () => database };
    },
    database: { ServerValue: { TIMESTAMP: { ".sv": "timestamp" } } },
  };
}
