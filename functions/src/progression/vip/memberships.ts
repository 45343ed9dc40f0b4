/**
 * VIP memberships. users/{uid}.vip = { tier, expiresAt } is the source of truth (the gifts domain reads
 * it); the `vip` custom claim mirrors the active tier for clients and rules, and is reconciled from the
 * document after every change (so a retry or a crash between the two heals on the next sync).
 *
 * Membership rules (applied by purchases and admin grants alike):
 *   - none or expired            → the tier starts now, for its duration;
 *   - same tier, active          → durations stack: the new expiry is the current expiry + duration;
 *   - higher tier, active        → upgrade from now (the remaining lower-tier time is not carried over);
 *   - lower tier, active         → refused (failed-precondition): buying it would either be lost or
 *                                  silently turn into higher-tier time the user did not pay for.
 */
import type { DocumentData, DocumentSnapshot, Transaction } from "firebase-admin/firestore";
import { requireAuthUser } from "../../kernel/account.js";
import { db, firestoreValues } from "../../kernel/app.js";
import { recordAudit } from "../../kernel/audit.js";
import { updateClaims } from "../../kernel/claims.js";
import { Collections, userRef } from "../../kernel/collections.js";
import { configDocument } from "../../kernel/config-document.js";
import { fail, refuse } from "../../kernel/errors.js";
import { millisOf } from "../../kernel/fields.js";
import type { Caller } from "../../kernel/guards.js";
import { runIdempotent } from "../../kernel/idempotency.js";
import { log } from "../../kernel/logger.js";
import { runTransaction } from "../../kernel/transactions.js";
import { notifyAfterCommit } from "../../notifications/after-commit.js";
import { notify } from "../../notifications/notify.js";
import { SYSTEM_ACCOUNTS, userAccount } from "../../wallet/accounts.js";
import { recordAdminInteraction } from "../../wallet/interactions.js";
import { ledgerTransactionId, postLedgerTransaction } from "../../wallet/ledger.js";
import {
  type AdminGrantVipRequest,
  type AdminGrantVipResponse,
  type PurchaseVipRequest,
  type PurchaseVipResponse,
  type StoredVip,
  type VipChangeKind,
  type VipConfig,
  VipConfigSchema,
  type VipPrivileges,
  type VipRefusal,
  type VipTierConfig,
} from "./schema.js";
import { activeVip } from "./store.js";

const DAY_MS = 86_400_000;

// ---------------------------------------------------------------------------------------------------
// Configuration
// ---------------------------------------------------------------------------------------------------

const vip = configDocument("vip", VipConfigSchema);

/** config/vip, zod-validated with defaults, cached 30 s per instance (tier prices rarely change). */
export const vipConfig = (): Promise<VipConfig> => vip.get();

/** The defaults alone, for callers without a config read (pure code, tests). */
export const DEFAULT_VIP_CONFIG: VipConfig = VipConfigSchema.parse({});

export function tierConfig(config: VipConfig, tier: number): VipTierConfig {
  const found = config.tiers[String(tier)];
  if (!found) fail("not-found", `VIP tier ${tier} does not exist.`);
  return found;
}

// ---------------------------------------------------------------------------------------------------
// Pure membership logic
// ---------------------------------------------------------------------------------------------------

export interface ActiveVipPrivileges extends VipPrivileges {
  /** 0 when not VIP. */
  tier: number;
  expiresAt: Date | null;
}

export const NO_VIP_PRIVILEGES: Readonly<ActiveVipPrivileges> = Object.freeze({
  tier: 0,
  expiresAt: null,
  vipGifts: false,
  entranceEffect: null,
  roomPriority: 0,
  exchangeBonusBps: 0,
});

/**
 * The privileges a user holds at `now`, from their users/{uid} document (pure: no I/O). A tier missing
 * from the configuration (removed after purchase) keeps the membership but grants only VIP gifts.
 */
export function vipPrivileges(
  userDoc: Record<string, unknown> | undefined,
  now: Date | number,
  config: VipConfig = DEFAULT_VIP_CONFIG,
): ActiveVipPrivileges {
  const active = activeVip(userDoc, typeof now === "number" ? now : now.getTime());
  if (!active) return { ...NO_VIP_PRIVILEGES };
  const privileges = config.tiers[String(active.tier)]?.privileges ?? { ...NO_VIP_PRIVILEGES, vipGifts: true };
  return {
    tier: active.tier,
    expiresAt: new Date(active.expiresAtMs),
    vipGifts: privileges.vipGifts,
    entranceEffect: privileges.entranceEffect,
    roomPriority: privileges.roomPriority,
    exchangeBonusBps: privileges.exchangeBonusBps,
  };
}

