/**
 * The payments domain's contract: the checkout callable's request/response, the recharge package
 * record, and the parts of RevenueCat and Stripe payloads this code relies on (validated, not trusted).
 */
import * as z from "zod";
import { RequestIdSchema } from "../kernel/idempotency.js";
import { AuthUidSchema } from "../kernel/validation.js";

/** Ids that become part of a document path (webhookEvents/{provider}:{id}, checkoutSessions/{id}). */
const PathSafeIdSchema = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[A-Za-z0-9_.:-]+$/, "must contain letters, digits and _ . : - only");

export const CurrencyCodeSchema = z.string().regex(/^[A-Z]{3}$/, "an ISO 4217 code in capitals, e.g. USD");

// ---------------------------------------------------------------------------------------------------
// Recharge packages (rechargePackages/{id}, admin-managed)

export const RechargePackageSchema = z.looseObject({
  coins: z.number().int().min(1),
  bonusCoins: z.number().int().min(0).default(0),
  /** Web prices in the currency's minor unit (cents), per ISO currency. */
  prices: z.record(CurrencyCodeSchema, z.number().int().min(1)).default({}),
  /** The App Store / Play product id RevenueCat reports as product_id. */
  storeProductId: z.string().min(1).optional(),
  regions: z.array(z.string()).default(["*"]),
  active: z.boolean().default(false),
});
export type RechargePackage = z.infer<typeof RechargePackageSchema> & { id: string };

/** Coins a package credits: its coins plus its bonus. */
export function packageCoins(pkg: Pick<RechargePackage, "coins" | "bonusCoins">): number {
  return pkg.coins + pkg.bonusCoins;
}

// ---------------------------------------------------------------------------------------------------
// createCheckoutSession (callable)

export const CreateCheckoutSessionRequestSchema = z
  .object({
    packageId: PathSafeIdSchema.max(128),
    requestId: RequestIdSchema,
    /** Which of the package's web prices to charge; the amount itself always comes from the server. */
    currency: CurrencyCodeSchema.default("USD"),
  })
  // strict: a client-sent amount, coins or price is refused, never silently ignored.
  .strict();
export type CreateCheckoutSessionRequest = z.infer<typeof CreateCheckoutSessionRequestSchema>;

export interface CreateCheckoutSessionResponse {
  sessionId: string;
  /** The hosted Checkout page to open. */
  url: string;
  packageId: string;
  coins: number;
  /** Minor units (cents) of `currency`. */
  amount: number;
  currency: string;
}

/** checkoutSessions/{sessionId}: written at creation, updated by the Stripe webhook. */
export const StoredCheckoutSessionSchema = z.looseObject({
  uid: AuthUidSchema,
  packageId: z.string(),
  coins: z.number().int().min(1),
  amount: z.number().int().min(1),
  currency: CurrencyCodeSchema,
  /** unmatched: paid, but the buyer could no longer be credited (see unmatchedPurchases/stripe:{sessionId}). */
  status: z.enum(["open", "paid", "unmatched", "expired", "partially_refunded", "refunded", "disputed"]),
  paymentIntentId: z.string().optional(),
  grantedCoins: z.number().int().min(0).optional(),
  /** Coins taken back so far by refunds and disputes together (never above grantedCoins). */
  clawedBackCoins: z.number().int().min(0).optional(),
  /** The part of clawedBackCoins due to refunds (charge.refunded carries a cumulative amount). */
  refundClawedBackCoins: z.number().int().min(0).optional(),
});
export type StoredCheckoutSession = z.infer<typeof StoredCheckoutSessionSchema>;

/** Metadata we put on every Checkout Session and its PaymentIntent (Stripe returns it as strings). */
export const CheckoutMetadataSchema = z.looseObject({
  uid: AuthUidSchema,
  packageId: z.string().min(1),
  coins: z
    .string()
    .regex(/^[1-9][0-9]{0,8}$/)
    .transform(Number),
});

// ---------------------------------------------------------------------------------------------------
// RevenueCat webhook

