/**
 * The public shapes of provably fair play: the fairness record stored with every round and hand, and the
 * public round record anyone verifies. zod and the fairness core only, so the standalone verifier script
 * loads no Firebase code; schema.ts re-exports them as part of the contract.
 */
import * as z from "zod";
import { FAIRNESS_ALGORITHM } from "./fairness.js";

export const GAME_NAMES = ["greedy", "teenpatti"] as const;
export const GameNameSchema = z.enum(GAME_NAMES);
export type GameName = z.infer<typeof GameNameSchema>;

const Hex64 = z.string().regex(/^[0-9a-f]{64}$/, "64 lowercase hex characters");

/**
 * The `fairness` field of gameRounds/{roundId} and gameHands/{handId}, as published once revealed.
 * commitment is stored before betting opens (before the deal), clientSeed (roundClientSeed of the
 * participants) and nonce when betting closes (at the deal; clientSeed null until then), serverSeed and
 * revealedAt once the round or hand is over (null until then; stored as a Timestamp, epoch ms here). The
 * secret seed itself waits in a server-only document until the reveal.
 */
export const FairnessRecordSchema = z.object({
  algorithm: z.literal(FAIRNESS_ALGORITHM),
  commitment: Hex64,
  serverSeed: Hex64.nullable(),
  clientSeed: z.string().min(1).max(256),
  nonce: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  revealedAt: z.number().int().nullable(),
});
export type FairnessRecord = z.infer<typeof FairnessRecordSchema>;

const CardSchema = z.string().regex(/^[A2-9TJQK][cdhs]$/, "a card like As, Td, 7c");

/**
 * What anyone can check a round with (the verifier script's input, verifyRound's `record`): the fairness
 * record plus the published inputs and the recorded result. Greedy: the round's item weights and the
 * winning item's index. Teen Patti: the hands in dealing order (see dealHands in outcomes.ts).
 */
export const PublicRoundRecordSchema = z.discriminatedUnion("game", [
  z.object({
    game: z.literal("greedy"),
    id: z.string().optional(),
    fairness: FairnessRecordSchema,
    weights: z
      .array(
        z
          .number()
          .int()
          .min(0)
          .max(2 ** 32),
      )
      .min(1)
      .max(64)
      .refine((weights) => {
        const sum = weights.reduce((total, weight) => total + weight, 0);
        return sum >= 1 && sum <= 2 ** 32;
      }, "the weights sum to between 1 and 2^32"),
    winningIndex: z.number().int().min(0),
  }),
  z.object({
    game: z.literal("teenpatti"),
    id: z.string().optional(),
    fairness: FairnessRecordSchema,
    hands: z.array(z.array(CardSchema).length(3)).min(1).max(17),
  }),
]);
export type PublicRoundRecord = z.infer<typeof PublicRoundRecordSchema>;

/** What the verifier recomputes: Greedy's winning index; Teen Patti's whole deck and the hands dealt from it. */
export type RecomputedOutcome = { game: "greedy"; winningIndex: number } | { game: "teenpatti"; deck: string[]; hands: string[][] };
