/** Every object written to the default bucket; only uploads/{uid}/{mediaId} is processed (finalize.ts). */
import { onObjectFinalized } from "firebase-functions/v2/storage";
import { REGION } from "../../kernel/config.js";
import { processFinalizedObject } from "./finalize.js";

export const onMediaObjectFinalized = onObjectFinalized({ region: REGION, memory: "1GiB", timeoutSeconds: 120 }, async (event) => {
  await processFinalizedObject(event.id, event.data);
});
