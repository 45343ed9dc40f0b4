/** Social test fixtures: profiles written directly (no Auth round trip) and callers for in-process calls. */
import { randomUUID } from "node:crypto";
import { db } from "../../src/kernel/app.js";
import type { Role } from "../../src/kernel/roles.js";

export interface SocialUser {
  uid: string;
  callAuth: { uid: string; token: Record<string, unknown> };
}

export async function makeUser(fields: Record<string, unknown> = {}, roles: Role[] = []): Promise<SocialUser> {
  const uid = (fields.uid as string | undefined) ?? `s-${randomUUID().slice(0, 12)}`;
  await db()
    .collection("users")
    .doc(uid)
    .set({ uid, displayName: `User ${uid}`, photoURL: null, roles, createdAt: new Date(), ...fields });
  // auth_time: when the session signed in (kernel/account.ts compares it with revocations).
  return { uid, callAuth: { uid, token: { uid, sub: uid, roles, auth_time: Math.floor(Date.now() / 1000) } } };
}

type Tuple<N extends number, T, R extends T[] = []> = R["length"] extends N ? R : Tuple<N, T, [...R, T]>;

/** n users, typed as a tuple so tests can destructure them without non-null assertions. */
export async function makeUsers<N extends number>(n: N, fields: Record<string, unknown> = {}): Promise<Tuple<N, SocialUser>> {
  return (await Promise.all(Array.from({ length: n }, () => makeUser(fields)))) as Tuple<N, SocialUser>;
}

export async function counts(uid: string): Promise<{ followers: number; following: number }> {
  const data = (await db().collection("users").doc(uid).get()).data() ?? {};
  return { followers: data.followersCount ?? 0, following: data.followingCount ?? 0 };
}

export async function edgeCount(uid: string, sub: "followers" | "following"): Promise<number> {
  return (await db().collection("users").doc(uid).collection(sub).count().get()).data().count;
}
