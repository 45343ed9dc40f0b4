/**
 * A host with many followers for fan-out tests and the bench: follower edges, profiles, preferences and
 * devices written in bulk, with what a go-live must do for each follower, by kind.
 */
import type { Firestore } from "firebase-admin/firestore";

/** What a go-live owes a follower: push to their tokens (or not, and why) and an inbox entry (or not). */
export type FollowerKind = "push" | "opted-out" | "quiet-hours" | "no-device" | "two-devices" | "no-inbox" | "arabic";
const KINDS: FollowerKind[] = ["push", "opted-out", "quiet-hours", "no-device", "two-devices", "no-inbox", "arabic", "push", "push", "push"];

export interface FanoutWorld {
  followerUids: string[];
  /** Tokens that must receive the go-live exactly once. */
  expectedTokens: Set<string>;
  /** Tokens that must receive nothing (push switched off, quiet hours). */
  silentTokens: Set<string>;
  /** Followers who must have the inbox entry, and those who switched the inbox off. */
  inboxUids: string[];
  noInboxUids: string[];
}

function clock(minuteOfDay: number): string {
  const m = ((minuteOfDay % 1440) + 1440) % 1440;
  return `${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`;
}

export async function seedFollowers(firestore: Firestore, hostUid: string, count: number, options: { prefix?: string } = {}): Promise<FanoutWorld> {
  const prefix = options.prefix ?? "f";
  const now = new Date();
  const minute = now.getUTCHours() * 60 + now.getUTCMinutes();
  // Quiet hours around now, in UTC, wide enough for any test run.
  const quietHours = { start: clock(minute - 120), end: clock(minute + 120), timeZone: "Etc/UTC" };
  const world: FanoutWorld = { followerUids: [], expectedTokens: new Set(), silentTokens: new Set(), inboxUids: [], noInboxUids: [] };
  const writer = firestore.bulkWriter();
  writer.onWriteError((error) => error.failedAttempts < 5);
  await firestore.doc(`users/${hostUid}`).set({ displayName: "Luna", language: "en" }, { merge: true });
  for (let index = 0; index < count; index++) {
    const kind = KINDS[index % KINDS.length] as FollowerKind;
    const uid = `${prefix}-${String(index).padStart(6, "0")}`;
    world.followerUids.push(uid);
    void writer.set(firestore.doc(`users/${hostUid}/followers/${uid}`), { createdAt: now });
    void writer.set(firestore.doc(`users/${uid}`), { displayName: uid, language: kind === "arabic" ? "ar" : "en", country: "IN" });
    if (kind === "opted-out") void writer.set(firestore.doc(`users/${uid}/private/notificationPrefs`), { types: { "go-live": { push: false } } });
    if (kind === "no-inbox") void writer.set(firestore.doc(`users/${uid}/private/notificationPrefs`), { types: { "go-live": { inbox: false } } });
    if (kind === "quiet-hours") void writer.set(firestore.doc(`users/${uid}/private/notificationPrefs`), { quietHours });
    (kind === "no-inbox" ? world.noInboxUids : world.inboxUids).push(uid);
    const devices = kind === "no-device" ? 0 : kind === "two-devices" ? 2 : 1;
    for (let device = 0; device < devices; device++) {
      const token = `tok-${uid}-${device}`;
      void writer.set(firestore.doc(`users/${uid}/devices/d${device}`), {
        deviceId: `d${device}`,
        platform: "android",
        fcmToken: token,
        lastSeenAt: now,
      });
      (kind === "opted-out" || kind === "quiet-hours" ? world.silentTokens : world.expectedTokens).add(token);
    }
  }
  await writer.close();
  return world;
}

/** Per token, how many messages reached it; with the tokens sent more than once and those never sent. */
export function countDeliveries(
  deliveredTo: string[][],
  world: FanoutWorld,
): { perToken: Map<string, number>; duplicates: number; missed: number; unexpected: number } {
  const perToken = new Map<string, number>();
  for (const tokens of deliveredTo) for (const token of tokens) perToken.set(token, (perToken.get(token) ?? 0) + 1);
  let duplicates = 0;
  let missed = 0;
  let unexpected = 0;
  for (const token of world.expectedTokens) {
    const times = perToken.get(token) ?? 0;
    if (times === 0) missed++;
    if (times > 1) duplicates += times - 1;
  }
  for (const token of perToken.keys()) if (!world.expectedTokens.has(token)) unexpected++;
  return { perToken, duplicates, missed, unexpected };
}
