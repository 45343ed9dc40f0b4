/** How the apps reach a player's own responsible limits. */
import { defineCallable } from "../../kernel/callable.js";
import * as limits from "./limits.js";
import { GetGameLimitsRequestSchema, SelfExcludeFromGamesRequestSchema, SetGameLimitsRequestSchema } from "./schema.js";

/** Sets the caller's daily loss limit (null: none): a cut applies at once, a raise 24 h after asking. */
export const setGameLimits = defineCallable({
  name: "games.setGameLimits",
  input: SetGameLimitsRequestSchema,
  rateLimit: { perUid: { tokens: 20, windowSeconds: 60 } },
  handler: ({ caller, data }) => limits.setGameLimits(caller, data),
});

/** Excludes the caller from every game for 1, 7 or 30 days or permanently; never lifted early. */
export const selfExcludeFromGames = defineCallable({
  name: "games.selfExcludeFromGames",
  input: SelfExcludeFromGamesRequestSchema,
  rateLimit: { perUid: { tokens: 20, windowSeconds: 60 } },
  handler: ({ caller, data }) => limits.selfExcludeFromGames(caller, data),
});

/** The caller's limits in force, a pending raise, today's net loss and what remains. */
export const getGameLimits = defineCallable({
  name: "games.getGameLimits",
  input: GetGameLimitsRequestSchema,
  handler: ({ caller }) => limits.getGameLimits(caller),
});
