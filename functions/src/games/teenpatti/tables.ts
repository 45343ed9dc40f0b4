/**
 * Tables: creating one (its settings chosen within config/games bounds and fixed from then on), taking
 * a seat and leaving it. Two accounts that share a registered device (identity's devices registry) never
 * sit at one table.
 */
import type { Transaction } from "firebase-admin/firestore";
import { Collections, userRef } from "../../kernel/collections.js";
import { refuse } from "../../kernel/errors.js";
import type { Caller } from "../../kernel/guards.js";
import { runIdempotent } from "../../kernel/idempotency.js";
import { newServerSeed } from "../fairness/fairness.js";
import { afterChange } from "./actions.js";
import { teenPattiConfig } from "./config.js";
import type {
  CreateTeenPattiTableRequest,
  CreateTeenPattiTableResponse,
  LeaveTableResponse,
  SitAtTableRequest,
  SitAtTableResponse,
  TableRequest,
  TableSettings,
  TeenPattiConfig,
  TeenPattiRefusal,
  TeenPattiTable,
} from "./schema.js";
import { dealerRef, nextRev, readTable, tableIdFor, tableRef } from "./store.js";
import { leave, seatedUids, sit } from "./table.js";

const outOfBounds = (message: string): never => refuse<TeenPattiRefusal>("invalid-argument", "setting-out-of-bounds", message);

/** The table's settings: the request's choices inside the configured bounds, the house's rules as configured. */
export function tableSettings(request: CreateTeenPattiTableRequest, config: TeenPattiConfig): TableSettings {
  const boot = request.bootAmount;
  if (boot < config.minBoot || boot > config.maxBoot) outOfBounds(`The boot must be between ${config.minBoot} and ${config.maxBoot} coins.`);
  const potLimit = request.potLimit ?? boot * config.defaultPotLimitBoots;
  if (potLimit < boot * config.minPotLimitBoots || potLimit > boot * config.maxPotLimitBoots) {
    outOfBounds(`The pot limit must be between ${config.minPotLimitBoots} and ${config.maxPotLimitBoots} boots.`);
  }
  const maxBlindTurns = request.maxBlindTurns ?? config.defaultBlindTurns;
  if (maxBlindTurns < config.minBlindTurns || maxBlindTurns > config.maxBlindTurns) {
    outOfBounds(`Blind turns must be between ${config.minBlindTurns} and ${config.maxBlindTurns}.`);
  }
  const turnSeconds = request.turnSeconds ?? config.defaultTurnSeconds;
  if (turnSeconds < config.minTurnSeconds || turnSeconds > config.maxTurnSeconds) {
    outOfBounds(`The turn timer must be between ${config.minTurnSeconds} and ${config.maxTurnSeconds} seconds.`);
  }
  return {
    seats: request.seats ?? config.defaultSeats,
    bootAmount: boot,
    potLimit,
    maxBlindTurns,
    turnSeconds,
    a23Rank: request.a23Rank,
    rakePercent: config.rakePercent,
    seenMinMultiplier: config.seenMinMultiplier,
    seenMaxMultiplier: config.seenMaxMultiplier,
    maxStakeCoins: config.maxStakeCoins,
    sideShowSeconds: config.sideShowSeconds,
    betweenHandsSeconds: config.betweenHandsSeconds,
    potLimitForcesShow: config.potLimitForcesShow,
  };
}

async function requireEnabled(): Promise<TeenPattiConfig> {
  const config = await teenPattiConfig();
  if (!config.enabled) refuse<TeenPattiRefusal>("failed-precondition", "games-disabled", "Teen Patti is switched off.");
  return config;
}

export async function createTable(caller: Caller, request: CreateTeenPattiTableRequest): Promise<CreateTeenPattiTableResponse> {
  const settings = tableSettings(request, await requireEnabled());
  const { requestId, ...payload } = request;
  const tableId = tableIdFor(caller.uid, requestId);
  const now = Date.now();
  let created: TeenPattiTable | null = null;
  const { result } = await runIdempotent({ scope: "teenpatti.createTable", owner: caller.uid, key: requestId, payload }, async (tx) => {
    const seed = newServerSeed();
    const table: TeenPattiTable = {
      id: tableId,
      createdBy: caller.uid,
      settings,
      seats: Array.from({ length: settings.seats }, () => null),
      dealerSeat: -1,
      handCount: 0,
      hand: null,
      nextCommitment: seed.commitment,
      nextActionAt: null,
      rev: now,
      createdAt: now,
    };
    created = table;
    tx.create(tableRef(tableId), table);
    tx.create(dealerRef(tableId), { nextServerSeed: seed.serverSeed, handId: null, serverSeed: null, cards: {} });
    return { tableId, settings };
  });
  if (created) await afterChange(created, now);
  return result;
}

/** The registered device ids of an account. */
async function deviceIdsOf(tx: Transaction, uid: string): Promise<string[]> {
  const devices = await tx.get(userRef(uid).collection(Collections.devices).select());
  return devices.docs.map((doc) => doc.id);
}

export async function sitAtTable(caller: Caller, request: SitAtTableRequest): Promise<SitAtTableResponse> {
  await requireEnabled();
  const { requestId, ...payload } = request;
  const now = Date.now();
  let changed: TeenPattiTable | null = null;
  const { result } = await runIdempotent({ scope: "teenpatti.sit", owner: caller.uid, key: requestId, payload }, async (tx) => {
    const table = readTable(await tx.get(tableRef(request.tableId)));
    if (!table) return refuse<TeenPattiRefusal>("not-found", "no-table", "No such table.");
    const next = { ...sit(table, caller.uid, request.seat, now), rev: nextRev(table, now) };
    const mine = new Set(await deviceIdsOf(tx, caller.uid));
    for (const other of seatedUids(table)) {
      if (mine.size > 0 && (await deviceIdsOf(tx, other)).some((deviceId) => mine.has(deviceId))) {
        refuse<TeenPattiRefusal>("failed-precondition", "shared-device", "An account on one of your devices already sits at this table.");
      }
    }
    changed = next;
    tx.set(tableRef(request.tableId), next);
    return { tableId: request.tableId, seat: next.seats.indexOf(caller.uid) };
  });
  if (changed) await afterChange(changed, now);
  return result;
}

export async function leaveTable(caller: Caller, request: TableRequest): Promise<LeaveTableResponse> {
  const { requestId, ...payload } = request;
  const now = Date.now();
  let changed: TeenPattiTable | null = null;
  const { result } = await runIdempotent({ scope: "teenpatti.leave", owner: caller.uid, key: requestId, payload }, async (tx) => {
    const table = readTable(await tx.get(tableRef(request.tableId)));
    if (!table) return refuse<TeenPattiRefusal>("not-found", "no-table", "No such table.");
    const next = { ...leave(table, caller.uid, now), rev: nextRev(table, now) };
    changed = next;
    tx.set(tableRef(request.tableId), next);
    return { tableId: request.tableId, left: true };
  });
  if (changed) await afterChange(changed, now);
  return result;
}
