/** How the apps reach their progression (levels and badges; VIP is vip/callables.ts). */
import { defineCallable } from "../kernel/callable.js";
import { readMyProgression } from "./levels.js";
import { ListMyProgressionRequestSchema } from "./schema.js";

export const listMyProgression = defineCallable({
  name: "progression.listMine",
  input: ListMyProgressionRequestSchema,
  handler: ({ caller }) => readMyProgression(caller.uid),
});