export interface VipChange {
  kind: VipChangeKind;
  tier: number;
  expiresAtMs: number;
  previous: { tier: number; expiresAtMs: number } | null;
}

/** Applies the membership rules (see the file header); throws failed-precondition for a lower tier. */
export function planVipChange(user: Record<string, unknown> | undefined, tier: number, durationMs: number, nowMs: number): VipChange {
  const current = activeVip(user, nowMs);
  if (!current) return { kind: "new", tier, expiresAtMs: nowMs + durationMs, previous: null };
  if (tier === current.tier) return { kind: "extend", tier, expiresAtMs: current.expiresAtMs + durationMs, previous: current };
  if (tier > current.tier) return { kind: "upgrade", tier, expiresAtMs: nowMs + durationMs, previous: current };
  return fail(
    "failed-precondition",
    `You already hold VIP tier ${current.tier} until ${new Date(current.expiresAtMs).toISOString()}; a lower tier cannot be added.`,
    {
      currentTier: current.tier,
      requestedTier: tier,
    },
  );
}

// ---------------------------------------------------------------------------------------------------
// Writes
// ---------------------------------------------------------------------------------------------------

const historyRef = (uid: string, id: string) => userRef(uid).collection(Collections.vipHistory).doc(id);

function requireProfile(snapshot: DocumentSnapshot): Record<string, unknown> {
  if (!snapshot.exists || snapshot.get("deleted") === true) fail("not-found", "The user's profile does not exist.");
  return snapshot.data() ?? {};
}

/** Synchronous (the ledger's plan.writes is): the Firestore module is loaded with require, lazily. Rankings grants reward days through it. */
export function writeMembership(
  tx: Transaction,
  uid: string,
  change: VipChange,
  history: { id: string; source: "purchase" | "admin-grant" | "ranking-reward" | "campaign-reward"; [field: string]: unknown },
): void {
  const { FieldValue, Timestamp } = firestoreValues();
  const now = FieldValue.serverTimestamp();
  const expiresAt = Timestamp.fromMillis(change.expiresAtMs);
  // update(), not set-merge: the whole vip map is replaced, keeping exactly { tier, expiresAt }.
  tx.update(userRef(uid), { vip: { tier: change.tier, expiresAt }, updatedAt: now });
  const { id, ...fields } = history;
  tx.create(historyRef(uid, id), {
    ...fields,
    tier: change.tier,
    change: change.kind,
    expiresAt,
    previous: change.previous ? { tier: change.previous.tier, expiresAt: Timestamp.fromMillis(change.previous.expiresAtMs) } : null,
    at: now,
  });
}

/**
 * Makes the `vip` claim match users/{uid}.vip now (active tier, or no claim), changing only that claim
 * (compare-and-set: a concurrent role change is never written back). Idempotent: called after every
 * change, and safe to call again on replays.
 */
export async function syncVipClaim(uid: string, nowMs = Date.now()): Promise<number> {
  let tier = 0;
  await updateClaims<DocumentData | undefined>(
    uid,
    (claims, profile) => {
      tier = activeVip(profile, nowMs)?.tier ?? 0;
      if (tier) claims.vip = tier;
      else delete claims.vip;
      return claims;
    },
    async (tx) => (await tx.get(userRef(uid))).data(),
  );
  return tier;
}

/** The claim is a convenience mirror: failing to set it must not fail a purchase whose coins moved. */
async function syncVipClaimSafely(uid: string): Promise<void> {
  try {
    await syncVipClaim(uid);
  } catch (err) {
    log.error("vip claim not synced; it is retried on the next VIP change or expiry run", { uid, error: String(err) });
  }
}

// ---------------------------------------------------------------------------------------------------
// Purchase and admin grant
// ---------------------------------------------------------------------------------------------------

