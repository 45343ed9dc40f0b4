/**
 * Presence settings (config/presence, admin-managed): when a member counts as gone. Clients rewrite
 * presence/{venueKey}/{uid}.lastSeen every ~30 s; the sweep runs every minute.
 */
import { configDocument } from "../kernel/config-document.js";
import { type PresenceConfig, PresenceConfigSchema } from "./schema.js";

const presence = configDocument("presence", PresenceConfigSchema);

export const presenceConfig = (): Promise<PresenceConfig> => presence.get();
export const clearPresenceConfigCache = (): void => presence.clearCache();
