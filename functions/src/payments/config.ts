/**
 * Payment params and secrets. Secrets live in Cloud Secret Manager (locally: functions/.secret.local or
 * process.env in tests); every value is read with .value() inside a request, never at import time.
 */
import { defineBoolean, defineSecret, defineString } from "firebase-functions/params";

/** The exact Authorization header value configured on the RevenueCat webhook (e.g. "Bearer <random>"). */
export const REVENUECAT_WEBHOOK_AUTH = defineSecret("REVENUECAT_WEBHOOK_AUTH");

/**
 * Sandbox (TestFlight, Play test tracks) purchases cost nothing: granting coins for them in production
 * would let any tester mint coins. Off in production; turn on in staging projects.
 */
export const REVENUECAT_ACCEPT_SANDBOX = defineBoolean("REVENUECAT_ACCEPT_SANDBOX", {
  default: false,
  description: "Grant coins for RevenueCat SANDBOX purchases (staging only)",
});

export const STRIPE_SECRET_KEY = defineSecret("STRIPE_SECRET_KEY");
/** The signing secret (whsec_...) of the Stripe webhook endpoint. */
export const STRIPE_WEBHOOK_SECRET = defineSecret("STRIPE_WEBHOOK_SECRET");

export const STRIPE_SUCCESS_URL = defineString("STRIPE_SUCCESS_URL", {
  default: "https://example.invalid/recharge/success?session_id={CHECKOUT_SESSION_ID}",
  description: "Where Stripe Checkout sends the buyer after paying ({CHECKOUT_SESSION_ID} is filled in by Stripe)",
});
export const STRIPE_CANCEL_URL = defineString("STRIPE_CANCEL_URL", {
  default: "https://example.invalid/recharge/cancelled",
  description: "Where Stripe Checkout sends the buyer after cancelling",
});

/**
 * The Stripe API version this code is written and typed against (stripe-node 23's own version), pinned
 * so that a dashboard upgrade of the account's default version cannot change payload shapes under us.
 */
export const STRIPE_API_VERSION = "2026-10-28.endive" as const;
