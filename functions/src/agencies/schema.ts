/**
 * The agencies contract: request schemas of the agencies callables, their refusal reasons, their
 * responses and the stored shapes.
 *
 * Where agencies live:
 *   agencies/{agencyId}                  AgencyRecord (active ones readable by signed-in users)
 *   agencies/{agencyId}/members/{uid}    MemberRecord (the member and the agency's owner read)
 *   agencies/{agencyId}/requests/{uid}   JoinRequestRecord: an invitation or an application
 *   agencyStatements/{agencyId}__{period} the period's income and salary statement (owner and admins read)
 * users/{uid}.agencyId (what gifts read) is written only by this domain, in the transaction that changes
 * the membership. Every write goes through the callables and jobs (rules deny client writes).
 */
import * as z from "zod";
import { RequestIdSchema } from "../kernel/idempotency.js";
import { CursorSchema, KeySafeUidSchema, keySafeId } from "../kernel/validation.js";

/** details.reason of the agencies callables' refusals. */
export const AgencyRefusalSchema = z.enum([
  "agency-not-active",
  "agency-not-found",
  "already-member",
  "already-owner",
  "applications-closed",
  "cooling-down",
  "agency-full",
  "leave-not-requested",
  "member-elsewhere",
  "not-a-member",
  "not-agency-staff",
  "not-reviewable",
  "owner-cannot-leave",
  "period-not-closed",
  "request-not-found",
  "ratio-above-agency",
  "text-not-allowed",
]);
export type AgencyRefusal = z.infer<typeof AgencyRefusalSchema>;

export const AgencyIdSchema = keySafeId({ max: 64, label: "agencyId" });
export const MEMBER_ROLES = ["owner", "manager", "host"] as const;
export const MemberRoleSchema = z.enum(MEMBER_ROLES);
export type MemberRole = z.infer<typeof MemberRoleSchema>;
export const AGENCY_STATUSES = ["pending", "active", "rejected", "deleted"] as const;
export type AgencyStatus = (typeof AGENCY_STATUSES)[number];

/** ISO 3166-1 alpha-2, upper case (as users/{uid}.country). */
const CountrySchema = z.string().regex(/^[A-Z]{2}$/, "country must be an ISO 3166-1 alpha-2 code (e.g. IN)");
const NameSchema = z.string().trim().min(3, "name must have at least 3 characters").max(40);
const BpsSchema = z.number().int().min(0).max(10_000);

export const AgencyProfileSchema = z
  .object({
    name: NameSchema,
    logoMediaId: keySafeId({ max: 128, label: "logoMediaId" }).nullable().default(null),
    description: z.string().trim().max(500).default(""),
    country: CountrySchema,
  })
  .strict();

export const ApplyForAgencyRequestSchema = AgencyProfileSchema.extend({ requestId: RequestIdSchema }).strict();
export type ApplyForAgencyRequest = z.output<typeof ApplyForAgencyRequestSchema>;

export const ReviewAgencyRequestSchema = z
  .object({ agencyId: AgencyIdSchema, approve: z.boolean(), reason: z.string().trim().min(3).max(500) })
  .strict();
export type ReviewAgencyRequest = z.output<typeof ReviewAgencyRequestSchema>;

export const UpdateAgencyProfileRequestSchema = z
  .object({
    agencyId: AgencyIdSchema,
    name: NameSchema.optional(),
    logoMediaId: keySafeId({ max: 128, label: "logoMediaId" }).nullable().optional(),
    description: z.string().trim().max(500).optional(),
    country: CountrySchema.optional(),
  })
  .strict()
  .refine((r) => Object.keys(r).length > 1, "nothing to update");
export type UpdateAgencyProfileRequest = z.output<typeof UpdateAgencyProfileRequestSchema>;

export const AgencySettingsSchema = z
  .object({
    /** Hosts may apply to join (otherwise members come by invitation only). */
    acceptApplications: z.boolean(),
    maxMembers: z.number().int().min(1).max(10_000),
    /** The ratio new sub-agencies get unless their creator names one. */
    defaultCommissionBps: BpsSchema,
  })
  .strict();
export type AgencySettings = z.infer<typeof AgencySettingsSchema>;

export const UpdateAgencySettingsRequestSchema = z.object({ agencyId: AgencyIdSchema, settings: AgencySettingsSchema.partial().strict() }).strict();
export type UpdateAgencySettingsRequest = z.output<typeof UpdateAgencySettingsRequestSchema>;

export const SearchAgenciesRequestSchema = z
  .object({
    namePrefix: z.string().trim().min(1).max(40).optional(),
    country: CountrySchema.optional(),
    limit: z.number().int().min(1).max(50).default(20),
    cursor: CursorSchema.nullish(),
  })
  .strict();
export type SearchAgenciesRequest = z.output<typeof SearchAgenciesRequestSchema>;

export const AgencyRequestSchema = z.object({ agencyId: AgencyIdSchema }).strict();
export type AgencyRequest = z.output<typeof AgencyRequestSchema>;

export const MemberRequestSchema = z.object({ agencyId: AgencyIdSchema, uid: KeySafeUidSchema }).strict();
export type MemberRequest = z.output<typeof MemberRequestSchema>;

