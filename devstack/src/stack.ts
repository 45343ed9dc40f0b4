/**
 * The local stack: Firestore (Google's emulator jar), the Realtime Database (official jar or our offline
 * server), Redis behind an Upstash REST bridge, and firebase-tools' Auth/Functions/Tasks emulators,
 * and a Cloud Storage stand-in (storage/), wired so that functions see every emulator and Firestore,
 * Realtime Database and Cloud Storage triggers fire (the latter two from our own servers), and the Hosting emulator
 * serves the operations console (console/dist). One implementation serves
 * `npm start` (fixed ports, seeded demo world) and the tests (free ports, empty data).
 */
import { mkdirSync, readFileSync, rmSync, watch, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type FcmStandIn, startFcmStandIn } from "./fcm/server.js";
import { type FirebaseEmulators, startFirebaseEmulators } from "./firebase-emulators.js";
import { type FirestoreHandle, startFirestore } from "./firestore.js";
import { freePort, portIsFree } from "./net.js";
import { DEV_PORTS, type StackPorts } from "./ports.js";
import { findRedisServer, type RedisHandle, startRedis } from "./redis/index.js";
import { type RtdbHandle, startRtdb } from "./rtdb/index.js";
import { type SmtpCatcher, startSmtpCatcher } from "./smtp/catcher.js";
import { type StorageHandle, startStorage } from "./storage/index.js";
import { ensureFirestoreJar, ensureJava, ensureRedisServer } from "./system.js";
import {
  type DatabaseTriggers,
  deliverDatabaseEvent,
  deliverStorageEvent,
  FunctionsForwarder,
  listEventTriggers,
  RELAY_SWITCH_PATH,
  registerFirestoreTriggers,
  startDatabaseTriggers,
  startStorageTriggers,
  startTriggerRelay,
  type TriggerRelay,
} from "./triggers.js";

export const REDIS_REST_TOKEN = "local-dev-token";

/**
 * Local stand-ins for the functions' secrets (never real keys): a developer can post signed test
 * events to the emulated webhooks with them (README › Payments locally).
 */
export const LOCAL_SECRETS = {
  REVENUECAT_WEBHOOK_AUTH: "Bearer local-revenuecat-webhook",
  STRIPE_SECRET_KEY: "sk_test_local_offline",
  STRIPE_WEBHOOK_SECRET: "whsec_local_offline",
  /** 32 bytes, base64: "KYC-test-key-not-for-production!". */
  KYC_ENCRYPTION_KEY: "S1lDLXRlc3Qta2V5LW5vdC1mb3ItcHJvZHVjdGlvbiE=",
  /** LiveKit's dev-mode secret (livekit-server --dev uses devkey/secret); at least 32 chars. */
  LIVEKIT_API_SECRET: "local-livekit-secret-not-for-production",
  /** The SMTP catcher takes any login. */
  SMTP_PASSWORD: "local-smtp-password",
};

/** Sender of the e-mail the local stack's functions send (to the SMTP catcher). */
export const LOCAL_MAIL_FROM = "Local Notifications <no-reply@demo.live>";

export interface StackOptions {
  rootDir: string;
  projectId: string;
  /** "fixed": the ports in ports.ts (the developer stack); "free": any free ports (tests). */
  ports: "fixed" | "free";
  /** Start firebase-tools' auth/functions/tasks emulators (needs functions/lib built). */
  functions: boolean;
  /** Re-push firestore.rules / database.rules.json when they change. */
  watchRules?: boolean;
  log?: (source: string, line: string) => void;
}

/** What a client (test, script, app) needs to reach the stack; also written to .devstack/<project>.json. */
export interface StackEndpoints {
  projectId: string;
  pid: number;
  firestore: string;
  database: string;
  databaseNamespace: string;
  databaseKind: "official" | "offline";
  redisRestUrl: string;
  redisRestToken: string;
  auth: string | null;
  functions: string | null;
  tasks: string | null;
  /** host:port of the trigger relay (null without the functions emulator). */
  triggerRelay: string | null;
  /** host:port of the FCM stand-in (HTTP v1 sends, Instance ID topics; control API under /control). */
  fcm: string;
  /** host:port of the SMTP catcher. */
  smtp: string;
  /** http://host:port of the SMTP catcher's control API (GET/DELETE /messages). */
  mailControl: string;
  /** The Cloud Storage stand-in, http://host:port (STORAGE_EMULATOR_HOST). */
  storage: string | null;
  /** The service-account credential the functions sign upload URLs with locally (storage/README.md). */
  storageSignerCredentials: string | null;
  /** http://host:port of the operations console (the Hosting emulator; null without the functions emulator). */
  console: string | null;
}

