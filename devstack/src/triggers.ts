/**
 * Event triggers without firebase-tools owning the emulators that raise the events (it refuses
 * Java < 21 for Firestore, and there is no RTDB emulator to download):
 *
 * - Firestore: the Firestore emulator delivers events to a relay under a stable trigger id.
 * - Realtime Database: the offline server reports every applied write; the events it makes for the
 *   loaded database triggers are posted from here (rtdb/events.ts shapes them).
 *
 * Both reach the functions emulator through one forwarder: firebase-tools suffixes event-trigger keys
 * with a generation number that grows on every hot reload, so the forwarder resolves the key again
 * whenever the functions emulator answers 404 with its list of valid keys. The stack keeps the
 * registrations in step with the loaded functions (their /backends listing).
 */
import { createServer, type Server } from "node:http";
import { freePort, readBody } from "./net.js";
import {
  CompiledDatabaseTrigger,
  DATABASE_EVENT_TYPES,
  type DatabaseCloudEvent,
  type DatabaseEventType,
  type DatabaseTrigger,
} from "./rtdb/events.js";
import type { AppliedWrite, WriteObserver } from "./rtdb/index.js";
import type { StorageCloudEvent, StorageEventListener } from "./storage/index.js";

export type { DatabaseTrigger };

export interface FirestoreTriggerDefinition {
  /** region-name, e.g. us-central1-onUserProfileCreated: stable across reloads. */
  id: string;
  eventType: string;
  database: string;
  namespace: string;
  document: string;
  matchType: "EXACT" | "PATH_PATTERN";
}

interface BackendTrigger {
  id: string;
  eventTrigger?: {
    eventType: string;
    eventFilters?: Record<string, string>;
    eventFilterPathPatterns?: Record<string, string>;
  };
}

/** A v2 Cloud Storage trigger: object events of one bucket. */
export interface StorageTrigger {
  id: string;
  eventType: string;
  bucket: string;
}

export interface EventTriggers {
  firestore: FirestoreTriggerDefinition[];
  database: DatabaseTrigger[];
  storage: StorageTrigger[];
}

function isDatabaseEventType(eventType: string): eventType is DatabaseEventType {
  return (DATABASE_EVENT_TYPES as readonly string[]).includes(eventType);
}

/** The v2 Firestore, Realtime Database and Cloud Storage triggers the functions emulator has loaded (its /backends listing). */
export async function listEventTriggers(functionsBaseUrl: string): Promise<EventTriggers> {
  const response = await fetch(`${functionsBaseUrl}/backends`);
  if (!response.ok) throw new Error(`functions emulator /backends: ${response.status}`);
  const { backends } = (await response.json()) as { backends: { functionTriggers: BackendTrigger[] }[] };
  const triggers: EventTriggers = { firestore: [], database: [], storage: [] };
  for (const trigger of backends.flatMap((b) => b.functionTriggers)) {
    const event = trigger.eventTrigger;
    if (!event) continue;
    if (event.eventType.startsWith("google.cloud.firestore.document.v1.")) {
      const pattern = event.eventFilterPathPatterns?.document;
      const exact = event.eventFilters?.document;
      triggers.firestore.push({
        id: trigger.id,
        eventType: event.eventType,
        database: event.eventFilters?.database ?? "(default)",
        namespace: event.eventFilters?.namespace ?? "(default)",
        document: (pattern ?? exact) as string,
        matchType: pattern ? "PATH_PATTERN" : "EXACT",
      });
    } else if (isDatabaseEventType(event.eventType)) {
      const ref = event.eventFilterPathPatterns?.ref ?? event.eventFilters?.ref;
      if (ref === undefined) continue;
      const instance = event.eventFilters?.instance ?? event.eventFilterPathPatterns?.instance ?? "*";
      triggers.database.push({ id: trigger.id, eventType: event.eventType, ref, instance });
    } else if (event.eventType.startsWith("google.cloud.storage.object.v1.")) {
      const bucket = event.eventFilters?.bucket;
      if (bucket) triggers.storage.push({ id: trigger.id, eventType: event.eventType, bucket });
    }
  }
  return triggers;
}

