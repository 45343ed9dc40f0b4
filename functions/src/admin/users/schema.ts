/**
 * Staff operations on accounts (functions/src/admin/users): search, the dossier of one account, notes,
 * bulk sanctions, and the audit log. Requests are strict zod objects; responses are plain types clients
 * import. Country-scoped staff (the `staffCountries` claim) see only accounts of those countries.
 */
import * as z from "zod";
import type { BanHistoryEntry, DeviceView } from "../../identity/schema.js";
import { RequestIdSchema } from "../../kernel/idempotency.js";
import { KeySafeUidSchema } from "../../kernel/validation.js";
import type { LedgerHistoryItem } from "../../wallet/schema.js";

/** details.reason of these callables' refusals. */
export const AdminUsersRefusalSchema = z.enum(["out-of-country-scope", "duration-required", "duration-not-allowed"]);
export type AdminUsersRefusal = z.infer<typeof AdminUsersRefusalSchema>;

export const SEARCH_FIELDS = ["auto", "uid", "username", "email", "phone", "displayName"] as const;
export type SearchField = Exclude<(typeof SEARCH_FIELDS)[number], "auto">;

const CursorSchema = z.string().min(1).max(1024);
const LimitSchema = z.number().int().min(1).max(100).default(20);
const AuditReasonSchema = z.string().trim().min(3, "reason is required for the audit log").max(500);

export const SearchUsersRequestSchema = z
  .object({
    query: z.string().trim().min(1).max(320),
    field: z.enum(SEARCH_FIELDS).default("auto"),
    cursor: CursorSchema.optional(),
    limit: LimitSchema,
  })
  .strict();
export type SearchUsersRequest = z.output<typeof SearchUsersRequestSchema>;

export interface Standing {
  state: "active" | "suspended" | "banned";
  /** When a suspension ends; null otherwise. */
  until: string | null;
}

export interface UserSummary {
  uid: string;
  username: string | null;
  displayName: string | null;
  photoURL: string | null;
  country: string | null;
  roles: string[];
  standing: Standing;
  createdAt: string | null;
}

export interface SearchUsersResponse {
  users: UserSummary[];
  nextCursor: string | null;
  /** The field searched ("auto" resolved from the query's shape). */
  field: SearchField;
}

export const UidRequestSchema = z.object({ uid: KeySafeUidSchema }).strict();
export type UidRequest = z.infer<typeof UidRequestSchema>;

export const UserPageRequestSchema = z.object({ uid: KeySafeUidSchema, cursor: CursorSchema.optional(), limit: LimitSchema }).strict();
export type UserPageRequest = z.output<typeof UserPageRequestSchema>;

export interface StaffNote {
  noteId: string;
  uid: string;
  text: string;
  authorUid: string;
  createdAt: string | null;
}

export interface ReportSummary {
  reportId: string;
  reporterUid: string;
  reason: string;
  status: string;
  createdAt: string | null;
}

export interface UserDossier {
  summary: UserSummary;
  profile: { bio: string | null; language: string | null; level: number | null; followersCount: number | null; followingCount: number | null };
  auth: {
    email: string | null;
    phoneNumber: string | null;
    disabled: boolean;
    providers: string[];
    createdAt: string | null;
    lastSignInAt: string | null;
  } | null;
  devices: DeviceView[];
  wallet: { coins: number; diamonds: number; inDebt: boolean; frozen: boolean };
  /** The newest 20 ledger transactions of the account (finance and admins; null for other staff). */
  ledger: { items: LedgerHistoryItem[]; nextCursor: string | null } | null;
  reports: { count: number; latest: ReportSummary[] };
  bans: { current: { kind: "ban" | "suspension"; reason: string; expiresAt: string | null } | null; history: BanHistoryEntry[] };
  notes: { items: StaffNote[]; nextCursor: string | null };
}

export interface ListUserLedgerResponse {
  items: LedgerHistoryItem[];
  nextCursor: string | null;
}

export const AddUserNoteRequestSchema = z
  .object({ uid: KeySafeUidSchema, text: z.string().trim().min(1).max(2000), requestId: RequestIdSchema })
  .strict();
export type AddUserNoteRequest = z.infer<typeof AddUserNoteRequestSchema>;

export interface ListUserNotesResponse {
  items: StaffNote[];
  nextCursor: string | null;
}

export const BULK_MAX_UIDS = 100;

export const BulkSanctionRequestSchema = z
  .object({
    uids: z
      .array(KeySafeUidSchema)
      .min(1)
      .max(BULK_MAX_UIDS)
      .refine((uids) => new Set(uids).size === uids.length, "uids must not repeat"),
    action: z.enum(["suspend", "ban", "unban"]),
    durationMinutes: z
      .number()
      .int()
      .min(1)
      .max(365 * 24 * 60)
      .optional(),
    reason: AuditReasonSchema,
    requestId: RequestIdSchema,
  })
  .strict();
export type BulkSanctionRequest = z.infer<typeof BulkSanctionRequestSchema>;

export interface BulkOutcome {
  uid: string;
  ok: boolean;
  /** The HttpsError code of a refusal (permission-denied, failed-precondition, not-found ...). */
  code?: string;
  /** Its details.reason, when it has one. */
  reason?: string;
}

export interface BulkSanctionResponse {
  outcomes: BulkOutcome[];
}

export const ListAuditLogRequestSchema = z
  .object({
    /** A dotted prefix of the action: "identity" or "identity.ban". */
    action: z
      .string()
      .regex(/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/, "action is a dotted prefix such as identity.ban")
      .max(200)
      .optional(),
    actorUid: KeySafeUidSchema.optional(),
    targetUid: KeySafeUidSchema.optional(),
    cursor: CursorSchema.optional(),
    limit: LimitSchema,
  })
  .strict();
export type ListAuditLogRequest = z.output<typeof ListAuditLogRequestSchema>;

export interface AuditLogItem {
  id: string;
  action: string;
  actorUid: string;
  targetUid: string | null;
  reason: string | null;
  requestId: string | null;
  before: unknown;
  after: unknown;
  details: Record<string, unknown>;
  at: string | null;
}

export interface ListAuditLogResponse {
  items: AuditLogItem[];
  nextCursor: string | null;
}