export interface Stack {
  endpoints: StackEndpoints;
  /** Environment variables that point SDKs (admin, functions code) at this stack. */
  env: Record<string, string>;
  firestore: FirestoreHandle;
  rtdb: RtdbHandle;
  redis: RedisHandle;
  fcm: FcmStandIn;
  smtp: SmtpCatcher;
  storage: StorageHandle;
  firebase: FirebaseEmulators | null;
  /** The Realtime Database triggers being delivered (offline RTDB server with functions), else null. */
  databaseTriggers: DatabaseTriggers | null;
  /** Empties Firestore, the RTDB, Redis and (if running) Auth. */
  reset(): Promise<void>;
  stop(): Promise<void>;
}

export function databaseNamespace(projectId: string): string {
  return `${projectId}-default-rtdb`;
}

async function choosePorts(kind: "fixed" | "free"): Promise<StackPorts> {
  if (kind === "free") {
    const entries = await Promise.all(Object.keys(DEV_PORTS).map(async (k) => [k, await freePort()] as const));
    return Object.fromEntries(entries) as StackPorts;
  }
  const busy: string[] = [];
  for (const [name, port] of Object.entries(DEV_PORTS)) {
    if (!(await portIsFree(port))) busy.push(`${name} ${port}`);
  }
  if (busy.length) {
    throw new Error(`Ports in use: ${busy.join(", ")}. Is another local stack running? Stop it first (Ctrl-C in its terminal).`);
  }
  return { ...DEV_PORTS };
}

export function stackStatePath(rootDir: string, projectId: string): string {
  return join(rootDir, ".devstack", `${projectId}.json`);
}

/** The endpoints of a stack started by another process, if it is still alive. */
export function readRunningStack(rootDir: string, projectId: string): StackEndpoints | null {
  try {
    const state = JSON.parse(readFileSync(stackStatePath(rootDir, projectId), "utf8")) as StackEndpoints;
    process.kill(state.pid, 0);
    return state;
  } catch {
    return null;
  }
}

/** The RTDB namespace a project's code addresses on a stack: the stack's own, or that project's default. */
function namespaceFor(endpoints: StackEndpoints, projectId: string): string {
  return projectId === endpoints.projectId ? endpoints.databaseNamespace : databaseNamespace(projectId);
}

/**
 * Variables that point the Admin SDK and the functions' code at a stack. `projectId` may differ from
 * the stack's: tests that run functions in-process use their own project (and its RTDB namespace), so
 * the emulator-hosted triggers (registered for the stack's project and namespace) do not fire on their
 * writes. The offline RTDB server keeps one tree for all namespaces: only the triggers tell them apart.
 */
export function envFor(endpoints: StackEndpoints, projectId = endpoints.projectId): Record<string, string> {
  const env: Record<string, string> = {
    GCLOUD_PROJECT: projectId,
    GOOGLE_CLOUD_PROJECT: projectId,
    FIREBASE_CONFIG: JSON.stringify({
      projectId,
      databaseURL: `http://${endpoints.database}?ns=${namespaceFor(endpoints, projectId)}`,
      storageBucket: `${projectId}.appspot.com`,
    }),
    FIRESTORE_EMULATOR_HOST: endpoints.firestore,
    FIREBASE_DATABASE_EMULATOR_HOST: endpoints.database,
    UPSTASH_REDIS_REST_URL: endpoints.redisRestUrl,
    UPSTASH_REDIS_REST_TOKEN: endpoints.redisRestToken,
    FCM_STANDIN_HOST: endpoints.fcm,
    ...smtpParams(endpoints),
  };
  if (endpoints.auth) env.FIREBASE_AUTH_EMULATOR_HOST = endpoints.auth;
  if (endpoints.tasks) env.CLOUD_TASKS_EMULATOR_HOST = endpoints.tasks;
  if (endpoints.storage) env.STORAGE_EMULATOR_HOST = endpoints.storage;
  if (endpoints.storageSignerCredentials) env.STORAGE_EMULATOR_SIGNER_CREDENTIALS = endpoints.storageSignerCredentials;
  return env;
}

