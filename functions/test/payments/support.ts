/**
 * Payments test harness: the webhook functions mounted in an express app on a free port (with
 * req.rawBody set as Cloud Functions does), a local stand-in for api.stripe.com, the catalogue, and
 * ledger/balance readers for conservation checks.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import type { HttpsFunction, Request } from "firebase-functions/v2/https";
import { db } from "../../src/kernel/app.js";
import { ensureUserRecords } from "../../src/users/accounts.js";
import { SYSTEM_ACCOUNTS, userAccount } from "../../src/wallet/accounts.js";
import { clearEconomyConfigCache } from "../../src/wallet/config.js";
import { postLedgerTransaction, readBalances } from "../../src/wallet/ledger.js";
import { createTestUser, type TestUser } from "../support/users.js";

export const RC_AUTH = "Bearer rc-test-webhook-secret";
export const STRIPE_WEBHOOK_TEST_SECRET = "whsec_test_payments_suite";

/** Secrets as the platform would inject them (process.env), before any handler reads them. */
export function usePaymentSecrets(): void {
  before(() => {
    process.env.REVENUECAT_WEBHOOK_AUTH = RC_AUTH;
    process.env.STRIPE_SECRET_KEY = "sk_test_payments_suite";
    process.env.STRIPE_WEBHOOK_SECRET = STRIPE_WEBHOOK_TEST_SECRET;
    process.env.STRIPE_SUCCESS_URL = "https://app.example.test/recharge/ok?session_id={CHECKOUT_SESSION_ID}";
    process.env.STRIPE_CANCEL_URL = "https://app.example.test/recharge/cancel";
  });
  beforeEach(() => clearEconomyConfigCache());
}

export const PACKAGES = {
  "coins-60": { coins: 60, bonusCoins: 0, prices: { USD: 99 }, storeProductId: "com.demo.live.coins60", regions: ["*"], active: true },
  "coins-300": { coins: 300, bonusCoins: 30, prices: { USD: 499, EUR: 459 }, storeProductId: "com.demo.live.coins300", regions: ["*"], active: true },
  "coins-retired": { coins: 100, bonusCoins: 0, prices: { USD: 199 }, storeProductId: "com.demo.live.retired", regions: ["*"], active: false },
} as const;

export async function seedPackages(): Promise<void> {
  const batch = db().batch();
  for (const [id, data] of Object.entries(PACKAGES)) batch.set(db().collection("rechargePackages").doc(id), data);
  await batch.commit();
}

/** An account purchases may credit: an Auth user with the profile and wallet sign-up creates. */
export async function createBuyer(options: Parameters<typeof createTestUser>[0] = {}): Promise<TestUser> {
  const user = await createTestUser(options);
  await ensureUserRecords(user.uid);
  return user;
}

export async function setEconomy(config: Record<string, unknown>): Promise<void> {
  await db().collection("config").doc("economy").set(config);
  clearEconomyConfigCache();
}

// ---------------------------------------------------------------------------------------------------
// Webhooks over HTTP

export interface WebhookServer {
  url: string;
  close(): Promise<void>;
}

