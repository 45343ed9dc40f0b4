/** Platform configuration (admins edit, finance reads), and the feature flags a signed-in user sees. */
import { defineCallable } from "../../kernel/callable.js";
import { userRef } from "../../kernel/collections.js";
import { evaluateAllFlags } from "../../kernel/flags.js";
import { updateConfig as editConfig, listConfigs as listAll, listConfigVersions as listVersions, getConfig as readConfig } from "./configs.js";
import {
  GetConfigRequestSchema,
  GetMyFeatureFlagsRequestSchema,
  type GetMyFeatureFlagsResponse,
  ListConfigsRequestSchema,
  ListConfigVersionsRequestSchema,
  UpdateConfigRequestSchema,
} from "./schema.js";

export const listConfigs = defineCallable({
  name: "platform.listConfigs",
  input: ListConfigsRequestSchema,
  roles: ["admin", "finance"],
  handler: () => listAll(),
});

export const getConfig = defineCallable({
  name: "platform.getConfig",
  input: GetConfigRequestSchema,
  roles: ["admin", "finance"],
  handler: ({ data }) => readConfig(data),
});

export const listConfigVersions = defineCallable({
  name: "platform.listConfigVersions",
  input: ListConfigVersionsRequestSchema,
  roles: ["admin", "finance"],
  handler: ({ data }) => listVersions(data),
});

export const updateConfig = defineCallable({
  name: "platform.updateConfig",
  input: UpdateConfigRequestSchema,
  roles: ["admin"],
  rateLimit: { perUid: { tokens: 30, windowSeconds: 60 } },
  handler: ({ caller, data }) => editConfig(caller, data),
});

export const getMyFeatureFlags = defineCallable({
  name: "platform.getMyFeatureFlags",
  input: GetMyFeatureFlagsRequestSchema,
  handler: async ({ caller }): Promise<GetMyFeatureFlagsResponse> => {
    const country = (await userRef(caller.uid).get()).get("country");
    return { flags: await evaluateAllFlags({ uid: caller.uid, country: typeof country === "string" ? country : null, roles: caller.roles }) };
  },
});