/**
 * Switches Firestore triggers off (the relay drops every event) or on again, for bulk seeding
 * (benchmarks, large fixtures). Switching on waits until the Firestore emulator has handed over its
 * backlog of the seeding's events (none for 2 s), so none of them reaches a function later.
 */
export async function setFirestoreTriggers(endpoints: StackEndpoints, enabled: boolean): Promise<void> {
  if (!endpoints.triggerRelay) throw new Error("no trigger relay: the stack runs without the functions emulator");
  const response = await fetch(`http://${endpoints.triggerRelay}${RELAY_SWITCH_PATH}?enabled=${enabled}`, { method: "PUT" });
  if (!response.ok) throw new Error(`switching Firestore triggers: ${response.status} ${await response.text()}`);
}

/** The functions' SMTP params that point them at the stack's SMTP catcher. */
function smtpParams(endpoints: StackEndpoints): Record<string, string> {
  const at = endpoints.smtp.lastIndexOf(":");
  return { SMTP_HOST: endpoints.smtp.slice(0, at), SMTP_PORT: endpoints.smtp.slice(at + 1), MAIL_FROM: LOCAL_MAIL_FROM };
}

/** Empties every store of a stack through its endpoints (works for a stack run by another process). */
export async function resetEndpoints(endpoints: StackEndpoints, projectId = endpoints.projectId): Promise<void> {
  const expectOk = (what: string) => async (response: Response) => {
    if (!response.ok) throw new Error(`${what} reset failed: ${response.status} ${await response.text()}`);
  };
  const resets = [
    fetch(`http://${endpoints.firestore}/emulator/v1/projects/${projectId}/databases/(default)/documents`, { method: "DELETE" }).then(
      expectOk("Firestore"),
    ),
    // triggers=off: a reset, like the Firestore emulator's, fires no triggers (the offline server's flag).
    fetch(`http://${endpoints.database}/.json?ns=${namespaceFor(endpoints, projectId)}&triggers=off`, {
      method: "PUT",
      headers: { authorization: "Bearer owner" },
      body: "null",
    }).then(expectOk("Realtime Database")),
    fetch(endpoints.redisRestUrl, {
      method: "POST",
      headers: { authorization: `Bearer ${endpoints.redisRestToken}` },
      body: JSON.stringify(["FLUSHALL"]),
    }).then(expectOk("Redis")),
    fetch(`http://${endpoints.fcm}/control/reset`, { method: "POST" }).then(expectOk("FCM stand-in")),
    fetch(`${endpoints.mailControl}/messages`, { method: "DELETE" }).then(expectOk("SMTP catcher")),
  ];
  if (endpoints.storage) resets.push(fetch(`${endpoints.storage}/_emulator/objects`, { method: "DELETE" }).then(expectOk("Storage")));
  if (endpoints.auth) {
    resets.push(fetch(`http://${endpoints.auth}/emulator/v1/projects/${projectId}/accounts`, { method: "DELETE" }).then(expectOk("Auth")));
  }
  await Promise.all(resets);
}

