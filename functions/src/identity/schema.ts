/**
 * The identity domain's API contract: the access configuration document (config/access), the device
 * callables' requests (zod) and their response types (importable by clients).
 */
import * as z from "zod";
import { RequestIdSchema } from "../kernel/idempotency.js";
import { KeySafeUidSchema } from "../kernel/validation.js";

/** details.reason of identity's refusals: sign-up and sign-in (the blocking functions), bans. */
export const IdentityRefusalSchema = z.enum([
  "banned",
  "blocked-region",
  "disposable-email",
  "not-banned",
  "out-of-country-scope",
  "self",
  "target-is-admin",
  "target-is-staff",
]);
export type IdentityRefusal = z.infer<typeof IdentityRefusalSchema>;

/** A few well-known throwaway-mail providers; config/access.disposableEmailDomains replaces this list. */
export const DEFAULT_DISPOSABLE_EMAIL_DOMAINS = [
  "mailinator.com",
  "guerrillamail.com",
  "10minutemail.com",
  "temp-mail.org",
  "yopmail.com",
  "trashmail.com",
  "sharklasers.com",
  "dispostable.com",
] as const;

export const DEFAULT_MAX_DEVICES = 5;

const CountryCodeSchema = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^[A-Z]{2}$/, "country codes are ISO 3166-1 alpha-2 (e.g. KP)");

const DomainSchema = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^(?!-)[a-z0-9-]+(\.[a-z0-9-]+)+$/, "a bare domain such as mailinator.com");

/** config/access. Every field is optional in the document; missing ones take these defaults. */
export const AccessConfigSchema = z.object({
  blockedCountries: z.array(CountryCodeSchema).max(300).default([]),
  disposableEmailDomains: z
    .array(DomainSchema)
    .max(10_000)
    .default([...DEFAULT_DISPOSABLE_EMAIL_DOMAINS]),
  maxDevices: z.number().int().min(1).max(50).default(DEFAULT_MAX_DEVICES),
});
export type AccessConfig = z.output<typeof AccessConfigSchema>;

export const PLATFORMS = ["ios", "android", "web"] as const;
export const PlatformSchema = z.enum(PLATFORMS);
export type Platform = z.infer<typeof PlatformSchema>;

/** Client-generated installation id (e.g. a UUID kept in app storage). Path-safe: it is a document id. */
export const DeviceIdSchema = z
  .string()
  .min(8, "deviceId must be at least 8 characters")
  .max(128)
  .regex(/^[A-Za-z0-9_.:-]+$/, "deviceId may contain letters, digits and _ . : - only");

export const RegisterDeviceRequestSchema = z
  .object({
    deviceId: DeviceIdSchema,
    platform: PlatformSchema,
    appVersion: z.string().trim().min(1).max(32),
    fcmToken: z.string().min(1).max(4096).optional(),
    requestId: RequestIdSchema.optional(),
  })
  .strict();
export type RegisterDeviceRequest = z.infer<typeof RegisterDeviceRequestSchema>;

export const ListDevicesRequestSchema = z.object({}).strict().nullish();

export const RemoveDeviceRequestSchema = z.object({ deviceId: DeviceIdSchema }).strict();
export type RemoveDeviceRequest = z.infer<typeof RemoveDeviceRequestSchema>;

export const SignOutEverywhereRequestSchema = z.object({}).strict().nullish();

export interface DeviceView {
  deviceId: string;
  platform: Platform;
  appVersion: string;
  /** Whether a push token is on file (the token itself is never echoed back). */
  hasPushToken: boolean;
  createdAt: string | null;
  lastSeenAt: string | null;
}

export interface RegisterDeviceResponse {
  deviceId: string;
  /** true for a device new to the account, false when an existing registration was updated. */
  created: boolean;
  deviceCount: number;
  maxDevices: number;
}

export interface ListDevicesResponse {
  devices: DeviceView[];
  maxDevices: number;
}

export interface RemoveDeviceResponse {
  deviceId: string;
  removed: true;
}

export interface SignOutEverywhereResponse {
  revokedAt: string;
  devicesRemoved: number;
}

// ---------- bans and suspensions (moderators and admins) ----------

/** A suspension lasts at most a year; a ban (no duration) lasts until lifted. */
export const MAX_SUSPENSION_HOURS = 24 * 365;

const AuditReasonSchema = z.string().trim().min(3, "reason is required for the audit log").max(500);

export const MAX_SUSPENSION_MINUTES = MAX_SUSPENSION_HOURS * 60;

export const BanAccountRequestSchema = z
  .object({
    uid: KeySafeUidSchema,
    reason: AuditReasonSchema,
    /** Omit both durations for a ban; a suspension ends by itself after its duration (one of the two). */
    durationMinutes: z.number().int().min(1).max(MAX_SUSPENSION_MINUTES).optional(),
    /** The older unit, kept for clients that send it. */
    durationHours: z.number().int().min(1).max(MAX_SUSPENSION_HOURS).optional(),
    requestId: RequestIdSchema,
  })
  .strict()
  .refine((r) => r.durationMinutes === undefined || r.durationHours === undefined, {
    message: "give durationMinutes or durationHours, not both",
    path: ["durationMinutes"],
  });
export type BanAccountRequest = z.infer<typeof BanAccountRequestSchema>;

export const LiftBanRequestSchema = z.object({ uid: KeySafeUidSchema, reason: AuditReasonSchema, requestId: RequestIdSchema }).strict();
export type LiftBanRequest = z.infer<typeof LiftBanRequestSchema>;

export interface BanAccountResponse {
  uid: string;
  kind: "ban" | "suspension";
  /** ISO time a suspension ends; null for a ban. */
  expiresAt: string | null;
  /** Every session of the account was signed out; callables refuse it within seconds. */
  sessionsRevokedAt: string;
  /** Venue keys (stream_{id}, room_{id}) the account hosted and that were ended, and those it was removed from. */
  venues: { ended: string[]; left: string[] };
}

/** bans/{uid}/history/{id}: one entry per ban, suspension and lift, newest last. */
export interface BanHistoryEntry {
  action: "ban" | "suspension" | "lift";
  reason: string;
  actorUid: string;
  at: string | null;
  /** When a suspension ends; null for bans and lifts. */
  expiresAt: string | null;
}

export interface LiftBanResponse {
  uid: string;
  lifted: true;
}