/** Mounts onRequest functions at /{name}; JSON bodies are parsed and the raw bytes kept in req.rawBody. */
export async function startWebhookServer(functions: Record<string, HttpsFunction>): Promise<WebhookServer> {
  const app = express();
  app.use(
    express.json({
      verify: (req, _res, buf) => {
        (req as unknown as Request).rawBody = Buffer.from(buf);
      },
    }),
  );
  for (const [name, fn] of Object.entries(functions)) app.all(`/${name}`, (req, res) => fn(req as unknown as Request, res));
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, "127.0.0.1", () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

export interface HttpAnswer {
  status: number;
  body: Record<string, unknown>;
}

export async function post(url: string, body: string, headers: Record<string, string>): Promise<HttpAnswer> {
  const response = await fetch(url, { method: "POST", body, headers: { "content-type": "application/json", ...headers } });
  const text = await response.text();
  const json = (response.headers.get("content-type") ?? "").includes("application/json");
  return { status: response.status, body: json && text ? (JSON.parse(text) as Record<string, unknown>) : { text } };
}

// ---------------------------------------------------------------------------------------------------
// A stand-in for api.stripe.com: Checkout Session creation with Stripe's idempotency semantics

export interface RecordedStripeRequest {
  method: string;
  path: string;
  idempotencyKey: string | undefined;
  authorization: string | undefined;
  stripeVersion: string | undefined;
  form: Record<string, string>;
}

export interface FakeStripe {
  endpoint: { host: string; port: number; protocol: "http" };
  requests: RecordedStripeRequest[];
  /** The sessions created (by id), as Stripe would describe them. */
  sessions: Map<string, Record<string, unknown>>;
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

export async function startFakeStripe(): Promise<FakeStripe> {
  const requests: RecordedStripeRequest[] = [];
  const sessions = new Map<string, Record<string, unknown>>();
  const byIdempotencyKey = new Map<string, { body: string; response: Record<string, unknown> }>();
  const server = createServer(async (req, res) => {
    const raw = await readBody(req);
    const form = Object.fromEntries(new URLSearchParams(raw));
    const header = (name: string) => (req.headers[name] as string | undefined) ?? undefined;
    requests.push({
      method: req.method ?? "",
      path: req.url ?? "",
      idempotencyKey: header("idempotency-key"),
      authorization: header("authorization"),
      stripeVersion: header("stripe-version"),
      form,
    });
    const reply = (status: number, payload: unknown, extra: Record<string, string> = {}) => {
      res.writeHead(status, { "content-type": "application/json", "request-id": `req_${randomUUID().slice(0, 8)}`, ...extra });
      res.end(JSON.stringify(payload));
    };
    if (req.method !== "POST" || req.url !== "/v1/checkout/sessions") {
      reply(404, { error: { type: "invalid_request_error", message: `Unrecognized request URL (${req.method}: ${req.url})` } });
      return;
    }
    const key = header("idempotency-key");
    const previous = key ? byIdempotencyKey.get(key) : undefined;
    if (previous) {
      if (previous.body !== raw) {
        reply(400, {
          error: {
            type: "idempotency_error",
            message: "Keys for idempotent requests can only be used with the same parameters they were first used with.",
          },
        });
        return;
      }
      reply(200, previous.response, { "idempotent-replayed": "true" });
      return;
    }
    const id = `cs_test_${randomUUID().replaceAll("-", "")}`;
    const metadata = Object.fromEntries(
      Object.entries(form)
        .filter(([k]) => k.startsWith("metadata["))
        .map(([k, v]) => [k.slice(9, -1), v]),
    );
    const session = {
      id,
      object: "checkout.session",
      mode: form.mode,
      status: "open",
      payment_status: "unpaid",
      amount_total: Number(form["line_items[0][price_data][unit_amount]"]) * Number(form["line_items[0][quantity]"] ?? 1),
      currency: form["line_items[0][price_data][currency]"],
      client_reference_id: form.client_reference_id ?? null,
      metadata,
      payment_intent: null,
      success_url: form.success_url,
      cancel_url: form.cancel_url,
      livemode: false,
      url: `https://checkout.stripe.test/c/pay/${id}`,
    };
    sessions.set(id, session);
    if (key) byIdempotencyKey.set(key, { body: raw, response: session });
    reply(200, session);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: { host: "127.0.0.1", port, protocol: "http" },
    requests,
    sessions,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

// ---------------------------------------------------------------------------------------------------
// Ledger and balances

export interface LedgerDoc {
  id: string;
  type: string;
  owner: string;
  key: string;
  entries: { account: string; currency: string; amount: number }[];
  result: Record<string, unknown>;
  meta: Record<string, unknown>;
}

export async function ledgerDocs(type?: string): Promise<LedgerDoc[]> {
  const query = type ? db().collection("ledger").where("type", "==", type) : db().collection("ledger");
  return (await query.get()).docs.map((d) => d.data() as LedgerDoc);
}

/** An account's balance as the ledger says (system accounts have no wallet document). */
export async function ledgerBalance(account: string, currency = "coins"): Promise<number> {
  let sum = 0;
  for (const doc of await ledgerDocs()) for (const e of doc.entries) if (e.account === account && e.currency === currency) sum += e.amount;
  return sum;
}

export async function coinsOf(uid: string): Promise<number> {
  return (await readBalances(userAccount(uid))).coins;
}

/** Every ledger document balances, and every wallet equals the sum of its ledger entries. */
export async function assertConservation(uids: string[]): Promise<void> {
  const docs = await ledgerDocs();
  for (const doc of docs) {
    const sums = new Map<string, number>();
    for (const e of doc.entries) sums.set(e.currency, (sums.get(e.currency) ?? 0) + e.amount);
    for (const [currency, sum] of sums) assert.equal(sum, 0, `ledger ${doc.id} (${doc.type}) ${currency} sums to ${sum}`);
  }
  let users = 0;
  for (const uid of uids) {
    const wallet = await coinsOf(uid);
    const fromLedger = await ledgerBalance(userAccount(uid));
    assert.equal(wallet, fromLedger, `wallet ${uid} holds ${wallet} coins, its ledger entries sum to ${fromLedger}`);
    users += wallet;
  }
  assert.equal(
    users + (await ledgerBalance(SYSTEM_ACCOUNTS.mint)) + (await ledgerBalance(SYSTEM_ACCOUNTS.burn)),
    0,
    "coins are neither created nor lost",
  );
}

/** Spends coins as a gift would (through the ledger core's spending checks). */
export function spendCoins(uid: string, coins: number) {
  return postLedgerTransaction({ type: "gift", owner: uid, key: randomUUID() }, async () => ({
    entries: [
      { account: userAccount(uid), currency: "coins", amount: -coins },
      { account: SYSTEM_ACCOUNTS.burn, currency: "coins", amount: coins },
    ],
    result: null,
  }));
}
