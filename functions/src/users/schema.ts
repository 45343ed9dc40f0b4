/** The users domain's API contract: request and response shapes of its callables (importable by clients). */
import * as z from "zod";
import { RequestIdSchema } from "../kernel/idempotency.js";
import { RoleSchema } from "../kernel/roles.js";
import { KeySafeUidSchema } from "../kernel/validation.js";

/** Callables that take no input accept null (what the client SDKs send) or an empty object. */
export const EmptyRequestSchema = z.object({}).strict().nullish();

export const GetMyProfileRequestSchema = EmptyRequestSchema;

export const SetUserRolesRequestSchema = z
  .object({
    uid: KeySafeUidSchema,
    roles: z
      .array(RoleSchema)
      .max(7)
      .refine((roles) => new Set(roles).size === roles.length, "roles must not repeat"),
    reason: z.string().trim().min(3, "reason is required for the audit log").max(500),
    /**
     * Staff only: the countries (ISO 3166-1 alpha-2) whose users this account may look up and act on,
     * the `staffCountries` claim. Omit to keep the current scope; [] removes it (every country).
     */
    staffCountries: z
      .array(z.string().regex(/^[A-Z]{2}$/, "country codes are ISO 3166-1 alpha-2 (e.g. IN)"))
      .max(30)
      .refine((list) => new Set(list).size === list.length, "staffCountries must not repeat")
      .optional(),
    requestId: RequestIdSchema,
  })
  .strict();
export type SetUserRolesRequest = z.infer<typeof SetUserRolesRequestSchema>;

export interface PublicProfile {
  uid: string;
  displayName: string;
  photoURL: string | null;
  roles: string[];
  createdAt: string | null;
}

export interface WalletBalances {
  coins: number;
  diamonds: number;
}

export interface GetMyProfileResponse {
  profile: PublicProfile;
  wallet: WalletBalances;
}

export interface SetUserRolesResponse {
  uid: string;
  roles: string[];
  /**
   * Added roles reach the user's ID token at its next refresh (at most an hour, or on demand). A removed
   * role ends every session of the user at once: they sign in again and get the new claims.
   */
  takesEffect: "next-token-refresh" | "sessions-revoked";
  /** The account's country scope after the change; null: every country. */
  staffCountries: string[] | null;
}
