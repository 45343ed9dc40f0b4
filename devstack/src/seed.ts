/**
 * The demo world (emulator-data/*.json): loaded into a running stack, and exported back from one.
 * JSON rather than the emulators' binary export formats, so the demo world reviews well in git.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { App } from "firebase-admin/app";
import { getAuth } from "firebase-admin/auth";
import { type DocumentReference, type Firestore, getFirestore, Timestamp } from "firebase-admin/firestore";
import { callOverHttp, signInWithPassword } from "./smoke.js";
import type { StackEndpoints } from "./stack.js";

/** Every demo account's password (demo only: the accounts exist in the local stack alone). */
export const DEMO_PASSWORD = "demo-password";

/** The demo world's operations staff (emulator-data/auth.json), who sign in to the console. */
export const DEMO_STAFF = [
  { uid: "demo-admin", email: "admin@demo.live", role: "admin" },
  { uid: "demo-admin-2", email: "admin2@demo.live", role: "admin" },
  { uid: "demo-moderator", email: "mod@demo.live", role: "moderator" },
  { uid: "demo-support", email: "support@demo.live", role: "support" },
  { uid: "demo-finance", email: "finance@demo.live", role: "finance" },
] as const;

export interface SeedUser {
  uid: string;
  email?: string;
  password?: string;
  displayName?: string;
  emailVerified?: boolean;
  phoneNumber?: string;
  customClaims?: Record<string, unknown>;
}

export interface Seed {
  users: SeedUser[];
  documents: Record<string, Record<string, unknown>>;
  database: unknown;
}

export function readSeed(dir: string): Seed {
  const read = (name: string) => JSON.parse(readFileSync(join(dir, name), "utf8"));
  return { users: read("auth.json").users, documents: read("firestore.json"), database: read("database.json") };
}

/**
 * JSON → Firestore values, recursively: { "$timestamp": ISO } becomes a Timestamp, and so does
 * { "$hoursFromLoad": h }, `h` hours after `loadedAtMs` (what must be recent whenever the world is loaded,
 * such as a story and its 24-hour expiry).
 */
export function decodeValue(value: unknown, loadedAtMs = Date.now()): unknown {
  if (Array.isArray(value)) return value.map((item) => decodeValue(item, loadedAtMs));
  if (value && typeof value === "object") {
    const record = value as Record<string, unknown>;
    if (typeof record.$timestamp === "string" && Object.keys(record).length === 1) {
      return Timestamp.fromDate(new Date(record.$timestamp));
    }
    if (typeof record.$hoursFromLoad === "number" && Object.keys(record).length === 1) {
      return Timestamp.fromMillis(loadedAtMs + record.$hoursFromLoad * 3_600_000);
    }
    return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, decodeValue(v, loadedAtMs)]));
  }
  return value;
}

export function encodeValue(value: unknown): unknown {
  if (value instanceof Timestamp) return { $timestamp: value.toDate().toISOString() };
  if (Array.isArray(value)) return value.map(encodeValue);
  if (value && typeof value === "object" && "path" in value && "firestore" in value) {
    return { $ref: (value as DocumentReference).path };
  }
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, encodeValue(v)]));
  }
  return value;
}

async function ownerFetch(url: string, init: RequestInit = {}) {
  const response = await fetch(url, { ...init, headers: { authorization: "Bearer owner", "content-type": "application/json" } });
  if (!response.ok) throw new Error(`${init.method ?? "GET"} ${url}: ${response.status} ${await response.text()}`);
  return response;
}

export async function applySeed(app: App, endpoints: StackEndpoints, seed: Seed, loadedAtMs = Date.now()): Promise<void> {
  if (endpoints.auth) {
    const auth = getAuth(app);
    for (const user of seed.users) {
      const { customClaims, ...record } = user;
      await auth.createUser(record);
      if (customClaims) await auth.setCustomUserClaims(user.uid, customClaims);
    }
  }
  const firestore = getFirestore(app);
  const writer = firestore.bulkWriter();
  for (const [path, data] of Object.entries(seed.documents)) {
    void writer.set(firestore.doc(path), decodeValue(data, loadedAtMs) as Record<string, unknown>);
  }
  await writer.close();
  // triggers=off (the offline server's flag, as the stack's reset uses it): the tree already holds what
  // the database triggers wrote when it was made (venueIndex, absences), so loading it runs none again
  // and `npm run export` gives back the same tree.
  await ownerFetch(`http://${endpoints.database}/.json?ns=${endpoints.databaseNamespace}&triggers=off`, {
    method: "PUT",
    body: JSON.stringify(seed.database ?? null),
  });
}

