/**
 * The platform configuration contract: configuration documents edited through validated callables with
 * their version history, and the feature flags a signed-in user sees. Importable by clients.
 */
import * as z from "zod";
import { RequestIdSchema } from "../../kernel/idempotency.js";
import { CursorSchema } from "../../kernel/validation.js";

/** Why a platform configuration callable refuses (details.reason). */
export const PlatformRefusalSchema = z.enum(["unknown-config", "version-conflict"]);
export type PlatformRefusal = z.infer<typeof PlatformRefusalSchema>;

export const ConfigIdSchema = z.string().regex(/^[a-z][a-zA-Z0-9]{0,39}$/, "config ids are lower camel case (e.g. economy)");

export const ListConfigsRequestSchema = z.object({}).strict();
export type ListConfigsRequest = z.infer<typeof ListConfigsRequestSchema>;

export interface ConfigSummary {
  id: string;
  description: string;
  /** 0 while the document has never been edited through updateConfig. */
  version: number;
  updatedAt: string | null;
  updatedBy: string | null;
}
export interface ListConfigsResponse {
  configs: ConfigSummary[];
}

export const GetConfigRequestSchema = z.object({ id: ConfigIdSchema }).strict();
export type GetConfigRequest = z.infer<typeof GetConfigRequestSchema>;

export interface GetConfigResponse extends ConfigSummary {
  /** The settings as the platform reads them (defaults applied); null when the stored document is invalid. */
  value: unknown;
  /** The settings as stored (without the version fields). */
  raw: Record<string, unknown>;
  /** Why the stored document is invalid ("path: message"), or null. */
  issues: string[] | null;
}

export const UpdateConfigRequestSchema = z
  .object({
    id: ConfigIdSchema,
    /** The whole document's settings (fields left out take their defaults); checked by the document's schema. */
    value: z.record(z.string(), z.unknown()),
    /** The version read with getConfig: an edit made since is a version-conflict, not overwritten. */
    expectedVersion: z.number().int().min(0),
    reason: z.string().trim().min(3).max(500),
    requestId: RequestIdSchema,
  })
  .strict();
export type UpdateConfigRequest = z.infer<typeof UpdateConfigRequestSchema>;

export interface UpdateConfigResponse {
  id: string;
  version: number;
  value: unknown;
}

export const ListConfigVersionsRequestSchema = z
  .object({ id: ConfigIdSchema, limit: z.number().int().min(1).max(100).default(20), cursor: CursorSchema.optional() })
  .strict();
export type ListConfigVersionsRequest = z.infer<typeof ListConfigVersionsRequestSchema>;

export interface ConfigVersion {
  version: number;
  value: Record<string, unknown>;
  before: Record<string, unknown> | null;
  actorUid: string;
  reason: string;
  at: string | null;
}
export interface ListConfigVersionsResponse {
  versions: ConfigVersion[];
  nextCursor: string | null;
}

export const GetMyFeatureFlagsRequestSchema = z.object({}).strict();
export type GetMyFeatureFlagsRequest = z.infer<typeof GetMyFeatureFlagsRequestSchema>;

export interface GetMyFeatureFlagsResponse {
  flags: Record<string, boolean>;
}
