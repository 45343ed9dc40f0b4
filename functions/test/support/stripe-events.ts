/** Stripe's event envelope as its webhooks deliver it (the stand-in for Stripe's API, in its wire format). */
import { randomUUID } from "node:crypto";
import { STRIPE_API_VERSION } from "../../src/payments/config.js";

export function stripeEvent(type: string, object: Record<string, unknown>, id = `evt_${randomUUID().replaceAll("-", "")}`) {
  return {
    id,
    object: "event",
    api_version: STRIPE_API_VERSION,
    created: Math.floor(Date.now() / 1000),
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type,
    data: { object },
  };
}