/** The v2 Firestore triggers the functions emulator has loaded. */
export async function listFirestoreTriggers(functionsBaseUrl: string): Promise<FirestoreTriggerDefinition[]> {
  return (await listEventTriggers(functionsBaseUrl)).firestore;
}

const VALID_KEYS = /valid functions are: (.*)$/s;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Posts events to the functions emulator under each trigger's current key. */
export class FunctionsForwarder {
  private readonly currentKey = new Map<string, string>();

  constructor(private readonly functionsBaseUrl: () => string | null) {}

  /** Delivers one event to the trigger `triggerId` (region-name) and returns the emulator's answer. */
  async post(projectId: string, triggerId: string, headers: Headers, body: Uint8Array<ArrayBuffer> | string): Promise<Response> {
    const base = this.functionsBaseUrl();
    if (!base) return new Response("functions emulator not running", { status: 503 });
    const send = (key: string) => fetch(`${base}/functions/projects/${projectId}/triggers/${key}`, { method: "POST", headers, body });
    const response = await send(this.currentKey.get(triggerId) ?? `${triggerId}-0`);
    if (response.status !== 404) return response;
    const listing = VALID_KEYS.exec(await response.text())?.[1] ?? "";
    const keyPattern = new RegExp(`^${escapeRegExp(triggerId)}-\\d+$`);
    const resolved = listing
      .split(",")
      .map((key) => key.trim())
      .find((key) => keyPattern.test(key));
    if (!resolved) return new Response(`no function ${triggerId} is loaded`, { status: 404 });
    this.currentKey.set(triggerId, resolved);
    return send(resolved);
  }
}

const TRIGGER_PATH = /^\/functions\/projects\/([^/]+)\/triggers\/([^/?]+)/;

export interface TriggerRelay {
  /** host:port to give the Firestore emulator as --functions_emulator. */
  address: string;
  close(): Promise<void>;
}

/** PUT ?enabled=false|true: drop Firestore events (bulk seeding), or deliver them again. */
export const RELAY_SWITCH_PATH = "/devstack/firestore-triggers";
/** Switching back on waits until no event has arrived for this long: the emulator's backlog from the seeding is dropped too. */
const RELAY_QUIET_MS = 2_000;
const RELAY_DRAIN_LIMIT_MS = 300_000;

