/** The payment providers' HTTP entry points (handlers in revenuecat.ts and stripe.ts). */
import { onRequest } from "firebase-functions/v2/https";
import { REGION } from "../kernel/config.js";
import { REVENUECAT_WEBHOOK_AUTH, STRIPE_WEBHOOK_SECRET } from "./config.js";
import { handleRevenueCatWebhook } from "./revenuecat.js";
import { handleStripeWebhook } from "./stripe.js";

export const revenuecatWebhook = onRequest({ region: REGION, secrets: [REVENUECAT_WEBHOOK_AUTH] }, handleRevenueCatWebhook);

export const stripeWebhook = onRequest({ region: REGION, secrets: [STRIPE_WEBHOOK_SECRET] }, handleStripeWebhook);
