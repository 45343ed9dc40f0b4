import assert from "node:assert/strict";
import { setGameClientSeed } from "../../src/games/fairness/callables.js";
import { setGameLimits } from "../../src/games/limits/callables.js";
import { exportMyData } from "../../src/gdpr/callables.js";
import { runAccountDeletion } from "../../src/gdpr/deletion.js";
import { db } from "../../src/kernel/app.js";
import { bet, makePlayer, start } from "../games/greedy/support.js";
import { createTable, fundedPlayers, sit, table } from "../games/teenpatti/support.js";
import { callInProcess } from "../support/callables.js";
import { useCleanStack } from "../support/stack.js";

describe("gdpr: games", function () {
  this.timeout(60_000);
  useCleanStack();

  it("the export carries game settings, daily losses and Greedy stakes; deletion leaves tables and deletes the settings, keeping the stakes", async () => {
    const subject = await makePlayer("room-gdpr-games", 5_000);
    await callInProcess(setGameClientSeed, { user: subject, data: { clientSeed: "lucky-seven" } });
    await callInProcess(setGameLimits, { user: subject, data: { dailyLossLimit: 2_000 } });
    const { roundId } = await start(subject, "room-gdpr-games");
    await bet(subject, { roomId: "room-gdpr-games", roundId, itemId: "steak", chip: 100 });
    const [owner] = await fundedPlayers(1);
    const tableId = await createTable(owner as NonNullable<typeof owner>);
    await sit(subject, tableId);

    const { bundle } = await callInProcess(exportMyData, { user: subject });
    assert.equal(bundle.games.settings?.clientSeed, "lucky-seven");
    assert.equal(bundle.games.lossDays.length, 1, "today's stake counts towards the daily loss");
    assert.deepEqual(
      bundle.games.greedyStakes.map((s) => [s.roundId, s.total]),
      [[roundId, 100]],
    );

    assert.equal((await runAccountDeletion(subject.uid)).status, "done");
    assert.ok(!(await table(tableId)).seats.includes(subject.uid), "stood up from the table");
    assert.equal((await db().doc(`gamePlayers/${subject.uid}`).get()).exists, false);
    assert.equal((await db().collection(`gamePlayers/${subject.uid}/lossDays`).get()).size, 0);
    const stake = await db().doc(`gameRounds/${roundId}/greedyStakes/${subject.uid}`).get();
    assert.equal(stake.get("total"), 100, "the stake stays, as the ledger does, under the pseudonymous uid");
    // A second run finds nothing left to do and changes nothing.
    assert.equal((await runAccountDeletion(subject.uid)).status, "done");
  });
});
