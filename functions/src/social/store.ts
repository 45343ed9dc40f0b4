/** Where the social graph lives: its document references, block checks and block queries. */
import type { Query, Transaction } from "firebase-admin/firestore";
import { db, firestoreValues } from "../kernel/app.js";
import { Collections, userRef } from "../kernel/collections.js";

export const followingRef = (uid: string, target: string) => userRef(uid).collection(Collections.following).doc(target);
export const followerRef = (uid: string, follower: string) => userRef(uid).collection(Collections.followers).doc(follower);
/** blocks/{blocker}__{blocked}: exists while the block stands; either direction stops follows, gifts, transfers and PK. */
export const blockRef = (blockerUid: string, blockedUid: string) => db().collection(Collections.blocks).doc(`${blockerUid}__${blockedUid}`);
export const usernameRef = (lower: string) => db().collection(Collections.usernames).doc(lower);

/** Hot user documents (a popular host) take many counter writes: be generous with retries. */
export const GRAPH_TX_ATTEMPTS = 30;

/** The blocks `uid` made: blocks/{uid}__{blocked}, by id prefix (documents of any age, fields or not). */
export function blocksBy(uid: string): Query {
  const { FieldPath } = firestoreValues();
  return db().collection(Collections.blocks).where(FieldPath.documentId(), ">=", `${uid}__`).where(FieldPath.documentId(), "<", `${uid}__\uf8ff`);
}

/** True when either user blocks the other; read in `tx` when given, so a transaction sees a block it races. */
export async function isBlockedPair(a: string, b: string, tx?: Transaction): Promise<boolean> {
  const refs = [blockRef(a, b), blockRef(b, a)];
  const [ab, ba] = tx ? await tx.getAll(...refs) : await db().getAll(...refs);
  return Boolean(ab?.exists || ba?.exists);
}

/** For many candidates at once: the set of uids that stand in a block with `me`, either direction. */
export async function blockedAmong(me: string, uids: string[]): Promise<Set<string>> {
  const blocked = new Set<string>();
  if (uids.length === 0) return blocked;
  const refs = uids.flatMap((u) => [blockRef(me, u), blockRef(u, me)]);
  const snaps = await db().getAll(...refs);
  snaps.forEach((snap, i) => {
    if (snap.exists) blocked.add(uids[Math.floor(i / 2)] as string);
  });
  return blocked;
}