/** One ledger transaction: user −price coins, burn +price; the membership and its history in the same commit. */
export async function purchaseVip(caller: Caller, request: PurchaseVipRequest): Promise<PurchaseVipResponse> {
  const config = await vipConfig();
  const tier = tierConfig(config, request.tier);
  const { requestId, ...payload } = request;
  const outcome = await postLedgerTransaction<PurchaseVipResponse>(
    // A replay returns the first result (and price) even if the tier's price changed since.
    { type: "vip.purchase", owner: caller.uid, key: requestId, payload, actor: caller.uid },
    async ({ wallet, get }) => {
      const nowMs = Date.now();
      const [profile, buyer] = await Promise.all([get(userRef(caller.uid)), wallet(userAccount(caller.uid))]);
      const change = planVipChange(requireProfile(profile), request.tier, tier.durationDays * DAY_MS, nowMs);
      const transactionId = ledgerTransactionId("vip.purchase", caller.uid, requestId);
      return {
        // An insufficient balance is refused by the ledger after this plan (failed-precondition); nothing is written.
        entries: [
          { account: userAccount(caller.uid), currency: "coins", amount: -tier.priceCoins },
          { account: SYSTEM_ACCOUNTS.burn, currency: "coins", amount: tier.priceCoins },
        ],
        result: {
          uid: caller.uid,
          tier: change.tier,
          expiresAt: new Date(change.expiresAtMs).toISOString(),
          change: change.kind,
          transactionId,
          claimTakesEffect: "next-token-refresh",
          priceCoins: tier.priceCoins,
          coins: buyer.coins - tier.priceCoins,
        },
        meta: { tier: change.tier, change: change.kind, durationDays: tier.durationDays, expiresAtMs: change.expiresAtMs },
        writes: (writeTx) =>
          writeMembership(writeTx, caller.uid, change, { id: transactionId, source: "purchase", priceCoins: tier.priceCoins, transactionId }),
      };
    },
  );
  await syncVipClaimSafely(caller.uid);
  log.info("vip purchased", { uid: caller.uid, tier: request.tier, replayed: outcome.replayed, transactionId: outcome.transactionId });
  return outcome.result;
}

/** Admin grant: no coins move; same membership rules; audited; once per (admin, requestId). */
export async function adminGrantVip(actor: Caller, request: AdminGrantVipRequest): Promise<AdminGrantVipResponse> {
  if (request.uid === actor.uid) refuse<VipRefusal>("failed-precondition", "self-grant", "Admins cannot grant VIP to themselves.");
  tierConfig(await vipConfig(), request.tier);
  await requireAuthUser(request.uid);
  const { result, replayed } = await runIdempotent(
    { scope: "progression.adminGrantVip", key: request.requestId, owner: actor.uid, payload: request },
    async (tx) => {
      const nowMs = Date.now();
      const profile = requireProfile(await tx.get(userRef(request.uid)));
      const change = planVipChange(profile, request.tier, request.days * DAY_MS, nowMs);
      const grantId = `grant_${actor.uid}_${request.requestId}`.slice(0, 400);
      writeMembership(tx, request.uid, change, {
        id: grantId,
        source: "admin-grant",
        actorUid: actor.uid,
        days: request.days,
        reason: request.reason,
        requestId: request.requestId,
      });
      // The granter may not then approve this user's withdrawals (four eyes, wallet/interactions.ts).
      recordAdminInteraction(tx, request.uid, actor.uid, "vipGranted");
      recordAudit(tx, {
        action: "progression.adminGrantVip",
        actorUid: actor.uid,
        targetUid: request.uid,
        before: change.previous ? { tier: change.previous.tier, expiresAt: new Date(change.previous.expiresAtMs).toISOString() } : null,
        after: { tier: change.tier, expiresAt: new Date(change.expiresAtMs).toISOString() },
        reason: request.reason,
        requestId: request.requestId,
        details: { days: request.days },
      });
      const response: AdminGrantVipResponse = {
        uid: request.uid,
        tier: change.tier,
        expiresAt: new Date(change.expiresAtMs).toISOString(),
        change: change.kind,
        transactionId: null,
        claimTakesEffect: "next-token-refresh",
      };
      return response;
    },
  );
  await syncVipClaimSafely(request.uid);
  log.info("vip granted", { actorUid: actor.uid, targetUid: request.uid, tier: request.tier, days: request.days, replayed });
  return result;
}

// ---------------------------------------------------------------------------------------------------
// Expiry
// ---------------------------------------------------------------------------------------------------

export interface ExpirySummary {
  expired: number;
  scanned: number;
}

const EXPIRY_PAGE = 200;

/** The tier's name for a notice ("" for a tier no longer configured). */
function tierName(config: VipConfig, tier: number): string {
  return config.tiers[String(tier)]?.name ?? "";
}

/**
 * Removes every membership whose expiresAt <= now: the vip field goes and a history entry is written
 * (deterministic id), then the claim is synced and a "vip-expired" notification queued (keyed by the
 * expiry, so once per membership period). Each user is re-checked in its own transaction, so a renewal
 * landing meanwhile is kept, and a re-run finds nothing to do.
 * Query: users where vip.expiresAt <= now, ordered by vip.expiresAt (single-field index, automatic).
 */
