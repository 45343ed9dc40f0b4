/** How the progression domain is reached by the apps. */
import { defineCallable } from "../kernel/callable.js";
import { readMyProgression } from "./levels.js";
import { ListMyProgressionRequestSchema } from "./schema.js";

export const listMyProgression = defineCallable({
  name: "progression.listMine",
  input: ListMyProgressionRequestSchema,
  handler: ({ caller }) => readMyProgression(caller.uid),
});
