/** How the apps reach the provably fair core: their own client seed, and any round's verification. */
import { defineCallable } from "../../kernel/callable.js";
import { setGameClientSeed as setClientSeed } from "./client-seeds.js";
import { verifyRound as verify } from "./rounds.js";
import { SetGameClientSeedRequestSchema, VerifyRoundRequestSchema } from "./schema.js";

/** Sets the caller's client seed, used from the next round or hand whose betting closes (deal happens) after. */
export const setGameClientSeed = defineCallable({
  name: "games.setGameClientSeed",
  input: SetGameClientSeedRequestSchema,
  rateLimit: { perUid: { tokens: 20, windowSeconds: 60 } },
  handler: ({ caller, data }) => setClientSeed(caller, data),
});

/** Recomputes a finished round's (hand's) outcome from its revealed seed: { verified, outcome, record }. */
export const verifyRound = defineCallable({
  name: "games.verifyRound",
  input: VerifyRoundRequestSchema,
  handler: ({ data }) => verify(data),
});
