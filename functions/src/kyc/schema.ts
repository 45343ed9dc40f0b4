/** The KYC domain's API contract: request and response shapes of its callables (importable by clients). */
import * as z from "zod";
import { RequestIdSchema } from "../kernel/idempotency.js";
import { KeySafeUidSchema } from "../kernel/validation.js";

export const KYC_STATUSES = ["pending", "approved", "rejected"] as const;
export type KycStatus = (typeof KYC_STATUSES)[number];

export const DOCUMENT_TYPES = ["passport", "id_card", "driver_license"] as const;
export const DocumentTypeSchema = z.enum(DOCUMENT_TYPES);

export const MINIMUM_AGE = 18;

/** Whole years between a YYYY-MM-DD birth date and `now` (UTC calendar). */
export function ageOn(dateOfBirth: string, now: Date): number {
  const [y, m, d] = dateOfBirth.split("-").map(Number) as [number, number, number];
  let age = now.getUTCFullYear() - y;
  const beforeBirthday = now.getUTCMonth() + 1 < m || (now.getUTCMonth() + 1 === m && now.getUTCDate() < d);
  if (beforeBirthday) age -= 1;
  return age;
}

/** A real calendar date (2001-02-30 is refused), not in the future, at most 130 years ago. */
function isCalendarDate(value: string): boolean {
  const [y, m, d] = value.split("-").map(Number) as [number, number, number];
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

export const DateOfBirthSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "dateOfBirth must be YYYY-MM-DD")
  .refine(isCalendarDate, "dateOfBirth is not a valid date")
  .refine((v) => ageOn(v, new Date()) <= 130, "dateOfBirth is implausible")
  .refine((v) => ageOn(v, new Date()) >= MINIMUM_AGE, `you must be at least ${MINIMUM_AGE} years old`);

/**
 * Storage object paths of the uploaded document images: kyc/{uid}/<file>. The uid segment is checked
 * against the caller in the service; here only the shape (no traversal, no empty segments).
 */
export const DocumentPathSchema = z
  .string()
  .max(512)
  .regex(/^kyc\/[^/]+\/[A-Za-z0-9_.\-/]+$/, "documentPaths must be Storage paths under kyc/{uid}/")
  .refine((p) => !p.split("/").some((segment) => segment === "" || segment === "." || segment === ".."), "invalid path segment");

export const SubmitKycRequestSchema = z
  .object({
    documentType: DocumentTypeSchema,
    documentPaths: z
      .array(DocumentPathSchema)
      .min(1)
      .max(4)
      .refine((paths) => new Set(paths).size === paths.length, "documentPaths must not repeat"),
    legalName: z.string().trim().min(2).max(200),
    dateOfBirth: DateOfBirthSchema,
    documentNumber: z
      .string()
      .trim()
      .min(3)
      .max(64)
      .regex(/^[A-Za-z0-9 -]+$/, "documentNumber may contain letters, digits, spaces and dashes only"),
    requestId: RequestIdSchema,
  })
  .strict();
export type SubmitKycRequest = z.infer<typeof SubmitKycRequestSchema>;

export const ReviewKycRequestSchema = z
  .object({
    uid: KeySafeUidSchema,
    decision: z.enum(["approve", "reject"]),
    reason: z.string().trim().min(3, "reason is required for the audit log").max(500),
    requestId: RequestIdSchema,
  })
  .strict();
export type ReviewKycRequest = z.infer<typeof ReviewKycRequestSchema>;

export const GetKycDetailsRequestSchema = z.object({ uid: KeySafeUidSchema }).strict();
export type GetKycDetailsRequest = z.infer<typeof GetKycDetailsRequestSchema>;

/** Callables that take no input accept null (what the client SDKs send) or an empty object. */
export const GetMyKycRequestSchema = z.object({}).strict().nullish();

export interface KycPersonalDetails {
  legalName: string;
  dateOfBirth: string;
  documentNumber: string;
}

export interface SubmitKycResponse {
  status: "pending";
  documentType: SubmitKycRequest["documentType"];
}

export interface ReviewKycResponse {
  uid: string;
  status: Exclude<KycStatus, "pending">;
}

export interface KycDetails {
  uid: string;
  status: KycStatus;
  documentType: string;
  documentPaths: string[];
  submittedAt: string | null;
  reviewedBy: string | null;
  reviewedAt: string | null;
  reviewReason: string | null;
  details: KycPersonalDetails;
}

export type GetKycDetailsResponse = KycDetails;

/** The owner's view: "none" before any submission. The reviewer's identity is not shown to the user. */
export type GetMyKycResponse =
  | { status: "none" }
  | ({ status: KycStatus } & Pick<KycDetails, "documentType" | "submittedAt" | "reviewedAt" | "reviewReason" | "details">);
