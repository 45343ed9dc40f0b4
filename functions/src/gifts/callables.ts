/** How the gifts domain is reached by the apps. */
import { defineCallable } from "../kernel/callable.js";
import * as analytics from "./analytics.js";
import { listGiftCatalog as listCatalog } from "./catalog.js";
import {
  AdminGiftRevenueReportRequestSchema,
  ListGiftCatalogRequestSchema,
  MyGiftAnalyticsRequestSchema,
  SendGiftRequestSchema,
  TopGiftersRequestSchema,
} from "./schema.js";
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

export const myGiftAnalytics = defineCallable({
  name: "gifts.myAnalytics",
  input: MyGiftAnalyticsRequestSchema,
  handler: ({ caller, data }) => analytics.myGiftAnalytics(caller.uid, data.period, data.key),
});

/** Top supporters are what the apps show on a host's profile and in a room: any signed-in user may read them. */
export const topGifters = defineCallable({
  name: "gifts.topGifters",
  input: TopGiftersRequestSchema,
  handler: ({ data }) => analytics.topGifters(data),
});

export const adminGiftRevenueReport = defineCallable({
  name: "gifts.adminRevenueReport",
  input: AdminGiftRevenueReportRequestSchema,
  roles: ["admin"],
  handler: ({ data }) => analytics.giftRevenueReport(data.period, data.key),
});
