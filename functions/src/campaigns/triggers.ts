/** Event-driven entry points of the campaigns domain: progress from the ledger, once per transaction. */
import { onDocumentCreated } from "firebase-functions/v2/firestore";
import { Collections } from "../kernel/collections.js";
import { REGION } from "../kernel/config.js";
import { applyLedgerToCampaigns } from "./progress.js";

export const onLedgerTransactionForCampaigns = onDocumentCreated(
  // Retried on failure: the count is idempotent by the transaction id, and a lost one is a user's lost progress.
  { document: `${Collections.ledger}/{txId}`, region: REGION, retry: true },
  async (event) => {
    const ledger = event.data?.data();
    if (ledger) await applyLedgerToCampaigns(event.params.txId, ledger);
  },
);
