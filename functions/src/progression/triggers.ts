/**
 * Event-driven entry points of the progression domain: the ledger trigger (points, levels, rewards, ledger
 * badges) and the profile trigger (followers badge), each idempotent on its event id.
 */
import { onDocumentCreated, onDocumentUpdated } from "firebase-functions/v2/firestore";
import { Collections } from "../kernel/collections.js";
import { REGION } from "../kernel/config.js";
import { awardFollowersBadgeOnUpdate } from "./badges.js";
import { applyLedgerTransaction } from "./levels.js";
import { announceLevelUpsInVenue } from "./recognition.js";

export const onLedgerTransactionCreated = onDocumentCreated({ document: `${Collections.ledger}/{txId}`, region: REGION }, async (event) => {
  const ledger = event.data?.data();
  if (!ledger) return;
  const { levelUps } = await applyLedgerTransaction(event.id, event.params.txId, ledger);
  await announceLevelUpsInVenue(event.params.txId, ledger, levelUps);
});

export const onUserFollowersChanged = onDocumentUpdated({ document: `${Collections.users}/{uid}`, region: REGION }, async (event) => {
  await awardFollowersBadgeOnUpdate(event.id, event.params.uid, event.data?.before.data(), event.data?.after.data());
});