/** Types that move coins; they must name the user, product and store transaction. */
export const REVENUECAT_MONEY_TYPES = ["INITIAL_PURCHASE", "NON_RENEWING_PURCHASE", "RENEWAL", "CANCELLATION"] as const;

/**
 * An app user id as RevenueCat reports it. Any non-empty string is accepted here: whether it names an
 * account that may be credited is decided later (payments/recipients.ts), and a purchase naming
 * anything else is recorded as unmatched rather than refused, so that the paid purchase is not lost.
 */
const AppUserIdSchema = z.string().min(1).max(1000);
const AppUserIdListSchema = z.array(AppUserIdSchema).max(1000);

export const RevenueCatEventSchema = z
  .looseObject({
    id: PathSafeIdSchema,
    /** Any type is accepted (RevenueCat adds types over time): unknown ones are recorded and acknowledged. */
    type: z.string().regex(/^[A-Z][A-Z_]{0,63}$/, "an upper-case event type"),
    /** The customer's last seen app user id: whom the event is about. */
    app_user_id: AppUserIdSchema.optional(),
    /** The first app user id the customer (the store account's history in RevenueCat) used. */
    original_app_user_id: AppUserIdSchema.nullish(),
    /** Every app user id the customer has used (anonymous ids included). */
    aliases: AppUserIdListSchema.nullish(),
    /** TRANSFER: purchases moved from these app user ids to those. */
    transferred_from: AppUserIdListSchema.nullish(),
    transferred_to: AppUserIdListSchema.nullish(),
    product_id: z.string().min(1).max(200).optional(),
    store: z.string().max(40).nullish(),
    environment: z.string().max(20).nullish(),
    transaction_id: z.string().min(1).max(200).nullish(),
    original_transaction_id: z.string().max(200).nullish(),
    price: z.number().nullish(),
    currency: z.string().max(8).nullish(),
    cancel_reason: z.string().max(40).nullish(),
    event_timestamp_ms: z.number().int().nullish(),
  })
  .superRefine((event, ctx) => {
    if (!(REVENUECAT_MONEY_TYPES as readonly string[]).includes(event.type)) return;
    for (const field of ["app_user_id", "product_id", "transaction_id"] as const) {
      if (!event[field]) ctx.addIssue({ code: "custom", path: [field], message: `required for ${event.type}` });
    }
  });
export type RevenueCatEvent = z.infer<typeof RevenueCatEventSchema>;

export const RevenueCatWebhookSchema = z.looseObject({
  api_version: z.string().max(16),
  event: RevenueCatEventSchema,
});

// ---------------------------------------------------------------------------------------------------
// Stripe objects (the fields used here; the signature proves the origin, zod the shape)

export const StripeEventIdSchema = PathSafeIdSchema;

const ExpandableIdSchema = z
  .union([z.string(), z.looseObject({ id: z.string() })])
  .nullish()
  .transform((value) => (value == null ? null : typeof value === "string" ? value : value.id));

export const StripeCheckoutSessionSchema = z.looseObject({
  id: PathSafeIdSchema,
  mode: z.string(),
  payment_status: z.string(),
  amount_total: z.number().int().nullish(),
  currency: z.string().nullish(),
  client_reference_id: z.string().nullish(),
  metadata: z.record(z.string(), z.string()).nullish(),
  payment_intent: ExpandableIdSchema,
});

export const StripeChargeSchema = z.looseObject({
  id: z.string().min(1),
  amount: z.number().int().min(0),
  amount_refunded: z.number().int().min(0),
  payment_intent: ExpandableIdSchema,
  metadata: z.record(z.string(), z.string()).nullish(),
  refunds: z.looseObject({ data: z.array(z.looseObject({ id: z.string().min(1) })) }).nullish(),
});

export const StripeDisputeSchema = z.looseObject({
  id: z.string().min(1),
  amount: z.number().int().min(0),
  charge: ExpandableIdSchema,
  payment_intent: ExpandableIdSchema,
  metadata: z.record(z.string(), z.string()).nullish(),
});
