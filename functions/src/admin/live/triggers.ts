/** The ledger trigger of live monitoring: each gift counts into its minute, its recipient's day and its venue's day, once. */
import { onDocumentCreated } from "firebase-functions/v2/firestore";
import { Collections } from "../../kernel/collections.js";
import { REGION, UPSTASH_REDIS_REST_TOKEN } from "../../kernel/config.js";
import { giftActivityOf, recordGiftActivity } from "./gift-activity.js";

export const onGiftForLiveMonitoring = onDocumentCreated(
  // Retried on failure: the Lua guard makes a retry count nothing twice.
  { document: `${Collections.ledger}/{txId}`, region: REGION, retry: true, secrets: [UPSTASH_REDIS_REST_TOKEN] },
  async (event) => {
    const gift = giftActivityOf(event.params.txId, event.data?.data());
    if (gift) await recordGiftActivity(gift);
  },
);
