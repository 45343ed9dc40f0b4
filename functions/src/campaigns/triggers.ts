/**
 * Event-driven entry points of the campaigns domain: progress from the ledger, once per transaction, and
 * from the authoritative records of rooms and game rounds, once per record.
 */
import { onDocumentCreated } from "firebase-functions/v2/firestore";
import { Collections } from "../kernel/collections.js";
import { REGION } from "../kernel/config.js";
import { millisOf } from "../kernel/fields.js";
import { applyActivityToCampaigns, applyLedgerToCampaigns } from "./progress.js";

export const onLedgerTransactionForCampaigns = onDocumentCreated(
  // Retried on failure: the count is idempotent by the transaction id, and a lost one is a user's lost progress.
  { document: `${Collections.ledger}/{txId}`, region: REGION, retry: true },
  async (event) => {
    const ledger = event.data?.data();
    if (ledger) await applyLedgerToCampaigns(event.params.txId, ledger);
  },
);

/** A room counts once for its owner's rooms-hosted goals, when it is created. */
export const onRoomCreatedForCampaigns = onDocumentCreated(
  { document: `${Collections.rooms}/{roomId}`, region: REGION, retry: true },
  async (event) => {
    const room = event.data?.data();
    const createdAtMs = millisOf(room?.createdAt);
    if (typeof room?.ownerUid !== "string" || createdAtMs === null) return;
    await applyActivityToCampaigns("rooms-hosted", `room:${event.params.roomId}`, [room.ownerUid], createdAtMs);
  },
);

/** A Greedy player's stake record is created at their first bet of a round: one game played per round, not per bet. */
export const onGreedyStakeCreatedForCampaigns = onDocumentCreated(
  { document: `${Collections.gameRounds}/{roundId}/${Collections.greedyStakes}/{uid}`, region: REGION, retry: true },
  async (event) => {
    const placedAt = event.data?.get("placedAt");
    if (!Number.isSafeInteger(placedAt)) return;
    const { roundId, uid } = event.params;
    await applyActivityToCampaigns("games-played", `greedy:${roundId}:${uid}`, [uid], placedAt as number);
  },
);

/** A Teen Patti hand is created when dealt, with the players who paid the boot: one game played each. */
export const onTeenPattiHandCreatedForCampaigns = onDocumentCreated(
  { document: `${Collections.gameHands}/{handId}`, region: REGION, retry: true },
  async (event) => {
    const hand = event.data?.data();
    const playerUids = hand?.playerUids;
    if (!Array.isArray(playerUids) || !Number.isSafeInteger(hand?.startedAt)) return;
    const uids = playerUids.filter((uid): uid is string => typeof uid === "string");
    await applyActivityToCampaigns("games-played", `teenpatti:${event.params.handId}`, uids, hand?.startedAt as number);
  },
);
