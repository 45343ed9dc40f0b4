/** Where the social graph lives: its collections, document references and block checks. */
import type { DocumentReference } from "firebase-admin/firestore";
import { db } from "../kernel/app.js";
import { Collections } from "../kernel/collections.js";

/** usernames/{lowercase}: { uid, username } — the uniqueness claim of a username. */
export const USERNAMES = "usernames";
/** reports/{id}: the moderation queue. */
export const REPORTS = "reports";
/** users/{uid}/following/{target} and users/{target}/followers/{uid}: the two halves of a follow edge. */
export const FOLLOWING = "following";
export const FOLLOWERS = "followers";

export const userRef = (uid: string): DocumentReference => db().collection(Collections.users).doc(uid);
export const followingRef = (uid: string, target: string) => userRef(uid).collection(FOLLOWING).doc(target);
export const followerRef = (uid: string, follower: string) => userRef(uid).collection(FOLLOWERS).doc(follower);
/** Same id convention as gifts and reseller transfers: exists while the block stands. */
export const blockRef = (blockerUid: string, blockedUid: string) => db().collection(Collections.blocks).doc(`${blockerUid}__${blockedUid}`);
export const usernameRef = (lower: string) => db().collection(USERNAMES).doc(lower);

/** Hot user documents (a popular host) take many counter writes: be generous with retries. */
export const GRAPH_TX_ATTEMPTS = 30;

/** True when either user blocks the other (read outside a transaction). */
export async function isBlockedPair(a: string, b: string): Promise<boolean> {
  const [ab, ba] = await db().getAll(blockRef(a, b), blockRef(b, a));
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