export async function startStack(options: StackOptions): Promise<Stack> {
  const log = options.log ?? (() => {});
  const say = (source: string) => (line: string) => log(source, line);
  const java = ensureJava(say("stack"));
  const firestoreJar = ensureFirestoreJar(say("stack"));
  const redisServerPath = ensureRedisServer(findRedisServer, say("stack"));
  const ports = await choosePorts(options.ports);
  const host = "127.0.0.1";
  const stoppers: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stoppers.splice(0).reverse()) await stop().catch((err) => log("stack", `stop: ${String(err)}`));
  };

  try {
    let firebase: FirebaseEmulators | null = null;
    let databaseTriggers: DatabaseTriggers | null = null;
    let relay: TriggerRelay | null = null;
    const forwarder = new FunctionsForwarder(() => firebase?.functionsBaseUrl ?? null);
    if (options.functions) {
      relay = await startTriggerRelay({ forwarder, port: ports.triggerRelay, log: say("triggers") });
      stoppers.push(() => relay?.close() ?? Promise.resolve());
    }
    const [firestore, rtdb, redis, fcm, smtp, storage] = await Promise.all([
      startFirestore({ java: java.bin, jar: firestoreJar, host, port: ports.firestore, functionsEmulator: relay?.address, log: say("firestore") }),
      startRtdb({
        host,
        port: ports.database,
        namespace: databaseNamespace(options.projectId),
        rulesPath: join(options.rootDir, "database.rules.json"),
        java: java.bin,
        log: say("database"),
      }),
      startRedis({ host, redisPort: ports.redis, bridgePort: ports.redisRest, token: REDIS_REST_TOKEN, redisServerPath, log: say("redis") }),
      startFcmStandIn({ host, port: ports.fcm, log: say("fcm") }),
      startSmtpCatcher({ host, smtpPort: ports.smtp, controlPort: ports.mailControl, log: say("mail") }),
      startStorage({
        projectId: options.projectId,
        host,
        port: ports.storage,
        signerCredentialsPath: join(options.rootDir, ".devstack", options.projectId, `storage-signer-${process.pid}.json`),
        log: say("storage"),
      }),
    ]);
    stoppers.push(
      () => firestore.stop(),
      () => rtdb.stop(),
      () => redis.stop(),
      () => fcm.close(),
      () => smtp.close(),
      () => storage.stop(),
    );

    const firestoreRulesPath = join(options.rootDir, "firestore.rules");
    await firestore.setRules(options.projectId, readFileSync(firestoreRulesPath, "utf8"));

    const endpoints: StackEndpoints = {
      projectId: options.projectId,
      pid: process.pid,
      firestore: firestore.emulatorHost,
      database: rtdb.emulatorHost,
      databaseNamespace: rtdb.namespace,
      databaseKind: rtdb.kind,
      redisRestUrl: redis.restUrl,
      redisRestToken: redis.restToken,
      auth: null,
      functions: null,
      tasks: null,
      triggerRelay: relay?.address ?? null,
      fcm: fcm.host,
      smtp: `${smtp.smtpHost}:${smtp.smtpPort}`,
      mailControl: smtp.url,
      storage: storage.url,
      storageSignerCredentials: storage.signerCredentialsPath,
      console: null,
    };

    if (options.functions) {
      const functionPorts = {
        auth: ports.auth,
        functions: ports.functions,
        tasks: ports.tasks,
        hub: ports.hub,
        logging: ports.logging,
        hosting: ports.hosting,
      };
      endpoints.auth = `${host}:${ports.auth}`;
      endpoints.tasks = `${host}:${ports.tasks}`;
      const env = envFor(endpoints);
      firebase = await startFirebaseEmulators({
        rootDir: options.rootDir,
        projectId: options.projectId,
        host,
        ports: functionPorts,
        env,
        // Params without a value in functions/.env* make firebase-tools prompt (and write .env.local).
        params: { UPSTASH_REDIS_REST_URL: redis.restUrl, ...smtpParams(endpoints) },
        secrets: { UPSTASH_REDIS_REST_TOKEN: redis.restToken, ...LOCAL_SECRETS },
        hosting: {
          consoleDist: join(options.rootDir, "console", "dist"),
          consoleEnv: {
            projectId: options.projectId,
            // The Auth emulator accepts any key; the SDK only requires one.
            apiKey: "local-emulator-key",
            region: "us-central1",
            authEmulatorUrl: `http://${endpoints.auth}`,
            functionsEmulator: { host, port: ports.functions },
          },
        },
        log: say("functions"),
      });
      stoppers.push(() => firebase?.stop() ?? Promise.resolve());
      endpoints.functions = firebase.functionsHost;
      endpoints.console = firebase.hostingUrl;
      const loaded = await listEventTriggers(firebase.functionsBaseUrl);
      await registerFirestoreTriggers(firestore.baseUrl, options.projectId, loaded.firestore);
      if (rtdb.observeWrites) {
        const started = startDatabaseTriggers({
          observeWrites: rtdb.observeWrites,
          namespace: rtdb.namespace,
          deliver: deliverDatabaseEvent(forwarder, options.projectId),
          log: say("triggers"),
        });
        started.setTriggers(loaded.database);
        if (loaded.database.length > 0)
          log("triggers", `delivering ${loaded.database.length} Realtime Database trigger(s) from the offline RTDB server`);
        stoppers.push(async () => started.stop());
        databaseTriggers = started;
      } else if (loaded.database.length > 0) {
        log("triggers", `${loaded.database.length} Realtime Database trigger(s) will not fire: only the offline RTDB server delivers them`);
      }
      const storageTriggers = startStorageTriggers({
        onEvent: (listener) => storage.onEvent(listener),
        deliver: deliverStorageEvent(forwarder, options.projectId),
        log: say("triggers"),
      });
      storageTriggers.setTriggers(loaded.storage);
      stoppers.push(async () => storageTriggers.stop());
      if (options.watchRules) {
        // Functions hot-reload when functions/lib changes; keep trigger registrations in step.
        const functionsBaseUrl = firebase.functionsBaseUrl;
        let registeredFirestore = JSON.stringify(loaded.firestore);
        let registeredDatabase = JSON.stringify(loaded.database);
        let registeredStorage = JSON.stringify(loaded.storage);
        const timer = setInterval(async () => {
          try {
            const triggers = await listEventTriggers(functionsBaseUrl);
            const firestoreSignature = JSON.stringify(triggers.firestore);
            if (firestoreSignature !== registeredFirestore) {
              await registerFirestoreTriggers(firestore.baseUrl, options.projectId, triggers.firestore);
              log("triggers", `re-registered ${triggers.firestore.length} Firestore trigger(s)`);
              registeredFirestore = firestoreSignature;
            }
            const databaseSignature = JSON.stringify(triggers.database);
            if (databaseTriggers && databaseSignature !== registeredDatabase) {
              databaseTriggers.setTriggers(triggers.database);
              log("triggers", `now delivering ${triggers.database.length} Realtime Database trigger(s)`);
              registeredDatabase = databaseSignature;
            }
            const storageSignature = JSON.stringify(triggers.storage);
            if (storageSignature !== registeredStorage) {
              storageTriggers.setTriggers(triggers.storage);
              log("triggers", `now delivering ${triggers.storage.length} Cloud Storage trigger(s)`);
              registeredStorage = storageSignature;
            }
          } catch {
            // functions emulator mid-reload: next tick
          }
        }, 3000);
        stoppers.push(async () => clearInterval(timer));
      }
    }

    if (options.watchRules) {
      const watchFile = (path: string, apply: (text: string) => Promise<void>, label: string) => {
        let pending: NodeJS.Timeout | undefined;
        const watcher = watch(path, () => {
          clearTimeout(pending);
          pending = setTimeout(() => {
            apply(readFileSync(path, "utf8"))
              .then(() => log("rules", `reloaded ${label}`))
              .catch((err) => log("rules", `${label} rejected: ${String(err)}`));
          }, 200);
        });
        stoppers.push(async () => watcher.close());
      };
      watchFile(firestoreRulesPath, (text) => firestore.setRules(options.projectId, text), "firestore.rules");
      watchFile(join(options.rootDir, "database.rules.json"), (text) => rtdb.setRules(text), "database.rules.json");
    }

    const statePath = stackStatePath(options.rootDir, options.projectId);
    mkdirSync(join(options.rootDir, ".devstack"), { recursive: true });
    writeFileSync(statePath, JSON.stringify(endpoints, null, 2));
    stoppers.unshift(async () => rmSync(statePath, { force: true }));

    return {
      endpoints,
      env: envFor(endpoints),
      firestore,
      rtdb,
      redis,
      fcm,
      smtp,
      storage,
      firebase,
      databaseTriggers,
      reset: () => resetEndpoints(endpoints),
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
