/** The ledger trigger of the finance figures: each new ledger transaction is added to its day, once per transaction id. */
import { onDocumentCreated } from "firebase-functions/v2/firestore";
import { Collections } from "../../kernel/collections.js";
import { REGION } from "../../kernel/config.js";
import { countLedgerTransaction } from "./aggregates.js";

// Retried on failure: counting is idempotent on the transaction id, and a lost event would leave the day short.
export const onLedgerTransactionForFinance = onDocumentCreated(
  { document: `${Collections.ledger}/{txId}`, region: REGION, retry: true },
  async (event) => {
    const ledger = event.data?.data();
    if (!ledger) return;
    await countLedgerTransaction(event.params.txId, ledger);
  },
);
