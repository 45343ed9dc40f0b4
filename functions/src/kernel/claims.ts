/**
 * Custom claims by compare-and-set. Auth only offers "replace all claims", so two writers that each
 * read, change their key and write back (a VIP sync and a role demotion) can undo each other. Here the
 * claims live in customClaims/{uid} with a version: a change is staged in a Firestore transaction on
 * that document (serialised with every other change), then published to Auth. Publishing re-reads the
 * document until the version it wrote is still the newest, so the last committed claims always end in
 * Auth, whatever order the Auth writes happen in.
 */
import type { Transaction } from "firebase-admin/firestore";
import { auth, db, firestoreValues } from "./app.js";
import { Collections } from "./collections.js";
import { fingerprint } from "./idempotency.js";
import { runTransaction } from "./transactions.js";

export type Claims = Record<string, unknown>;

export interface ClaimsChange {
  before: Claims;
  after: Claims;
  changed: boolean;
}

interface StoredClaims {
  claims: Claims;
  version: number;
}

function claimsRef(uid: string) {
  return db().collection(Collections.customClaims).doc(uid);
}

async function currentAuthClaims(uid: string): Promise<Claims> {
  const user = await auth().getUser(uid);
  return { ...(user.customClaims ?? {}) };
}

/**
 * Inside a transaction (after its other reads, before its writes): applies `change` to the newest
 * claims and stages the result. An account's first change starts from the claims Auth holds (set at
 * sign-up by the blocking function, or by hand). Call publishClaims(uid) after the commit.
 */
export async function stageClaims(tx: Transaction, uid: string, change: (claims: Claims) => Claims): Promise<ClaimsChange> {
  const snapshot = await tx.get(claimsRef(uid));
  const stored = snapshot.exists ? (snapshot.data() as StoredClaims) : null;
  const before = stored ? { ...stored.claims } : await currentAuthClaims(uid);
  const after = change({ ...before });
  const changed = fingerprint(before) !== fingerprint(after);
  if (changed || !stored) {
    const { FieldValue } = firestoreValues();
    tx.set(claimsRef(uid), { claims: after, version: (stored?.version ?? 0) + 1, updatedAt: FieldValue.serverTimestamp() });
  }
  return { before, after, changed };
}

/** Makes Auth hold the newest staged claims (safe to call again: replays and crash recovery use it). */
export async function publishClaims(uid: string): Promise<void> {
  for (let published = -1; ; ) {
    const snapshot = await claimsRef(uid).get();
    if (!snapshot.exists) return;
    const { claims, version } = snapshot.data() as StoredClaims;
    if (version === published) return;
    await auth().setCustomUserClaims(uid, claims);
    published = version;
  }
}

/**
 * Changes the claims (compare-and-set) and publishes them. `read` runs first in the same transaction:
 * what the change depends on (a VIP membership) is then read in the same serialised step.
 */
export async function updateClaims<T = undefined>(
  uid: string,
  change: (claims: Claims, read: T) => Claims,
  read?: (tx: Transaction) => Promise<T>,
): Promise<ClaimsChange> {
  const outcome = await runTransaction(async (tx) => {
    const facts = (read ? await read(tx) : undefined) as T;
    return stageClaims(tx, uid, (claims) => change(claims, facts));
  });
  if (outcome.changed) await publishClaims(uid);
  return outcome;
}
