/**
 * Entry points of the progression domain (deployable exports; the lead wires them in index.ts):
 * the ledger trigger (points, levels, rewards, ledger badges), the profile trigger (followers badge),
 * and the listMyProgression callable. Triggers are idempotent on their event ids.
 */
import { onDocumentCreated, onDocumentUpdated } from "firebase-functions/v2/firestore";
import { defineCallable } from "../kernel/callable.js";
import { Collections } from "../kernel/collections.js";
import { REGION } from "../kernel/config.js";
import { awardFollowersBadgeOnUpdate } from "./badges.js";
import { applyLedgerTransaction, readMyProgression } from "./levels.js";
import { ListMyProgressionRequestSchema } from "./schema.js";

export const onLedgerTransactionCreated = onDocumentCreated({ document: `${Collections.ledger}/{txId}`, region: REGION }, async (event) => {
  const ledger = event.data?.data();
  if (!ledger) return;
  await applyLedgerTransaction(event.id, event.params.txId, ledger);
});

export const onUserFollowersChanged = onDocumentUpdated({ document: `${Collections.users}/{uid}`, region: REGION }, async (event) => {
  await awardFollowersBadgeOnUpdate(event.id, event.params.uid, event.data?.before.data(), event.data?.after.data());
});

export const listMyProgression = defineCallable({
  name: "progression.listMine",
  input: ListMyProgressionRequestSchema,
  handler: ({ caller }) => readMyProgression(caller.uid),
});