export const AnswerRequestSchema = z.object({ agencyId: AgencyIdSchema, uid: KeySafeUidSchema, accept: z.boolean() }).strict();
export type AnswerRequest = z.output<typeof AnswerRequestSchema>;

export const SetMemberRoleRequestSchema = z.object({ agencyId: AgencyIdSchema, uid: KeySafeUidSchema, role: z.enum(["manager", "host"]) }).strict();
export type SetMemberRoleRequest = z.output<typeof SetMemberRoleRequestSchema>;

export const CreateSubAgencyRequestSchema = z
  .object({ agencyId: AgencyIdSchema, agentUid: KeySafeUidSchema, name: NameSchema, ratioBps: BpsSchema.optional(), requestId: RequestIdSchema })
  .strict();
export type CreateSubAgencyRequest = z.output<typeof CreateSubAgencyRequestSchema>;

export const PeriodKeySchema = z.string().regex(/^\d{4}-(W\d{2}|\d{2})$/, "period must be YYYY-Www (weekly) or YYYY-MM (monthly)");
export const StatementRequestSchema = z.object({ agencyId: AgencyIdSchema, period: PeriodKeySchema }).strict();
export type StatementRequest = z.output<typeof StatementRequestSchema>;

export interface AgencyView {
  id: string;
  name: string;
  logoMediaId: string | null;
  description: string;
  country: string;
  status: AgencyStatus;
  parentAgencyId: string | null;
}

export interface ApplyForAgencyResponse {
  agencyId: string;
  status: AgencyStatus;
}

export interface SearchAgenciesResponse {
  agencies: AgencyView[];
  nextCursor: string | null;
}

export interface MemberRecord {
  uid: string;
  agencyId: string;
  role: MemberRole;
  joinedAt: FirebaseFirestore.Timestamp;
  /** Set by a leave request: the host leaves on the owner's approval or when the timeout passes. */
  leaveRequestedAt: FirebaseFirestore.Timestamp | null;
}

export interface JoinRequestRecord {
  uid: string;
  agencyId: string;
  kind: "invitation" | "application";
  byUid: string;
  createdAt: FirebaseFirestore.Timestamp;
}

/** One host's figures in a statement. */
export interface HostLine {
  uid: string;
  /** The agency the gifts credited (this one or one of its sub-agencies). */
  agencyId: string;
  /** Diamonds credited to the host by gifts in qualifying venues. */
  earnings: number;
  /** Diamonds the same gifts already credited to the agency (its per-gift share). */
  giftShares: number;
  gifts: number;
  liveHours: number;
  validDays: number;
  qualified: boolean;
}

export interface SubAgencyLine {
  agencyId: string;
  ratioBps: number;
  /** Counted earnings of its hosts. */
  earnings: number;
  salary: number;
  giftShares: number;
}

/** agencyStatements/{agencyId}__{period}: derived from the ledger only, so recomputing gives the same figures. */
export interface AgencyStatement {
  id: string;
  agencyId: string;
  ownerUid: string;
  period: { key: string; startMs: number; endMs: number };
  /** Host earnings of the agency and its sub-agencies in the 30 days before the period's end. */
  volume30d: number;
  ratioBps: number;
  hosts: HostLine[];
  subAgencies: SubAgencyLine[];
  /** Counted earnings of the agency's own hosts. */
  ownEarnings: number;
  salary: number;
  giftShares: number;
  /** What each payee is paid for the period (salary less the gift shares it already received), by wallet account. */
  payouts: Record<string, number>;
}

export const DashboardRequestSchema = z.object({ agencyId: AgencyIdSchema, period: PeriodKeySchema.optional() }).strict();
export type DashboardRequest = z.output<typeof DashboardRequestSchema>;

export const AnnounceRequestSchema = z
  .object({ agencyId: AgencyIdSchema, message: z.string().trim().min(1).max(300), requestId: RequestIdSchema })
  .strict();
export type AnnounceRequest = z.output<typeof AnnounceRequestSchema>;

export interface DashboardMember {
  uid: string;
  role: MemberRole;
  earnings: number;
  gifts: number;
  liveHours: number;
  validDays: number;
  /** Whether the member meets the period's targets (config minLiveHours and minValidDays). */
  onTarget: boolean;
}

export interface DashboardResponse {
  period: { key: string; startMs: number; endMs: number };
  targets: { minLiveHours: number; minValidDays: number };
  members: DashboardMember[];
  /** Stored statements, newest first. */
  trends: { period: string; ownEarnings: number; salary: number; ratioBps: number; volume30d: number }[];
}

/** The agency channel (agencies/chat.ts). */
export const AGENCY_CHAT_MAX_LENGTH = 500;
export const PostAgencyMessageRequestSchema = z
  .object({ agencyId: AgencyIdSchema, text: z.string().trim().min(1).max(AGENCY_CHAT_MAX_LENGTH), requestId: RequestIdSchema })
  .strict();
export type PostAgencyMessageRequest = z.output<typeof PostAgencyMessageRequestSchema>;

/** agencyChat/{agencyId}/messages/{messageId}: the text as shown (profanity masked); at in epoch ms. */
export interface AgencyChatMessage {
  uid: string;
  text: string;
  at: number;
}

export interface PostAgencyMessageResponse extends AgencyChatMessage {
  messageId: string;
  masked: boolean;
}
