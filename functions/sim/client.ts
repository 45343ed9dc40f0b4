/**
 * How the simulation reaches the stack: as phones (the callable protocol over HTTP with the user's ID
 * token, resending on transient answers with the same request id, like the apps do), and as RevenueCat
 * and Stripe (webhook deliveries, redelivered and retried on 5xx like the providers do).
 */
import Stripe from "stripe";
import type { Tally } from "./tally.js";

export interface SimEndpoints {
  projectId: string;
  functions: string;
  auth: string;
}

/** A signed-in user's phone: its ID token, and the address it calls from (X-Forwarded-For). */
export interface Device {
  label: string;
  uid: string;
  email: string;
  idToken: string;
  ip: string;
}

/** Answers a client resends with the same request id (they say "try again", not "no"). */
export const RESENDABLE = new Set(["aborted", "unavailable", "deadline-exceeded", "network-error"]);

export type CallAnswer<T> =
  | { ok: true; result: T }
  | {
      ok: false;
      code: string;
      message: string;
      details: unknown;
      /** The last answer was transient: the operation may or may not have happened. */
      uncertain: boolean;
    };

export interface CallOptions {
  /** The tally's name for this operation (default: the callable's name). */
  kind?: string;
  /** The ledger identity the operation would post under: a definitive refusal must leave none. */
  ledger?: { owner: string; key: string };
  /** Overrides the client's timeout (a long admin job). */
  timeoutMs?: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Tracks fire-and-forget work (late redeliveries, provider retries) so the run can wait for all of it. */
export class Background {
  private readonly running = new Set<Promise<unknown>>();

  track<T>(promise: Promise<T>): Promise<T> {
    const tracked = promise.finally(() => this.running.delete(tracked));
    this.running.add(tracked);
    tracked.catch(() => {});
    return promise;
  }

  get size(): number {
    return this.running.size;
  }

  async drain(): Promise<void> {
    while (this.running.size) await Promise.allSettled([...this.running]);
  }
}

export class Api {
  /** Signs the device in again (a new ID token), as the app does when told its session was signed out. */
  signInAgain: (device: Device) => Promise<void> = async () => {
    throw new Error("no sign-in configured");
  };

  constructor(
    private readonly endpoints: SimEndpoints,
    private readonly tally: Tally,
    private readonly limits = { maxResends: 6, timeoutMs: 90_000 },
  ) {}

  private async once(device: Device | null, name: string, data: unknown, timeoutMs = this.limits.timeoutMs) {
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (device) {
      headers.authorization = `Bearer ${device.idToken}`;
      headers["x-forwarded-for"] = device.ip;
    }
    let response: Response;
    let text: string;
    try {
      response = await fetch(`http://${this.endpoints.functions}/${this.endpoints.projectId}/us-central1/${name}`, {
        method: "POST",
        headers,
        body: JSON.stringify({ data }),
        signal: AbortSignal.timeout(timeoutMs),
      });
      text = await response.text();
    } catch (err) {
      const cause = (err as { cause?: { code?: string; message?: string } }).cause;
      return {
        ok: false as const,
        code: "network-error",
        message: `${String(err)}${cause ? ` (${cause.code ?? cause.message})` : ""}`,
        details: null,
      };
    }
    let body: { result?: unknown; error?: { status?: string; message?: string; details?: unknown } } | null = null;
    try {
      body = JSON.parse(text);
    } catch {
      // Not the callable protocol: the emulator itself answered (e.g. a worker failed to start).
    }
    if (response.status === 200 && body && "result" in body) return { ok: true as const, result: body.result };
    if (body?.error?.status) {
      const code = body.error.status.toLowerCase().replaceAll("_", "-");
      return { ok: false as const, code, message: body.error.message ?? "", details: body.error.details ?? null };
    }
    return { ok: false as const, code: `http-${response.status}`, message: text.slice(0, 300), details: null };
  }

  /** A callable over HTTP; transient answers are resent with the same payload (same request id), a bounded number of times. */
  async call<T = Record<string, unknown>>(device: Device | null, name: string, data: unknown, options: CallOptions = {}): Promise<CallAnswer<T>> {
    const kind = options.kind ?? name;
    let resends = 0;
    let signedInAgain = false;
    for (;;) {
      const answer = await this.once(device, name, data, options.timeoutMs);
      if (answer.ok) {
        this.tally.succeeded(kind, resends);
        return { ok: true, result: answer.result as T };
      }
      const reason = (answer.details as { reason?: unknown } | null)?.reason;
      if (device && answer.code === "unauthenticated" && reason === "session-revoked" && !signedInAgain) {
        // Nothing in the simulation signs users out: note it, sign in again and send the same request.
        this.tally.note(`sessions found signed out (${device.label.replace(/\d+$/, "")}): signed in again`);
        signedInAgain = true;
        resends++;
        await this.signInAgain(device);
        continue;
      }
      // A non-protocol 5xx from the emulator is treated like a network error: nothing says it was a refusal.
      const transient = RESENDABLE.has(answer.code) || /^http-5\d\d$/.test(answer.code);
      if (transient) {
        // The functions emulator answers {"code":"ECONNRESET"} when it cut a function off at its timeout.
        const detail = answer.message.includes("ECONNRESET")
          ? " (the emulator cut the function off at its timeout)"
          : answer.code === "network-error"
            ? ` ${answer.message.slice(0, 100)}`
            : "";
        this.tally.note(`transient answers: ${answer.code}${detail}`);
      }
      if (transient && resends < this.limits.maxResends) {
        resends++;
        await sleep(Math.min(2000, 100 * 2 ** resends) + Math.random() * 100);
        continue;
      }
      this.tally.refused(kind, answer.code, resends, typeof reason === "string" ? reason : answer.message.replace(/\d+/g, "#").slice(0, 60));
      if (answer.code === "internal") this.tally.internals.push({ kind, payload: data, message: answer.message });
      if (!transient && options.ledger) this.tally.refusedKeys.push({ kind, ...options.ledger, code: answer.code });
      return { ok: false, code: answer.code, message: answer.message, details: answer.details, uncertain: transient };
    }
  }

