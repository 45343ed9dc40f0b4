/**
 * config/access, read through a short in-memory cache: blocking functions run on every sign-up and
 * sign-in, and a 30 s delay for configuration changes is an acceptable price for not reading Firestore
 * each time. A malformed document is logged and the defaults apply: a typo in the configuration must not
 * lock every user out (bans do not depend on it).
 */
import { configDocument, parseConfig } from "../kernel/config-document.js";
import { type AccessConfig, AccessConfigSchema } from "./schema.js";

const access = configDocument("access", AccessConfigSchema, { whenInvalid: "defaults" });

export const parseAccessConfig = (raw: unknown): AccessConfig => parseConfig("access", AccessConfigSchema, raw, "defaults");
export const accessConfig = (): Promise<AccessConfig> => access.get();
