/**
 * PK configuration (config/pk, admin-managed): challenge timeout, battle and punishment lengths, the grace
 * for late ledger commits, and the optional winner reward with the rules that keep it from being farmed.
 * Missing fields take the defaults; a battle copies its lengths at challenge time, so an edit never changes
 * a battle in flight.
 */
import * as z from "zod";
import { configDocument } from "../../kernel/config-document.js";

export const PkConfigSchema = z.object({
  /** How long the challenged host has to answer. */
  challengeTimeoutSeconds: z.number().int().min(5).max(300).default(20),
  battleSeconds: z.number().int().min(10).max(3_600).default(300),
  /** The punishment/celebration phase after the result; 0 ends the battle with the result. */
  punishmentSeconds: z.number().int().min(0).max(900).default(60),
  /**
   * The result is computed this long after the end, so gifts committed just before the end (their ledger
   * createdAt is inside the window) are in the ledger when it is read.
   */
  resultGraceSeconds: z.number().int().min(0).max(120).default(5),
  /** Coins minted to the winner (not on a draw, never on a forfeit); 0 turns the reward off. */
  winnerRewardCoins: z.number().int().min(0).max(10_000_000).default(0),
  /** A battle must have run this long (seconds, start to end) for its winner to be rewarded. */
  rewardMinBattleSeconds: z.number().int().min(0).max(3_600).default(60),
  /**
   * The winner's score (gift coins received in the battle) needed for the reward. Kept at or above
   * winnerRewardCoins, a reward never pays more than the gifts it took.
   */
  rewardMinWinnerScore: z.number().int().min(0).max(1_000_000_000).default(1_000),
  /** Rewards one host may win per UTC day. */
  rewardDailyCapPerHost: z.number().int().min(0).max(1_000).default(10),
  /** Rewards paid per UTC day within one pair of hosts, whoever won. */
  rewardDailyCapPerPair: z.number().int().min(0).max(1_000).default(3),
});
export type PkConfig = z.infer<typeof PkConfigSchema>;

const pk = configDocument("pk", PkConfigSchema);

export const pkConfig = (): Promise<PkConfig> => pk.get();
