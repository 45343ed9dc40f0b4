/** The payments domain's deployable functions (wired into functions/src/index.ts). */
export { revenuecatWebhook } from "./revenuecat.js";
export { createCheckoutSession, stripeWebhook } from "./stripe.js";
