/**
 * Event-driven entry point of the rankings: every ledger transaction is counted into the boards of its
 * periods once (counting.ts: a dedupe set per period guards the increments), so redeliveries and retries
 * are harmless; retried on failure, so a Redis hiccup does not lose a count.
 */
import { onDocumentCreated } from "firebase-functions/v2/firestore";
import { Collections } from "../kernel/collections.js";
import { REGION, UPSTASH_REDIS_REST_TOKEN } from "../kernel/config.js";
import { rankingsConfig } from "./config.js";
import { COUNTED_TYPES } from "./contributions.js";
import { countLedgerTransaction } from "./counting.js";

export const onLedgerTransactionRanked = onDocumentCreated(
  { document: `${Collections.ledger}/{txId}`, region: REGION, retry: true, secrets: [UPSTASH_REDIS_REST_TOKEN] },
  async (event) => {
    const ledger = event.data?.data();
    if (!ledger || !COUNTED_TYPES.has(String(ledger.type))) return;
    await countLedgerTransaction(event.params.txId, ledger, { keyGraceDays: (await rankingsConfig()).keyGraceDays });
  },
);