  /** Whether a callable is deployed: the functions emulator answers 404 for an unknown function. */
  async exists(name: string): Promise<boolean> {
    const answer = await this.once(null, name, null);
    return answer.ok || answer.code !== "http-404";
  }
}

// ---------------------------------------------------------------------------------------------------
// Webhooks

export interface WebhookAnswer {
  /** 0: the request did not complete (network error). */
  status: number;
  body: unknown;
}

export interface DeliveryPlan {
  /** Copies sent now (at least 1): concurrently, or one after the other. */
  copies: number;
  concurrent: boolean;
  /** Copies sent later, each after its own delay. */
  late: number;
}

export interface Delivery {
  /** The answer to the very first request of the event. */
  first: Promise<WebhookAnswer>;
  /** Every immediate copy answered (after its own provider retries). */
  immediate: Promise<void>;
  /** Every copy, late ones included, has its final answer: delivered (some 2xx) or not. */
  settled: Promise<{ delivered: boolean; code: string | null }>;
}

export const REVENUECAT_AUTH = "Bearer local-revenuecat-webhook";
export const STRIPE_WEBHOOK_SECRET = "whsec_local_offline";

/** Provider retries of a 5xx/unreachable delivery: RevenueCat and Stripe back off for hours; compressed here. */
const PROVIDER_RETRIES = 8;
const providerBackoffMs = (attempt: number) => Math.min(8000, 500 * 2 ** attempt);

export class Webhooks {
  constructor(
    private readonly endpoints: SimEndpoints,
    private readonly tally: Tally,
    private readonly background: Background,
    private readonly lateDelayMs: () => number,
  ) {}

  private async post(name: string, body: string, headers: Record<string, string>): Promise<WebhookAnswer> {
    try {
      const response = await fetch(`http://${this.endpoints.functions}/${this.endpoints.projectId}/us-central1/${name}`, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body,
        signal: AbortSignal.timeout(90_000),
      });
      const text = await response.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        // kept as text
      }
      return { status: response.status, body: parsed };
    } catch (err) {
      return { status: 0, body: String(err) };
    }
  }

  private deliver(kind: string, send: () => Promise<WebhookAnswer>, plan: DeliveryPlan): Delivery {
    const answers: WebhookAnswer[] = [];
    let resolveFirst: (answer: WebhookAnswer) => void = () => {};
    const first = new Promise<WebhookAnswer>((resolve) => {
      resolveFirst = resolve;
    });
    const chain = async () => {
      for (let attempt = 0; ; attempt++) {
        const answer = await send();
        resolveFirst(answer);
        const retry = answer.status === 0 || answer.status >= 500;
        if (!retry || attempt >= PROVIDER_RETRIES) {
          answers.push(answer);
          return;
        }
        this.tally.stats(kind).resends++;
        await sleep(providerBackoffMs(attempt));
      }
    };
    const immediate = (async () => {
      if (plan.concurrent) await Promise.all(Array.from({ length: plan.copies }, chain));
      else for (let i = 0; i < plan.copies; i++) await chain();
    })();
    const late = Array.from({ length: plan.late }, () => sleep(this.lateDelayMs()).then(chain));
    const settled = Promise.all([immediate, ...late]).then(() => {
      this.tally.stats(kind).redeliveries += plan.copies - 1 + plan.late;
      const delivered = answers.some((a) => a.status >= 200 && a.status < 300);
      const refusal = answers.find((a) => a.status >= 400 && a.status < 500);
      const code = delivered ? null : `http-${(refusal ?? answers[answers.length - 1])?.status ?? 0}`;
      if (delivered) this.tally.succeeded(kind, 0);
      else this.tally.refused(kind, code as string, 0);
      return { delivered, code };
    });
    this.background.track(settled);
    return { first, immediate, settled };
  }

  revenueCat(event: Record<string, unknown>, plan: DeliveryPlan, options: { authorization?: string; kind?: string } = {}): Delivery {
    const body = JSON.stringify({ api_version: "1.0", event });
    const authorization = options.authorization ?? REVENUECAT_AUTH;
    return this.deliver(options.kind ?? `revenuecat ${String(event.type)}`, () => this.post("revenuecatWebhook", body, { authorization }), plan);
  }

  stripe(event: { type: string } & Record<string, unknown>, plan: DeliveryPlan, options: { secret?: string; kind?: string } = {}): Delivery {
    const payload = JSON.stringify(event);
    const secret = options.secret ?? STRIPE_WEBHOOK_SECRET;
    // Each delivery is signed anew (a fresh timestamp), as Stripe does on retries.
    const send = () => this.post("stripeWebhook", payload, { "stripe-signature": Stripe.webhooks.generateTestHeaderString({ payload, secret }) });
    return this.deliver(options.kind ?? `stripe ${event.type}`, send, plan);
  }
}
