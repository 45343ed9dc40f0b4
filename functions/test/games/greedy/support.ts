/** A small Greedy world: players with coins, a room they are in, and config/games. */
import { randomUUID } from "node:crypto";
import { placeGreedyBet, startGreedy } from "../../../src/games/greedy/callables.js";
import type { GreedyConfig } from "../../../src/games/greedy/config.js";
import type { PlaceGreedyBetResponse, StartGreedyResponse } from "../../../src/games/greedy/schema.js";
import { db, rtdb } from "../../../src/kernel/app.js";
import { clearConfigCaches } from "../../../src/kernel/config-document.js";
import { VenuePaths } from "../../../src/venues/paths.js";
import { callInProcess } from "../../support/callables.js";
import { createProfile, grantCoins, ledgerTotals } from "../../support/economy-world.js";
import { createTestUser, type TestUser } from "../../support/users.js";

export async function setGreedyConfig(greedy: Partial<GreedyConfig>): Promise<void> {
  await db().doc("config/games").set({ greedy });
  clearConfigCaches();
}

/** A player with a profile and `coins`, admitted to `roomId` (members/room_{roomId}/{uid}). */
export async function makePlayer(roomId: string, coins = 1_000_000): Promise<TestUser> {
  const user = await createTestUser();
  await createProfile(user.uid);
  if (coins > 0) await grantCoins(user.uid, coins);
  await enterRoom(roomId, user.uid);
  return user;
}

/** Several players, a few at a time (the Auth emulator refuses bursts of concurrent sign-ups now and then). */
export async function makePlayers(roomId: string, count: number, coins = 1_000_000): Promise<TestUser[]> {
  const players: TestUser[] = [];
  while (players.length < count) {
    const batch = Math.min(5, count - players.length);
    players.push(...(await Promise.all(Array.from({ length: batch }, () => makePlayer(roomId, coins)))));
  }
  return players;
}

export async function enterRoom(roomId: string, uid: string): Promise<void> {
  await rtdb()
    .ref(VenuePaths.member({ type: "room", id: roomId }, uid))
    .set({ role: "audience", at: Date.now() });
}

export async function leaveRoom(roomId: string, uid: string): Promise<void> {
  await rtdb()
    .ref(VenuePaths.member({ type: "room", id: roomId }, uid))
    .remove();
}

export function start(user: TestUser, roomId: string): Promise<StartGreedyResponse> {
  return callInProcess<StartGreedyResponse>(startGreedy, { user, data: { roomId } });
}

export function bet(user: TestUser, data: { roomId: string; roundId: string; itemId: string; chip: number; requestId?: string }) {
  return callInProcess<PlaceGreedyBetResponse>(placeGreedyBet, { user, data: { requestId: randomUUID(), ...data } });
}

/** Σ of the game escrow's entries over the round's ledger transactions (bets and settlement). */
export async function escrowOfRound(roundId: string): Promise<number> {
  const docs = (await db().collection("ledger").where("meta.roundId", "==", roundId).get()).docs;
  let sum = 0;
  for (const doc of docs) {
    for (const entry of doc.get("entries") as { account: string; amount: number }[]) if (entry.account === "system:game-escrow") sum += entry.amount;
  }
  return sum;
}

export { ledgerTotals };
