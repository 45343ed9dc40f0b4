/** How the gifts domain is reached by the apps. */
import { defineCallable } from "../kernel/callable.js";
import { listGiftCatalog as listCatalog } from "./catalog.js";
import { ListGiftCatalogRequestSchema, SendGiftRequestSchema } from "./schema.js";
import * as service from "./send-gift.js";

export const sendGift = defineCallable({
  name: "gifts.sendGift",
  input: SendGiftRequestSchema,
  verifySession: true,
  // Gifting is the hot path: combos arrive as one request with a count, but taps still come fast.
  rateLimit: { perUid: { tokens: 300, windowSeconds: 60 }, perIp: { tokens: 3000, windowSeconds: 60 } },
  handler: ({ caller, data }) => service.sendGift(caller.uid, data),
});

export const listGiftCatalog = defineCallable({
  name: "gifts.listCatalog",
  input: ListGiftCatalogRequestSchema,
  handler: ({ caller, data }) => listCatalog(caller.uid, data),
});
