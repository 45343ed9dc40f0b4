/**
 * The typed client of the platform's callables: names, inputs and results derived from the server's schemas
 * and handlers (functions/src/contract.ts), and the domains' refusal reasons. Types only from the server:
 * bundling this module adds the call helper and nothing of the functions' code.
 */
import { type Functions, type HttpsCallableOptions, httpsCallable } from "firebase/functions";
import type { CallableInput, CallableName, CallableOutput } from "../../functions/src/contract.js";

export type { ModerationRefusal } from "../../functions/src/admin/moderation/schema.js";
export type { PlatformRefusal } from "../../functions/src/admin/platform/schema.js";
export type { AdminUsersRefusal } from "../../functions/src/admin/users/schema.js";
export type { AgencyRefusal } from "../../functions/src/agencies/schema.js";
export type { CampaignRefusal } from "../../functions/src/campaigns/schema.js";
export type { CallableInput, CallableName, CallableOutput, Callables } from "../../functions/src/contract.js";
export type { FeedRefusal } from "../../functions/src/feeds/schema.js";
export type { FairnessRefusal } from "../../functions/src/games/fairness/schema.js";
export type { GreedyRefusal } from "../../functions/src/games/greedy/schema.js";
export type { LimitsRefusal } from "../../functions/src/games/limits/schema.js";
export type { TeenPattiRefusal } from "../../functions/src/games/teenpatti/schema.js";
export type { GdprRefusal } from "../../functions/src/gdpr/schema.js";
export type { GiftRefusal } from "../../functions/src/gifts/schema.js";
export type { IdentityRefusal } from "../../functions/src/identity/schema.js";
export type { StandingRefusal } from "../../functions/src/kernel/account.js";
export type { MaintenanceRefusal } from "../../functions/src/kernel/maintenance.js";
export type { Role, StaffRole } from "../../functions/src/kernel/roles.js";
export type { StaffScopeRefusal } from "../../functions/src/kernel/staff-scope.js";
export type { LiveRefusal } from "../../functions/src/live/schema.js";
export type { MediaAttachRefusal, MediaUploadRefusal } from "../../functions/src/media/uploads/schema.js";
export type { MessageRefusal } from "../../functions/src/messages/schema.js";
export type { NotificationRefusal } from "../../functions/src/notifications/schema.js";
export type { PostRefusal } from "../../functions/src/posts/schema.js";
export type { StoryRefusal } from "../../functions/src/posts/stories/schema.js";
export type { ProgressionRefusal } from "../../functions/src/progression/schema.js";
export type { VipRefusal } from "../../functions/src/progression/vip/schema.js";
export type { RankingsRefusal } from "../../functions/src/rankings/schema.js";
export type { RoomRefusal } from "../../functions/src/rooms/schema.js";
export type { VenueRefusal } from "../../functions/src/venues/schema.js";
export type { WalletRefusal } from "../../functions/src/wallet/schema.js";

/** Calls a callable by its deployed name: the input is checked against its schema's type, the result typed. */
export async function callFunction<N extends CallableName>(
  functions: Functions,
  name: N,
  input: CallableInput<N>,
  options?: HttpsCallableOptions,
): Promise<CallableOutput<N>> {
  const callable = httpsCallable<CallableInput<N>, CallableOutput<N>>(functions, name, options);
  return (await callable(input)).data;
}

/** The `reason` of a refused call (HttpsError details `{ reason }`), if it carries one. */
export function refusalReason(error: unknown): string | undefined {
  const details = (error as { details?: unknown } | null)?.details;
  if (details && typeof details === "object" && "reason" in details && typeof details.reason === "string") return details.reason;
  return undefined;
}
