/**
 * What one ledger transaction adds to the boards, from its document alone plus the profiles of the users
 * it names (country and agency at counting time). Pure: the trigger and the rebuild both call it, so they
 * produce the same scores.
 *   gift         wealth   sender    + coins the sender paid
 *                charm    recipient + diamonds credited to the recipient
 *                hosts    recipient + the same diamonds, when sent in a live stream
 *                rooms    roomId    + coins of the gift, when sent in a voice room
 *                agencies agencyId  + the recipient's diamonds (the agencyId the transaction records; the profile's
 *                                   only when the transaction has no such field)
 *   game.bet / game.payout
 *                games    player    + coins credited − coins debited (net winnings over the period)
 */
import type { Board, StoredScope } from "./schema.js";

export interface ScopeRef {
  scope: Exclude<StoredScope, "global">;
  id: string;
}

export interface Contribution {
  board: Board;
  member: string;
  points: number;
  /** Besides global: the country and agency boards this also counts in. */
  scopes: ScopeRef[];
}

export interface ProfileScopes {
  country: string | null;
  agencyId: string | null;
}

interface LedgerEntry {
  account?: unknown;
  currency?: unknown;
  amount?: unknown;
}

const GAME_TYPES = new Set(["game.bet", "game.payout"]);
/** Ledger types that contribute to a board: every other transaction is ignored without a read. */
export const COUNTED_TYPES: ReadonlySet<string> = new Set(["gift", ...GAME_TYPES]);
const COUNTRY = /^[A-Z]{2}$/;
const SCOPE_ID = /^[A-Za-z0-9_-]{1,128}$/;

/** A profile's country and agency as boards may name them (anything else is ignored). */
export function profileScopesOf(data: Record<string, unknown> | undefined): ProfileScopes {
  const country = data?.country;
  const agencyId = data?.agencyId;
  return {
    country: typeof country === "string" && COUNTRY.test(country) ? country : null,
    agencyId: typeof agencyId === "string" && SCOPE_ID.test(agencyId) ? agencyId : null,
  };
}

function entriesOf(ledger: Record<string, unknown>): LedgerEntry[] {
  return Array.isArray(ledger.entries) ? (ledger.entries as LedgerEntry[]) : [];
}

/** Sum of `currency` amounts on user accounts, per uid (entries that are not well-formed are skipped). */
function userAmounts(ledger: Record<string, unknown>, currency: "coins" | "diamonds"): Map<string, number> {
  const sums = new Map<string, number>();
  for (const entry of entriesOf(ledger)) {
    if (typeof entry.account !== "string" || !entry.account.startsWith("user:") || entry.currency !== currency) continue;
    if (!Number.isSafeInteger(entry.amount)) continue;
    const uid = entry.account.slice("user:".length);
    if (!SCOPE_ID.test(uid)) continue;
    sums.set(uid, (sums.get(uid) ?? 0) + (entry.amount as number));
  }
  return sums;
}

/** The uids whose profiles the contributions of `ledger` need (none for a transaction that counts nowhere). */
export function usersToRead(ledger: Record<string, unknown>): string[] {
  if (ledger.type === "gift") {
    const meta = (ledger.meta ?? {}) as Record<string, unknown>;
    return [ledger.owner, meta.recipientUid].filter((uid): uid is string => typeof uid === "string" && SCOPE_ID.test(uid));
  }
  if (typeof ledger.type === "string" && GAME_TYPES.has(ledger.type)) return [...userAmounts(ledger, "coins").keys()];
  return [];
}

function scopesOf(profile: ProfileScopes | undefined): ScopeRef[] {
  const scopes: ScopeRef[] = [];
  if (profile?.country) scopes.push({ scope: "country", id: profile.country });
  if (profile?.agencyId) scopes.push({ scope: "agency", id: profile.agencyId });
  return scopes;
}

export function contributionsOf(ledger: Record<string, unknown>, profiles: ReadonlyMap<string, ProfileScopes>): Contribution[] {
  if (ledger.type === "gift") return giftContributions(ledger, profiles);
  if (typeof ledger.type === "string" && GAME_TYPES.has(ledger.type)) {
    const contributions: Contribution[] = [];
    for (const [uid, net] of userAmounts(ledger, "coins")) {
      if (net !== 0) contributions.push({ board: "games", member: uid, points: net, scopes: scopesOf(profiles.get(uid)) });
    }
    return contributions;
  }
  return [];
}

function giftContributions(ledger: Record<string, unknown>, profiles: ReadonlyMap<string, ProfileScopes>): Contribution[] {
  const meta = (ledger.meta ?? {}) as Record<string, unknown>;
  const sender = typeof ledger.owner === "string" && SCOPE_ID.test(ledger.owner) ? ledger.owner : null;
  const recipient = typeof meta.recipientUid === "string" && SCOPE_ID.test(meta.recipientUid) ? meta.recipientUid : null;
  const context = (meta.context ?? {}) as { type?: unknown; id?: unknown };
  const coins = userAmounts(ledger, "coins");
  const diamonds = userAmounts(ledger, "diamonds");
  const contributions: Contribution[] = [];

  const spent = sender ? -(coins.get(sender) ?? 0) : 0;
  if (sender && spent > 0) contributions.push({ board: "wealth", member: sender, points: spent, scopes: scopesOf(profiles.get(sender)) });
  if (spent > 0 && context.type === "room" && typeof context.id === "string" && SCOPE_ID.test(context.id)) {
    contributions.push({ board: "rooms", member: context.id, points: spent, scopes: [] });
  }

  const received = recipient ? (diamonds.get(recipient) ?? 0) : 0;
  if (!recipient || received <= 0) return contributions;
  // The agency the gift's share went to, as the transaction records it (null: none, or one that no longer
  // exists), is the one the host earned for; only a transaction without the field falls back to the profile.
  const profile = profiles.get(recipient);
  const agencyId =
    "agencyId" in meta ? (typeof meta.agencyId === "string" && SCOPE_ID.test(meta.agencyId) ? meta.agencyId : null) : (profile?.agencyId ?? null);
  const recipientScopes = scopesOf(profile ? { ...profile, agencyId } : { country: null, agencyId });
  contributions.push({ board: "charm", member: recipient, points: received, scopes: recipientScopes });
  if (context.type === "stream") contributions.push({ board: "hosts", member: recipient, points: received, scopes: recipientScopes });
  if (agencyId) contributions.push({ board: "agencies", member: agencyId, points: received, scopes: [] });
  return contributions;
}
