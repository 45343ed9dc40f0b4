/** Where the games' fairness data lives: players' settings (gamePlayers/{uid}) and the public round records. */
import type { DocumentReference } from "firebase-admin/firestore";
import { db } from "../../kernel/app.js";
import { Collections } from "../../kernel/collections.js";
import type { GameName } from "./record.js";

/** gamePlayers/{uid}: the player's client seed and responsible limits (games/limits). */
export const gamePlayerRef = (uid: string): DocumentReference => db().collection(Collections.gamePlayers).doc(uid);

/** gameRounds/{roundId} (Greedy) or gameHands/{handId} (Teen Patti): the public record of one round or hand. */
export const publicRoundRef = (game: GameName, roundId: string): DocumentReference =>
  db()
    .collection(game === "greedy" ? Collections.gameRounds : Collections.gameHands)
    .doc(roundId);
