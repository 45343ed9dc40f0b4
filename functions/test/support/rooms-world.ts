/** A small voice-room world: users with profiles, rooms created through the callables, config and VIP set-up. */
import { randomUUID } from "node:crypto";
import { Timestamp } from "firebase-admin/firestore";
import type { HttpsError } from "firebase-functions/v2/https";
import { db, rtdb } from "../../src/kernel/app.js";
import type { Role } from "../../src/kernel/roles.js";
import { clearVipConfigCache } from "../../src/progression/vip/memberships.js";
import { createRoom, enterRoom } from "../../src/rooms/callables.js";
import { clearRoomsConfigCache } from "../../src/rooms/config.js";
import type { CreateRoomResponse, EnterRoomResponse, RoomsConfig, Seat } from "../../src/rooms/schema.js";
import { readSeats } from "../../src/rooms/seats.js";
import { clearEconomyConfigCache } from "../../src/wallet/config.js";
import { callInProcess } from "./callables.js";
import { createProfile } from "./economy-world.js";
import { createTestUser, type TestUser } from "./users.js";

// Media-token params have defaults for deploys, but in-process runs read only process.env (functions/.env
// does not list them): give them the same local values.
process.env.LIVEKIT_API_KEY ??= "devkey";
process.env.LIVEKIT_URL ??= "wss://media.example.invalid";
process.env.MEDIA_TOKEN_TTL_SECONDS ??= "300";

export { assertConservation, grantCoins, ledgerTotals } from "./economy-world.js";

export async function makeUser(options: { roles?: Role[]; profile?: Record<string, unknown> } = {}): Promise<TestUser> {
  const user = await createTestUser({ roles: options.roles });
  await createProfile(user.uid, options.profile ?? {});
  return user;
}

export async function makeUsers(count: number): Promise<TestUser[]> {
  return Promise.all(Array.from({ length: count }, () => makeUser()));
}

export async function setRoomsConfig(config: Partial<RoomsConfig>): Promise<void> {
  await db().doc("config/rooms").set(config);
  clearRoomsConfigCache();
}

/** An active VIP membership (default config/vip: tier 1 "sparkle", roomPriority 1). */
export async function makeVip(uid: string, tier = 1): Promise<void> {
  await db()
    .doc(`users/${uid}`)
    .update({ vip: { tier, expiresAt: Timestamp.fromMillis(Date.now() + 86_400_000) } });
  clearVipConfigCache();
}

export async function openRoom(owner: TestUser, data: Record<string, unknown> = {}): Promise<string> {
  const { room } = await callInProcess<CreateRoomResponse>(createRoom, { user: owner, data: { name: "Lounge", requestId: randomUUID(), ...data } });
  return room.id;
}

export function enter(user: TestUser, roomId: string, data: Record<string, unknown> = {}): Promise<EnterRoomResponse> {
  return callInProcess<EnterRoomResponse>(enterRoom, { user, data: { roomId, visitId: randomUUID(), ...data } });
}

export async function seatsOf(roomId: string): Promise<Seat[]> {
  return readSeats(roomId);
}

export async function occupants(roomId: string): Promise<(string | null)[]> {
  return (await seatsOf(roomId)).map((seat) => seat.uid ?? null);
}

export async function rtdbValue<T = unknown>(path: string): Promise<T | null> {
  return (await rtdb().ref(path).get()).val() as T | null;
}

/** Config documents are cached per instance; every test starts from the defaults. */
export function clearConfigCaches(): void {
  clearRoomsConfigCache();
  clearVipConfigCache();
  clearEconomyConfigCache();
}

/** The machine-readable reason services attach to refusals (details.reason). */
export function reasonOf(error: HttpsError): unknown {
  return (error.details as { reason?: unknown } | undefined)?.reason;
}
