/**
 * The follow graph and blocks. Every change is one transaction that reads the edges it may change
 * first, so a duplicate follow or a missing unfollow writes nothing, and counters move only with an
 * edge that actually appeared or disappeared: followersCount/followingCount stay exact under races.
 * Counters use increments, and the user documents are not read in the transaction, so thousands of
 * followers of one host contend only on their own edges, not on the host's document.
 */
import type { Transaction } from "firebase-admin/firestore";
import { db, firestoreValues } from "../kernel/app.js";
import { userRef } from "../kernel/collections.js";
import { fail } from "../kernel/errors.js";
import type { Caller } from "../kernel/guards.js";
import { log } from "../kernel/logger.js";
import { runTransaction } from "../kernel/transactions.js";
import { displayNameOf, notifyAfterCommit } from "../notifications/after-commit.js";
import { ensureProfile } from "./profile.js";
import type { BlockResponse, FollowResponse, TargetUserRequest } from "./schema.js";
import { blockRef, followerRef, followingRef, GRAPH_TX_ATTEMPTS } from "./store.js";

async function requireUsers(...uids: string[]): Promise<void> {
  const snaps = await db().getAll(...uids.map(userRef));
  if (snaps.some((s) => !s.exists)) fail("not-found", "No such user.");
}

/** Removes the edge from -> to if it exists (inside tx; reads already done by the caller). */
function removeEdge(tx: Transaction, from: string, to: string): void {
  const { FieldValue } = firestoreValues();
  tx.delete(followingRef(from, to));
  tx.delete(followerRef(to, from));
  tx.update(userRef(from), { followingCount: FieldValue.increment(-1) });
  tx.update(userRef(to), { followersCount: FieldValue.increment(-1) });
}

export async function follow(caller: Caller, { uid: target }: TargetUserRequest): Promise<FollowResponse> {
  const me = caller.uid;
  if (target === me) fail("failed-precondition", "You cannot follow yourself.");
  // Profiles are never deleted, so existence is checked outside the transaction (keeps hot docs unlocked).
  await Promise.all([ensureProfile(me), requireUsers(target)]);
  const changed = await runTransaction(
    async (tx) => {
      const [edge, blockedByMe, blockedMe] = await tx.getAll(followingRef(me, target), blockRef(me, target), blockRef(target, me));
      // The block documents are read here, so a concurrent block() serialises with this follow.
      if (blockedByMe?.exists || blockedMe?.exists) fail("permission-denied", "You cannot follow this user.");
      if (edge?.exists) return false;
      const { FieldValue } = firestoreValues();
      const now = FieldValue.serverTimestamp();
      tx.create(followingRef(me, target), { uid: target, createdAt: now });
      tx.create(followerRef(target, me), { uid: me, createdAt: now });
      tx.update(userRef(me), { followingCount: FieldValue.increment(1) });
      tx.update(userRef(target), { followersCount: FieldValue.increment(1) });
      return true;
    },
    { maxAttempts: GRAPH_TX_ATTEMPTS },
  );
  if (changed) {
    log.info("follow", { uid: me, target });
    await notifyFollowed(target, me);
  }
  return { changed };
}

/** One notice per follower per UTC day: unfollow/follow spam does not reach the followed user again. */
async function notifyFollowed(target: string, follower: string): Promise<void> {
  const day = new Date().toISOString().slice(0, 10);
  await notifyAfterCommit(async () => ({
    recipient: target,
    type: "follow",
    actorUid: follower,
    data: { followerUid: follower, followerName: await displayNameOf(follower) },
    dedupeKey: `${follower}:${day}`,
  }));
}

export async function unfollow(caller: Caller, { uid: target }: TargetUserRequest): Promise<FollowResponse> {
  const me = caller.uid;
  if (target === me) fail("failed-precondition", "You cannot unfollow yourself.");
  const changed = await runTransaction(
    async (tx) => {
      const edge = await tx.get(followingRef(me, target));
      if (!edge.exists) return false;
      removeEdge(tx, me, target);
      return true;
    },
    { maxAttempts: GRAPH_TX_ATTEMPTS },
  );
  if (changed) log.info("unfollow", { uid: me, target });
  return { changed };
}

/** Blocking severs the follow edges in both directions in the same transaction. */
export async function block(caller: Caller, { uid: target }: TargetUserRequest): Promise<BlockResponse> {
  const me = caller.uid;
  if (target === me) fail("failed-precondition", "You cannot block yourself.");
  await requireUsers(target);
  const changed = await runTransaction(
    async (tx) => {
      const [existing, mine, theirs] = await tx.getAll(blockRef(me, target), followingRef(me, target), followingRef(target, me));
      if (existing?.exists) return false;
      if (mine?.exists) removeEdge(tx, me, target);
      if (theirs?.exists) removeEdge(tx, target, me);
      const { FieldValue } = firestoreValues();
      tx.create(blockRef(me, target), { blockerUid: me, blockedUid: target, createdAt: FieldValue.serverTimestamp() });
      return true;
    },
    { maxAttempts: GRAPH_TX_ATTEMPTS },
  );
  if (changed) log.info("block", { uid: me, target });
  return { changed };
}

/** Lifts only the caller's own block; a block the other user placed stands. Edges are not restored. */
export async function unblock(caller: Caller, { uid: target }: TargetUserRequest): Promise<BlockResponse> {
  const me = caller.uid;
  const changed = await runTransaction(async (tx) => {
    const existing = await tx.get(blockRef(me, target));
    if (!existing.exists) return false;
    tx.delete(blockRef(me, target));
    return true;
  });
  if (changed) log.info("unblock", { uid: me, target });
  return { changed };
}
