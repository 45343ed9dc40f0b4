/** How the apps reach their progression (levels and badges; VIP is vip/callables.ts). */
import { defineCallable } from "../kernel/callable.js";
import { readMyProgression } from "./levels.js";
import { ListMyProgressionRequestSchema, SetBadgeShowcaseRequestSchema } from "./schema.js";
import { setBadgeShowcase as setShowcase } from "./showcase.js";

export const listMyProgression = defineCallable({
  name: "progression.listMine",
  input: ListMyProgressionRequestSchema,
  handler: ({ caller }) => readMyProgression(caller.uid),
});

export const setBadgeShowcase = defineCallable({
  name: "progression.setBadgeShowcase",
  input: SetBadgeShowcaseRequestSchema,
  handler: ({ caller, data }) => setShowcase(caller.uid, data),
});
