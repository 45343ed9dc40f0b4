/**
 * Avatar frames and VIP days granted as rewards (ranking prizes, campaign tiers), written inside the
 * caller's transaction after its reads, so they are granted exactly when its record is created.
 */
import type { DocumentReference, DocumentSnapshot, Transaction } from "firebase-admin/firestore";
import { firestoreValues } from "../kernel/app.js";
import { Collections, userRef } from "../kernel/collections.js";
import { millisOf } from "../kernel/fields.js";
import { planVipChange, writeMembership } from "./vip/memberships.js";
import { activeVip } from "./vip/store.js";

const DAY_MS = 86_400_000;

export interface FrameGrant {
  frameId: string;
  /** 0: permanent. */
  days: number;
}

export interface VipGrant {
  tier: number;
  days: number;
}

export const frameRef = (uid: string, frameId: string): DocumentReference => userRef(uid).collection(Collections.frames).doc(frameId);

/** A frame's new expiry: permanent stays permanent; days extend from the later of now and the current expiry. */
export function frameExpiry(current: DocumentSnapshot | undefined, days: number, nowMs: number): number | null {
  if (current?.exists && current.get("expiresAt") === null) return null;
  if (days === 0) return null;
  const currentEnd = current?.exists ? (millisOf(current.get("expiresAt")) ?? 0) : 0;
  return Math.max(nowMs, currentEnd) + days * DAY_MS;
}

/** Writes users/{uid}/frames/{frameId}, extending the frame read as `current` in the same transaction. */
export function grantFrame(
  tx: Transaction,
  uid: string,
  frame: FrameGrant,
  current: DocumentSnapshot | undefined,
  source: string,
  nowMs: number,
): void {
  const { FieldValue, Timestamp } = firestoreValues();
  const expiresMs = frameExpiry(current, frame.days, nowMs);
  tx.set(frameRef(uid, frame.frameId), {
    frameId: frame.frameId,
    expiresAt: expiresMs === null ? null : Timestamp.fromMillis(expiresMs),
    source,
    grantedAt: FieldValue.serverTimestamp(),
  });
}

/**
 * Grants VIP days on the profile read in the same transaction: a member of a higher tier keeps theirs
 * ("kept-higher-tier"), otherwise the membership is new, extended or upgraded (its kind is returned).
 * The caller syncs the VIP claim after the commit (syncVipClaim).
 */
export function grantVipDays(
  tx: Transaction,
  uid: string,
  profile: DocumentSnapshot,
  vip: VipGrant,
  history: Parameters<typeof writeMembership>[3],
  nowMs: number,
): string {
  const held = activeVip(profile.data(), nowMs);
  if (held && held.tier > vip.tier) return "kept-higher-tier";
  const change = planVipChange(profile.data(), vip.tier, vip.days * DAY_MS, nowMs);
  writeMembership(tx, uid, change, history);
  return change.kind;
}
