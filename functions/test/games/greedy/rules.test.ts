/**
 * Greedy under the rules, as the apps connect: the round mirror in the RTDB is readable by signed-in users
 * and writable by no client; round records are public, the server seed before the reveal, stakes and
 * exposure reservations are not readable, and nothing is client-writable.
 */
import { assertFails, assertSucceeds, type RulesTestEnvironment } from "@firebase/rules-unit-testing";
import { get, ref, set, update } from "firebase/database";
import { collection, doc, getDoc, getDocs, setDoc, updateDoc } from "firebase/firestore";
import { rtdb } from "../../../src/kernel/app.js";
import { RoomPaths } from "../../../src/venues/paths.js";
import { denied, firestoreRulesEnvironment, useRtdbClients } from "../../support/rules.js";
import { useCleanStack } from "../../support/stack.js";

describe("games greedy: rules", () => {
  describe("RTDB rooms/{roomId}/greedy", () => {
    useCleanStack();
    const client = useRtdbClients();

    it("signed-in users read the round mirror; no client writes it, nor its totals", async () => {
      await rtdb()
        .ref(RoomPaths.greedy("r1"))
        .set({ roundId: "gr_1", phase: "betting", totals: { corn: 100 } });
      await get(ref(client("alice"), RoomPaths.greedy("r1")));
      await denied(get(ref(client(null), RoomPaths.greedy("r1"))));
      await denied(set(ref(client("alice"), RoomPaths.greedyTotal("r1", "corn")), 1_000_000));
      await denied(update(ref(client("alice"), RoomPaths.greedy("r1")), { phase: "result", winningItemId: "corn" }));
      await denied(set(ref(client("alice"), RoomPaths.greedy("r2")), { phase: "betting" }));
    });
  });

  describe("Firestore", () => {
    let env: RulesTestEnvironment;
    before(async () => {
      env = await firestoreRulesEnvironment();
    });
    after(() => env.cleanup());
    beforeEach(async () => {
      await env.clearFirestore();
      await env.withSecurityRulesDisabled(async (context) => {
        const db = context.firestore();
        await setDoc(doc(db, "gameRounds/gr_1"), { game: "greedy", roomId: "r1", phase: "betting", fairness: { commitment: "c", serverSeed: null } });
        await setDoc(doc(db, "gameRounds/gr_1/private/seed"), { serverSeed: "s" });
        await setDoc(doc(db, "gameRounds/gr_1/greedyStakes/alice"), { uid: "alice", total: 100 });
        await setDoc(doc(db, "gameRounds/gr_1/greedyExposure/corn_0"), { reserved: 500 });
        await setDoc(doc(db, "greedyGames/r1"), { currentRoundId: "gr_1", running: true });
      });
    });
    const alice = () => env.authenticatedContext("alice").firestore();
    const anonymous = () => env.unauthenticatedContext().firestore();

    it("rounds and games are readable by signed-in users, not anonymously", async () => {
      await assertSucceeds(getDoc(doc(alice(), "gameRounds/gr_1")));
      await assertSucceeds(getDoc(doc(alice(), "greedyGames/r1")));
      await assertFails(getDoc(doc(anonymous(), "gameRounds/gr_1")));
    });

    it("the unrevealed seed, stakes and exposure reservations are not readable, even one's own stake", async () => {
      await assertFails(getDoc(doc(alice(), "gameRounds/gr_1/private/seed")));
      await assertFails(getDoc(doc(alice(), "gameRounds/gr_1/greedyStakes/alice")));
      await assertFails(getDocs(collection(alice(), "gameRounds/gr_1/greedyStakes")));
      await assertFails(getDocs(collection(alice(), "gameRounds/gr_1/greedyExposure")));
    });

    it("no client writes a round, a game, a stake or a reservation", async () => {
      await assertFails(updateDoc(doc(alice(), "gameRounds/gr_1"), { winningIndex: 7 }));
      await assertFails(setDoc(doc(alice(), "gameRounds/gr_2"), { game: "greedy" }));
      await assertFails(setDoc(doc(alice(), "greedyGames/r1"), { running: false }));
      await assertFails(setDoc(doc(alice(), "gameRounds/gr_1/greedyStakes/alice"), { uid: "alice", total: 0 }));
      await assertFails(setDoc(doc(alice(), "gameRounds/gr_1/greedyExposure/corn_0"), { reserved: 0 }));
    });
  });
});
