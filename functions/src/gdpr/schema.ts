/** The GDPR domain's API contract: data export (Art. 15/20) and account deletion (Art. 17). */
import * as z from "zod";
import type { KycPersonalDetails } from "../kyc/schema.js";

/** details.reason of deleteMyAccount's refusals. */
export const GdprRefusalSchema = z.enum(["pending-withdrawal"]);
export type GdprRefusal = z.infer<typeof GdprRefusalSchema>;

export const ExportMyDataRequestSchema = z.object({}).strict().nullish();

export const DeleteMyAccountRequestSchema = z
  .object({
    /** Typed by the user in the app: deletion cannot be undone. */
    confirm: z.literal("DELETE", { error: 'confirm must be the string "DELETE"' }),
  })
  .strict();
export type DeleteMyAccountRequest = z.infer<typeof DeleteMyAccountRequestSchema>;

/** Firestore values in the bundle are plain JSON: timestamps become ISO strings, references paths. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonRecord = { id: string } & { [key: string]: JsonValue };

export interface DataExportBundle {
  format: "live-platform.user-export.v1";
  uid: string;
  generatedAt: string;
  auth: { email: string | null; phoneNumber: string | null; displayName: string | null; createdAt: string | null } | null;
  profile: JsonRecord | null;
  /** users/{uid}/private/*: account (email, phone), sessions. */
  private: JsonRecord[];
  wallet: { coins: number; diamonds: number; inDebt: boolean; frozen: boolean; record: JsonRecord | null };
  /** Every ledger transaction naming user:{uid}, oldest first. */
  ledger: JsonRecord[];
  withdrawals: JsonRecord[];
  checkoutSessions: JsonRecord[];
  following: JsonRecord[];
  followers: JsonRecord[];
  blocks: JsonRecord[];
  devices: JsonRecord[];
  notifications: JsonRecord[];
  reportsFiled: JsonRecord[];
  /** Chat messages sent (from the moderation archive): venue, time, text, moderation outcome. */
  messagesSent: JsonRecord[];
  streamsHosted: JsonRecord[];
  roomsOwned: JsonRecord[];
  pkBattles: JsonRecord[];
  /**
   * Games: settings (client seed, loss limit, self-exclusion) and daily net losses; Greedy stakes (one
   * record per round played); Teen Patti hands dealt to the user (public records, revealed once over).
   */
  games: { settings: JsonRecord | null; lossDays: JsonRecord[]; greedyStakes: JsonRecord[]; teenPattiHands: JsonRecord[] };
  /** Posts and reposts (any status), comments written anywhere, likes given, stories (story replies are direct messages). */
  posts: JsonRecord[];
  comments: JsonRecord[];
  likes: JsonRecord[];
  stories: JsonRecord[];
  /** Direct messages sent (any conversation) and the user's conversation list (unread, preview, mute). */
  directMessages: { sent: JsonRecord[]; conversations: JsonRecord[] };
  kyc: (Omit<JsonRecord, "encrypted"> & { details: KycPersonalDetails | null }) | null;
  /** Uploaded images and videos (media/{id} records: kind, status, path, size, dimensions). */
  media: JsonRecord[];
  /** Agency memberships and join requests, the user's lines in agency statements, statements of agencies they own, agency-channel messages. */
  agencies: {
    memberships: JsonValue[];
    joinRequests: JsonValue[];
    statementLines: JsonValue[];
    statementsOwned: JsonValue[];
    channelMessages: JsonValue[];
  };
  /** Campaign rewards claimed and gift streaks as sender or recipient (giftStreaks records). */
  rewards: { campaignClaims: JsonRecord[]; giftStreaks: JsonRecord[] };
  /** Levels (progression/{uid}), badges, avatar frames and the VIP history (users/{uid}/badges, frames, vipHistory). */
  progression: { levels: JsonRecord | null; badges: JsonRecord[]; frames: JsonRecord[]; vipHistory: JsonRecord[] };
  /**
   * What operators recorded about the user: the current ban or suspension (bans/{uid}) and its history,
   * sanctions, appeals (with the text the user wrote), moderation queue items about them and staff notes
   * on the account. Without reporters, other accounts named by an item, or the staff who acted.
   */
  moderation: {
    ban: JsonRecord | null;
    banHistory: JsonRecord[];
    sanctions: JsonRecord[];
    appeals: JsonRecord[];
    items: JsonRecord[];
    staffNotes: JsonRecord[];
  };
}

/** Inline only for now; production adds { delivery: "signed-url", url, expiresAt } for large bundles. */
export interface ExportMyDataResponse {
  delivery: "inline";
  sizeBytes: number;
  bundle: DataExportBundle;
}

export const DELETION_STEPS = [
  "lock",
  "forfeitBalance",
  "followEdges",
  "blocks",
  "devices",
  "notifications",
  "privateData",
  "username",
  "kyc",
  "presence",
  "venues",
  "games",
  "chatMessages",
  "posts",
  "directMessages",
  "feed",
  "media",
  "agencies",
  "rewards",
  "moderation",
  "profile",
  "authUser",
  "done",
] as const;
export type DeletionStep = (typeof DELETION_STEPS)[number];

export interface DeleteMyAccountResponse {
  uid: string;
  step: DeletionStep;
  /** "running" only when a run stopped early; calling again resumes. */
  status: "running" | "done";
  /** Ledger transaction of the forfeited balance, when there was one. */
  forfeitTransactionId: string | null;
}
