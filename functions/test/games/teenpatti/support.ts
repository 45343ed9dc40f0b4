/**
 * A small Teen Patti world: funded players, config/games, tables created and filled through the
 * callables, the deal through the timer's step, and readers of the table, its dealer secrets, the hand
 * record and the ledger of one hand.
 */
import { randomUUID } from "node:crypto";
import { advanceTable } from "../../../src/games/teenpatti/actions.js";
import {
  createTeenPattiTable,
  leaveTable,
  requestSideShow,
  respondSideShow,
  seeCards,
  sitAtTable,
  teenPattiBet,
  teenPattiPack,
  teenPattiShow,
} from "../../../src/games/teenpatti/callables.js";
import type { TeenPattiActionResponse, TeenPattiConfig, TeenPattiTable } from "../../../src/games/teenpatti/schema.js";
import { dealerRef, readDealer, readTable, tableRef } from "../../../src/games/teenpatti/store.js";
import { db } from "../../../src/kernel/app.js";
import { clearConfigCaches } from "../../../src/kernel/config-document.js";
import { readBalances } from "../../../src/wallet/ledger.js";
import { callInProcess } from "../../support/callables.js";
import { createProfile, grantCoins } from "../../support/economy-world.js";
import { createTestUser, type TestUser } from "../../support/users.js";

export async function setTeenPattiConfig(fields: Partial<TeenPattiConfig>): Promise<void> {
  await db().doc("config/games").set({ teenPatti: fields });
  clearConfigCaches();
}

export async function fundedPlayers(count: number, coins = 10_000): Promise<TestUser[]> {
  const players = await Promise.all(Array.from({ length: count }, () => createTestUser()));
  await Promise.all(players.map((p) => createProfile(p.uid)));
  await Promise.all(players.map((p) => grantCoins(p.uid, coins)));
  return players;
}

export async function createTable(owner: TestUser, data: Record<string, unknown> = {}): Promise<string> {
  const response = await callInProcess<{ tableId: string }>(createTeenPattiTable, {
    user: owner,
    data: { bootAmount: 10, requestId: randomUUID(), ...data },
  });
  return response.tableId;
}

export const sit = (user: TestUser, tableId: string, seat?: number) =>
  callInProcess(sitAtTable, { user, data: { tableId, requestId: randomUUID(), ...(seat === undefined ? {} : { seat }) } });
export const leave = (user: TestUser, tableId: string) => callInProcess(leaveTable, { user, data: { tableId, requestId: randomUUID() } });
export const see = (user: TestUser, tableId: string, requestId = randomUUID()) =>
  callInProcess<{ handId: string; cards: string[] }>(seeCards, { user, data: { tableId, requestId } });
export const bet = (user: TestUser, tableId: string, amount: number, requestId = randomUUID()) =>
  callInProcess<TeenPattiActionResponse>(teenPattiBet, { user, data: { tableId, amount, requestId } });
export const pack = (user: TestUser, tableId: string, requestId = randomUUID()) =>
  callInProcess<TeenPattiActionResponse>(teenPattiPack, { user, data: { tableId, requestId } });
export const showdown = (user: TestUser, tableId: string) =>
  callInProcess<TeenPattiActionResponse>(teenPattiShow, { user, data: { tableId, requestId: randomUUID() } });
export const askSideShow = (user: TestUser, tableId: string) =>
  callInProcess<TeenPattiActionResponse>(requestSideShow, { user, data: { tableId, requestId: randomUUID() } });
export const answerSideShow = (user: TestUser, tableId: string, accept: boolean) =>
  callInProcess<TeenPattiActionResponse>(respondSideShow, { user, data: { tableId, accept, requestId: randomUUID() } });

export async function table(tableId: string): Promise<TeenPattiTable> {
  const read = readTable(await tableRef(tableId).get());
  if (!read) throw new Error(`no table ${tableId}`);
  return read;
}

export async function dealtCards(tableId: string): Promise<Record<string, string[]>> {
  return readDealer(await dealerRef(tableId).get()).cards;
}

/** Seats the players in order and deals (the timer's step, at the time the deal is due). */
export async function dealtTable(owner: TestUser, players: TestUser[], settings: Record<string, unknown> = {}): Promise<string> {
  const tableId = await createTable(owner, settings);
  for (const player of players) await sit(player, tableId);
  const due = (await table(tableId)).nextActionAt as number;
  await advanceTable(tableId, Math.max(due, Date.now()));
  return tableId;
}

/** The player whose turn it is. */
export async function turnOf(tableId: string, players: TestUser[]): Promise<TestUser> {
  const hand = (await table(tableId)).hand;
  const uid = hand?.players[hand.turn ?? -1]?.uid;
  const player = players.find((p) => p.uid === uid);
  if (!player) throw new Error(`nobody's turn at ${tableId}`);
  return player;
}

/** Σ of a hand's ledger entries per account (game.bet and game.payout postings, keyed by meta.handId). */
export async function handLedger(handId: string): Promise<{ byAccount: Map<string, number>; types: string[] }> {
  const docs = (await db().collection("ledger").where("meta.handId", "==", handId).get()).docs;
  const byAccount = new Map<string, number>();
  for (const doc of docs) {
    for (const entry of doc.get("entries") as { account: string; amount: number }[]) {
      byAccount.set(entry.account, (byAccount.get(entry.account) ?? 0) + entry.amount);
    }
  }
  return { byAccount, types: docs.map((d) => d.get("type") as string).sort() };
}

export const coinsOf = async (uid: string): Promise<number> => (await readBalances(`user:${uid}`)).coins;