export async function expireVipMemberships(now: Date = new Date()): Promise<ExpirySummary> {
  const { FieldValue, Timestamp } = firestoreValues();
  const nowMs = now.getTime();
  const summary: ExpirySummary = { expired: 0, scanned: 0 };
  const config = await vipConfig();
  for (;;) {
    const page = await db()
      .collection(Collections.users)
      .where("vip.expiresAt", "<=", Timestamp.fromMillis(nowMs))
      .orderBy("vip.expiresAt")
      .limit(EXPIRY_PAGE)
      .get();
    summary.scanned += page.size;
    let expiredThisPage = 0;
    for (const candidate of page.docs) {
      const expired = await runTransaction(async (tx) => {
        const snapshot = await tx.get(candidate.ref);
        const vip = snapshot.get("vip") as Partial<StoredVip> | undefined;
        const expiresAtMs = millisOf(vip?.expiresAt);
        if (!vip || expiresAtMs === null || expiresAtMs > nowMs) return null;
        const tier = typeof vip.tier === "number" ? vip.tier : 0;
        const id = `expired_${expiresAtMs}`;
        tx.update(candidate.ref, { vip: FieldValue.delete(), updatedAt: FieldValue.serverTimestamp() });
        tx.set(historyRef(candidate.id, id), {
          source: "expiry",
          tier,
          change: "expire",
          expiresAt: Timestamp.fromMillis(expiresAtMs),
          at: FieldValue.serverTimestamp(),
        });
        return { tier, expiresAtMs };
      });
      if (expired) {
        expiredThisPage++;
        await syncVipClaimSafely(candidate.id);
        await notifyAfterCommit({
          recipient: candidate.id,
          type: "vip-expired",
          data: { tier: expired.tier, tierName: tierName(config, expired.tier), expiredAt: new Date(expired.expiresAtMs).toISOString() },
          dedupeKey: String(expired.expiresAtMs),
        });
      }
    }
    summary.expired += expiredThisPage;
    // Every expired candidate leaves the query; a page with none expired (all renewed meanwhile) would repeat forever.
    if (page.size < EXPIRY_PAGE || expiredThisPage === 0) break;
  }
  return summary;
}

export interface ExpiryReminderSummary {
  scanned: number;
  queued: number;
}

export const EXPIRY_REMINDER_DAYS = 3;

/**
 * Reminds every member whose membership ends within EXPIRY_REMINDER_DAYS of `now` (and has not ended):
 * a "vip-expiring" notification keyed by the membership's expiry, so a daily run reminds once per
 * membership period, and a renewal (a new expiry) is reminded again when its own end nears.
 * Query: users where now < vip.expiresAt <= now + 3 days, ordered by vip.expiresAt, paged by cursor.
 */
export async function remindExpiringVipMemberships(now: Date = new Date()): Promise<ExpiryReminderSummary> {
  const { Timestamp } = firestoreValues();
  const nowMs = now.getTime();
  const config = await vipConfig();
  const summary: ExpiryReminderSummary = { scanned: 0, queued: 0 };
  let query = db()
    .collection(Collections.users)
    .where("vip.expiresAt", ">", Timestamp.fromMillis(nowMs))
    .where("vip.expiresAt", "<=", Timestamp.fromMillis(nowMs + EXPIRY_REMINDER_DAYS * DAY_MS))
    .orderBy("vip.expiresAt")
    .limit(EXPIRY_PAGE);
  for (;;) {
    const page = await query.get();
    summary.scanned += page.size;
    for (const member of page.docs) {
      const active = activeVip(member.data(), nowMs);
      if (!active) continue;
      // A job: nobody waits on it, and a failed notice is retried by tomorrow's run (same key).
      const { created } = await notify({
        recipient: member.id,
        type: "vip-expiring",
        data: {
          tier: active.tier,
          tierName: tierName(config, active.tier),
          expiresAt: new Date(active.expiresAtMs).toISOString(),
          expiresOn: new Date(active.expiresAtMs).toISOString().slice(0, 10),
          hoursLeft: Math.floor((active.expiresAtMs - nowMs) / 3_600_000),
        },
        dedupeKey: String(active.expiresAtMs),
      }).catch((err: unknown) => {
        log.error("vip expiry reminder not queued", { uid: member.id, error: String(err) });
        return { created: false };
      });
      if (created) summary.queued++;
    }
    const last = page.docs.at(-1);
    if (page.size < EXPIRY_PAGE || !last) break;
    query = query.startAfter(last);
  }
  return summary;
}
