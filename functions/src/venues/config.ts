/**
 * Presence settings (config/presence, admin-managed): when a member counts as gone. Clients rewrite
 * presence/{venueKey}/{uid}.lastSeen every ~30 s; the sweep runs every minute.
 */
import { z } from "zod";
import { configDocument } from "../kernel/config-document.js";

export const PresenceConfigSchema = z
  .object({
    /** A presence entry not refreshed for this long belongs to a client that vanished (three missed heartbeats). */
    staleAfterSeconds: z.number().int().min(35).max(3_600).default(90),
    /** A member may be without any presence entry this long (joining, reconnecting) before being removed. */
    absentGraceSeconds: z.number().int().min(10).max(3_600).default(60),
    /** Gift feed events kept live per venue; older ones are trimmed by the sweep. */
    giftEventsKept: z.number().int().min(1).max(1_000).default(50),
  })
  .strict();
export type PresenceConfig = z.infer<typeof PresenceConfigSchema>;

const presence = configDocument("presence", PresenceConfigSchema);

export const presenceConfig = (): Promise<PresenceConfig> => presence.get();
export const clearPresenceConfigCache = (): void => presence.clearCache();