/** The address the Firestore emulator delivers to: each event goes on to the functions emulator. */
export async function startTriggerRelay(options: {
  forwarder: FunctionsForwarder;
  host?: string;
  port?: number;
  log?: (line: string) => void;
}): Promise<TriggerRelay> {
  const host = options.host ?? "127.0.0.1";
  const port = options.port || (await freePort(host));
  const log = options.log ?? (() => {});

  let dropping = false;
  let dropped = 0;
  let lastEventAt = 0;

  async function switchTriggers(enabled: boolean): Promise<{ enabled: boolean; dropped: number }> {
    if (!enabled) {
      dropping = true;
      dropped = 0;
    } else if (dropping) {
      const deadline = Date.now() + RELAY_DRAIN_LIMIT_MS;
      while (Date.now() - lastEventAt < RELAY_QUIET_MS && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 200));
      dropping = false;
      log(`Firestore triggers on again (${dropped} events dropped while off)`);
    }
    return { enabled, dropped };
  }

  const server: Server = createServer(async (request, response) => {
    try {
      const url = new URL(request.url ?? "/", "http://relay.local");
      if (url.pathname === RELAY_SWITCH_PATH && request.method === "PUT") {
        const state = await switchTriggers(url.searchParams.get("enabled") !== "false");
        response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(state));
        return;
      }
      const match = TRIGGER_PATH.exec(request.url ?? "");
      if (!match) {
        response.writeHead(404).end();
        return;
      }
      const [, projectId, triggerId] = match as unknown as [string, string, string];
      const body = await readBody(request);
      if (dropping) {
        lastEventAt = Date.now();
        dropped++;
        response.writeHead(204).end();
        return;
      }
      const headers = new Headers();
      for (const [name, value] of Object.entries(request.headers)) {
        if (typeof value === "string" && name !== "host" && name !== "content-length") headers.set(name, value);
      }
      const upstream = await options.forwarder.post(projectId, triggerId, headers, new Uint8Array(body));
      response.writeHead(upstream.status, { "content-type": upstream.headers.get("content-type") ?? "text/plain" });
      response.end(Buffer.from(await upstream.arrayBuffer()));
    } catch (err) {
      log(`trigger relay error: ${String(err)}`);
      if (!response.headersSent) response.writeHead(502);
      response.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  return {
    address: `${host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Registers each trigger with the Firestore emulator under its stable id (delivered via the relay). */
export async function registerFirestoreTriggers(firestoreBaseUrl: string, projectId: string, triggers: FirestoreTriggerDefinition[]): Promise<void> {
  for (const trigger of triggers) {
    const response = await fetch(
      `${firestoreBaseUrl}/emulator/v1/projects/${projectId}/eventarcTrigger?eventarcTriggerId=${encodeURIComponent(trigger.id)}`,
      {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          eventType: trigger.eventType,
          database: trigger.database,
          namespace: trigger.namespace,
          document: { value: trigger.document, matchType: trigger.matchType },
        }),
      },
    );
    if (!response.ok) throw new Error(`registering trigger ${trigger.id}: ${response.status} ${await response.text()}`);
  }
}

export interface DatabaseTriggerOptions {
  /** The offline server's write feed (RtdbHandle.observeWrites). */
  observeWrites: (observer: WriteObserver) => () => void;
  /** The stack's namespace: only writes addressed to it (or to no namespace) fire triggers. */
  namespace: string;
  /** Where events go; tests may pass their own sender instead of the functions emulator. */
  deliver: (triggerId: string, event: DatabaseCloudEvent) => Promise<Response>;
  /**
   * Deliveries in flight at once (default 4): the functions emulator starts one worker process per
   * concurrent call, so a burst of 30 chat messages would otherwise start 30 of them.
   */
  maxInFlight?: number;
  log?: (line: string) => void;
}

export interface DatabaseTriggers {
  /** Replaces the triggers that writes are matched against (after a hot reload). */
  setTriggers(triggers: readonly DatabaseTrigger[]): void;
  readonly triggers: readonly DatabaseTrigger[];
  /** Resolves once every event raised so far has been delivered (or failed). */
  settled(): Promise<void>;
  stop(): void;
}

/** Posts a database event to the functions emulator in structured CloudEvents JSON. */
export function deliverDatabaseEvent(forwarder: FunctionsForwarder, projectId: string): DatabaseTriggerOptions["deliver"] {
  return (triggerId, event) =>
    forwarder.post(projectId, triggerId, new Headers({ "content-type": "application/cloudevents+json; charset=utf-8" }), JSON.stringify(event));
}

/**
 * Realtime Database triggers on the offline server: each applied write is matched against the loaded
 * triggers while it is applied (so before/after are exactly that write's), and the events are sent
 * afterwards without holding up the write. Events for one trigger and ref go one at a time, in write
 * order; a failing function or an unreachable emulator is logged, never reported to the writer.
 */
export function startDatabaseTriggers(options: DatabaseTriggerOptions): DatabaseTriggers {
  const log = options.log ?? (() => {});
  const maxInFlight = options.maxInFlight ?? 4;
  let compiled: CompiledDatabaseTrigger[] = [];
  let definitions: readonly DatabaseTrigger[] = [];
  const queues = new Map<string, Promise<void>>();
  const pending = new Set<Promise<void>>();
  let inFlight = 0;
  const waitingForSlot: (() => void)[] = [];

  /** A finished delivery hands its slot straight to the next waiting one. */
  const acquireSlot = async () => {
    if (inFlight < maxInFlight) inFlight++;
    else await new Promise<void>((resolve) => waitingForSlot.push(resolve));
  };
  const releaseSlot = () => {
    const next = waitingForSlot.shift();
    if (next) next();
    else inFlight--;
  };

  const send = async (triggerId: string, event: DatabaseCloudEvent) => {
    await acquireSlot();
    try {
      const response = await options.deliver(triggerId, event);
      if (!response.ok) log(`${triggerId} at /${event.ref}: ${response.status} ${(await response.text()).slice(0, 300)}`);
      else await response.arrayBuffer();
    } catch (err) {
      log(`${triggerId} at /${event.ref}: ${String(err)}`);
    } finally {
      releaseSlot();
    }
  };

  const enqueue = (triggerId: string, event: DatabaseCloudEvent) => {
    const queueKey = `${triggerId} ${event.ref}`;
    const delivery = (queues.get(queueKey) ?? Promise.resolve()).then(() => send(triggerId, event));
    queues.set(queueKey, delivery);
    pending.add(delivery);
    void delivery.then(() => {
      pending.delete(delivery);
      if (queues.get(queueKey) === delivery) queues.delete(queueKey);
    });
  };

  const onWrite = (write: AppliedWrite) => {
    const origin = write.origin;
    if (origin && !origin.triggers) return;
    const namespace = origin?.namespace ?? options.namespace;
    // Functions in the emulator get databaseURL https://<project>.firebaseio.com from firebase-tools
    // (it does not know this server), so their admin writes name the namespace "<project>": the same
    // database as "<project>-default-rtdb" here, and their writes must fire triggers like any other.
    if (namespace !== options.namespace && `${namespace}-default-rtdb` !== options.namespace) return;
    for (const trigger of compiled) {
      try {
        for (const event of trigger.eventsFor(write, options.namespace)) enqueue(trigger.definition.id, event);
      } catch (err) {
        log(`${trigger.definition.id}: could not compute events: ${String(err)}`);
      }
    }
  };
  const unsubscribe = options.observeWrites(onWrite);

  return {
    setTriggers(triggers) {
      definitions = [...triggers];
      compiled = definitions.map((definition) => new CompiledDatabaseTrigger(definition));
    },
    get triggers() {
      return definitions;
    },
    async settled() {
      while (pending.size > 0) await Promise.all([...pending]);
    },
    stop: unsubscribe,
  };
}

/**
 * Cloud Storage triggers on the stand-in: each object event goes to every loaded trigger of its type
 * and bucket, in structured CloudEvents JSON. Failures are logged, never reported to the uploader
 * (the upload has succeeded, as on Cloud Storage).
 */
export function startStorageTriggers(options: {
  onEvent: (listener: StorageEventListener) => () => void;
  deliver: (triggerId: string, event: StorageCloudEvent) => Promise<Response>;
  log?: (line: string) => void;
}) {
  const log = options.log ?? (() => {});
  let triggers: readonly StorageTrigger[] = [];
  const pending = new Set<Promise<void>>();
  const send = async (trigger: StorageTrigger, event: StorageCloudEvent) => {
    try {
      const response = await options.deliver(trigger.id, event);
      if (!response.ok) log(`${trigger.id} for ${event.subject}: ${response.status} ${(await response.text()).slice(0, 300)}`);
      else await response.arrayBuffer();
    } catch (err) {
      log(`${trigger.id} for ${event.subject}: ${String(err)}`);
    }
  };
  const unsubscribe = options.onEvent((event) => {
    const deliveries = triggers
      .filter((trigger) => trigger.eventType === event.type && trigger.bucket === event.data.bucket)
      .map((trigger) => {
        const delivery = send(trigger, event);
        pending.add(delivery);
        void delivery.then(() => pending.delete(delivery));
        return delivery;
      });
    return Promise.all(deliveries);
  });
  return {
    setTriggers(next: readonly StorageTrigger[]) {
      triggers = [...next];
    },
    get triggers() {
      return triggers;
    },
    async settled() {
      while (pending.size > 0) await Promise.all([...pending]);
    },
    stop: unsubscribe,
  };
}

export type StorageTriggers = ReturnType<typeof startStorageTriggers>;

/** Posts a storage event to the functions emulator in structured CloudEvents JSON. */
export function deliverStorageEvent(forwarder: FunctionsForwarder, projectId: string) {
  return (triggerId: string, event: StorageCloudEvent) =>
    forwarder.post(projectId, triggerId, new Headers({ "content-type": "application/cloudevents+json; charset=utf-8" }), JSON.stringify(event));
}
