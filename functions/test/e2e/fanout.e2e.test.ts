/**
 * Go-live fan-out end to end: the host starts a stream over HTTP (and the app retries the start), the
 * fan-out's page tasks are dispatched by firebase-tools' Cloud Tasks emulator to the functions emulator,
 * and every push goes through the real Admin SDK to the FCM stand-in, where each token's messages are
 * counted. Followers are seeded with Firestore triggers off, so only the fan-out runs.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { pushedMessages } from "../support/delivery.js";
import { callOk, signUp, useStackAdmin } from "../support/e2e.js";
import { countDeliveries, seedFollowers } from "../support/fanout-world.js";
import { waitUntil } from "../support/firestore.js";
import { resetStack, useCleanStack, withoutFirestoreTriggers } from "../support/stack.js";

describe("e2e: go-live fan-out over HTTP, paged by the Cloud Tasks emulator", function () {
  this.timeout(240_000);
  useCleanStack();
  const stack = useStackAdmin();
  // Emptying the database raises a delete event per document: with triggers off, the thousand devices
  // seeded here reach no device trigger of the next suite.
  afterEach(async function () {
    this.timeout(300_000);
    await withoutFirestoreTriggers(resetStack);
  });

  it("a start sent twice notifies every opted-in follower's devices exactly once, in page tasks", async () => {
    const host = await signUp(stack, "host", { roles: ["host"] });
    const world = await withoutFirestoreTriggers(() => seedFollowers(stack.firestore, host.localId, 1_100));

    const request = { requestId: randomUUID(), title: "Evening chat", category: "chat", visibility: "public", country: "IN", region: "south-asia" };
    const { streamId } = await callOk<{ streamId: string }>("startStream", request, host);
    const replay = await callOk<{ streamId: string }>("startStream", request, host);
    assert.equal(replay.streamId, streamId);

    const fanout = await waitUntil(
      "the fan-out's pages are all done",
      async () => {
        const data = (await stack.firestore.doc(`notificationFanouts/go-live-${streamId}`).get()).data();
        return data?.status === "done" ? data : null;
      },
      180_000,
    );
    assert.equal(fanout.pages, 3);
    assert.equal(fanout.totals.followers, 1_100);

    const sent = await pushedMessages();
    const { perToken, duplicates, missed, unexpected } = countDeliveries(
      sent.map((message) => message.deliveredTo),
      world,
    );
    assert.deepEqual({ duplicates, missed, unexpected }, { duplicates: 0, missed: 0, unexpected: 0 });
    for (const token of world.silentTokens) assert.equal(perToken.get(token), undefined);
    const pages = await stack.firestore.collection(`notificationFanouts/go-live-${streamId}/fanoutPages`).get();
    assert.deepEqual(pages.docs.map((page) => [page.id, page.get("status")]).sort(), [
      ["0", "done"],
      ["1", "done"],
      ["2", "done"],
    ]);
  });
});
