/** How the apps reach payments: web checkout (store purchases arrive through webhooks.ts). */
import { defineCallable } from "../kernel/callable.js";
import { STRIPE_SECRET_KEY } from "./config.js";
import { CreateCheckoutSessionRequestSchema } from "./schema.js";
import { createCheckoutSessionFor } from "./stripe.js";

export const createCheckoutSession = defineCallable({
  name: "payments.createCheckoutSession",
  input: CreateCheckoutSessionRequestSchema,
  verifySession: true,
  rateLimit: { perUid: { tokens: 20, windowSeconds: 60 } },
  options: { secrets: [STRIPE_SECRET_KEY] },
  handler: ({ caller, data }) => createCheckoutSessionFor(caller, data),
});