export async function allDocuments(firestore: Firestore): Promise<Record<string, Record<string, unknown>>> {
  const documents: Record<string, Record<string, unknown>> = {};
  const visit = async (collections: FirebaseFirestore.CollectionReference[]) => {
    for (const collection of collections) {
      // listDocuments also finds "missing" parents that only hold subcollections.
      for (const ref of await collection.listDocuments()) {
        const snapshot = await ref.get();
        if (snapshot.exists) documents[ref.path] = encodeValue(snapshot.data()) as Record<string, unknown>;
        await visit(await ref.listCollections());
      }
    }
  };
  await visit(await firestore.listCollections());
  return Object.fromEntries(Object.entries(documents).sort(([a], [b]) => a.localeCompare(b)));
}

/** The Auth emulator keeps passwords in a fake hash that spells them out: "fakeHash:salt=...:password=...". */
function passwordFromFakeHash(hash: string | undefined): string | undefined {
  return hash?.match(/password=(.*)$/)?.[1];
}

export async function exportSeed(app: App, endpoints: StackEndpoints, dir: string): Promise<{ users: number; documents: number }> {
  const users: SeedUser[] = [];
  if (endpoints.auth) {
    let pageToken: string | undefined;
    do {
      const page = await getAuth(app).listUsers(1000, pageToken);
      for (const user of page.users) {
        users.push({
          uid: user.uid,
          email: user.email,
          password: passwordFromFakeHash(user.passwordHash),
          displayName: user.displayName,
          emailVerified: user.emailVerified,
          phoneNumber: user.phoneNumber,
          customClaims: user.customClaims,
        });
      }
      pageToken = page.pageToken;
    } while (pageToken);
  }
  const documents = await allDocuments(getFirestore(app));
  const database = await (await ownerFetch(`http://${endpoints.database}/.json?ns=${endpoints.databaseNamespace}`)).json();
  const write = (name: string, value: unknown) => writeFileSync(join(dir, name), `${JSON.stringify(value, null, 2)}\n`);
  write("auth.json", { users });
  write("firestore.json", documents);
  write("database.json", database);
  return { users: users.length, documents: Object.keys(documents).length };
}

/**
 * The console's demo work: Luna (KYC approved) asks to withdraw part of her diamonds, and Mia reports Noah's
 * account. Fixed request ids make a second load a replay.
 */
export const DEMO_WORK = {
  withdrawal: {
    uid: "demo-host-luna",
    email: "luna@demo.live",
    request: { diamonds: 200, payoutMethod: { type: "paypal", accountRef: "luna@paypal.demo" }, requestId: "demo-world-withdrawal-luna" },
  },
  report: {
    uid: "demo-viewer-mia",
    email: "mia@demo.live",
    request: {
      targetType: "user",
      targetId: "demo-viewer-noah",
      reason: "spam",
      details: "Sends the same link to everyone in the Lounge.",
      requestId: "demo-world-report-noah",
    },
  },
} as const;

/**
 * Makes the demo work over HTTP as the apps make it (a static seed would have to copy the ledger hold and
 * the report's fan-out by hand). Needs the Auth and functions emulators.
 */
export async function openDemoWork(endpoints: StackEndpoints): Promise<{ withdrawalId: string; reportId: string }> {
  if (!endpoints.auth || !endpoints.functions) throw new Error("the demo work needs the Auth and functions emulators");
  const results: string[] = [];
  for (const [name, work] of [
    ["requestWithdrawal", DEMO_WORK.withdrawal],
    ["reportContent", DEMO_WORK.report],
  ] as const) {
    const { idToken } = await signInWithPassword(endpoints.auth, work.email, DEMO_PASSWORD);
    const reply = await callOverHttp(endpoints, name, work.request, idToken);
    if (reply.status !== 200) throw new Error(`${name}: ${JSON.stringify(reply)}`);
    const result = reply.result as { withdrawalId?: string; reportId?: string };
    results.push(String(result.withdrawalId ?? result.reportId));
  }
  return { withdrawalId: results[0] as string, reportId: results[1] as string };
}
