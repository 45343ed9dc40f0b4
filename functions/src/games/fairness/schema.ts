/**
 * The provably fair contract shared by every game: the fairness record stored (and published) with each
 * Greedy round and Teen Patti hand, the public round record the verifier takes, the verifyRound callable
 * and its refusals. Importable by clients.
 */
import * as z from "zod";
import { KeySafeIdSchema } from "../../kernel/validation.js";
import { GameNameSchema, type PublicRoundRecord, type RecomputedOutcome } from "./record.js";

export {
  type FairnessRecord,
  FairnessRecordSchema,
  GAME_NAMES,
  type GameName,
  GameNameSchema,
  type PublicRoundRecord,
  PublicRoundRecordSchema,
  type RecomputedOutcome,
} from "./record.js";

/**
 * Where verifyRound reads the public record. gameRounds/{roundId} (Greedy) holds `fairness`
 * (FairnessRecord), `weights` (the round's published item weights, number[]) and `winningIndex`
 * (number, null until drawn); gameHands/{handId} (Teen Patti) holds `fairness` and, once revealed,
 * `hands`: one { cards: string[3], ... } per player in dealing order (dealHands(dealDeck(stream), players);
 * Firestore stores no arrays of arrays, so each hand is a map, free to carry the game's own fields).
 */

/** details.reason of the fairness refusals. */
export const FairnessRefusalSchema = z.enum(["not-revealed"]);
export type FairnessRefusal = z.infer<typeof FairnessRefusalSchema>;

// ---------- setGameClientSeed ----------

/** 1–64 printable ASCII characters (space to ~): no newline, so the sorted, newline-joined combination is unambiguous. */
export const ClientSeedSchema = z.string().regex(/^[\x20-\x7e]{1,64}$/, "1 to 64 printable ASCII characters");

export const SetGameClientSeedRequestSchema = z.object({ clientSeed: ClientSeedSchema }).strict();
export type SetGameClientSeedRequest = z.infer<typeof SetGameClientSeedRequestSchema>;
export interface SetGameClientSeedResponse {
  clientSeed: string;
}

// ---------- verifyRound ----------

export const VerifyRoundRequestSchema = z.object({ game: GameNameSchema, roundId: KeySafeIdSchema }).strict();
export type VerifyRoundRequest = z.infer<typeof VerifyRoundRequestSchema>;

export interface VerifyRoundResponse {
  /** The commitment is SHA-256 of the revealed seed and the recomputed outcome equals the recorded one. */
  verified: boolean;
  commitmentMatches: boolean;
  outcomeMatches: boolean;
  outcome: RecomputedOutcome;
  record: PublicRoundRecord;
}
