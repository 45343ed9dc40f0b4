/**
 * One lazily created Stripe client per instance (the SDK loads on first use, not at cold start), with
 * the API version pinned. Tests point it at a local HTTP server standing in for api.stripe.com.
 */
import type Stripe from "stripe";
import { STRIPE_API_VERSION, STRIPE_SECRET_KEY } from "./config.js";

export interface StripeEndpoint {
  host: string;
  port: number;
  protocol: "http" | "https";
}

let cached: { key: string; client: Stripe } | undefined;
let endpointOverride: StripeEndpoint | undefined;

function stripeModule(): typeof Stripe {
  return require("stripe") as typeof Stripe;
}

export function stripeClient(): Stripe {
  const key = STRIPE_SECRET_KEY.value();
  if (!key) throw new Error("STRIPE_SECRET_KEY is not set");
  if (!cached || cached.key !== key) {
    const StripeClient = stripeModule();
    cached = {
      key,
      client: new StripeClient(key, {
        apiVersion: STRIPE_API_VERSION,
        // Retries reuse the idempotency key, and also cover Stripe's 409 for concurrent identical keys.
        maxNetworkRetries: 2,
        timeout: 20_000,
        ...endpointOverride,
      }),
    };
  }
  return cached.client;
}

/** Webhook signatures need no API key: the static helpers verify them offline. */
export function stripeWebhooks(): Stripe["webhooks"] {
  return stripeModule().webhooks;
}

/** Tests only: send API calls to a local stand-in for api.stripe.com (undefined restores the default). */
export function setStripeEndpointForTests(endpoint: StripeEndpoint | undefined): void {
  endpointOverride = endpoint;
  cached = undefined;
}
