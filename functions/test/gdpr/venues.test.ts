import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { exportMyData } from "../../src/gdpr/callables.js";
import { runAccountDeletion } from "../../src/gdpr/deletion.js";
import { db, firestoreValues, rtdb } from "../../src/kernel/app.js";
import { callInProcess } from "../support/callables.js";
import { host, start } from "../support/live-world.js";
import { enter, makeUser, openRoom } from "../support/rooms-world.js";
import { useCleanStack } from "../support/stack.js";

/** A chat message as the moderation trigger leaves it: live in the RTDB and archived in Firestore. */
async function chatMessage(venueKey: string, uid: string, text: string): Promise<string> {
  const id = `m-${randomUUID().slice(0, 8)}`;
  const { Timestamp } = firestoreValues();
  await rtdb().ref(`chat/${venueKey}/${id}`).set({ uid, text, createdAt: Date.now() });
  await db()
    .doc(`chatArchive/${venueKey}/messages/${id}`)
    .set({ venueKey, messageId: id, uid, text, createdAt: Timestamp.now(), moderation: { verdict: "clean", flagged: false } });
  return id;
}

describe("gdpr: streams, rooms and chat", () => {
  useCleanStack();

  it("the export carries the streams hosted, rooms owned and messages sent; deletion ends, closes, leaves and redacts", async () => {
    const subject = await host();
    const { streamId } = await start(subject);
    const roomId = await openRoom(subject.user);
    const otherOwner = await makeUser();
    const otherRoom = await openRoom(otherOwner);
    await enter(subject.user, otherRoom);
    const otherKey = `room_${otherRoom}`;
    // What the onVenueMemberAdmitted trigger records (in-process writes fire no triggers).
    await rtdb().ref(`venueIndex/${otherKey}`).set({ lastJoinAt: Date.now() });
    const mine = await chatMessage(otherKey, subject.uid, "see you at nine, my number is 555-0199");
    const theirs = await chatMessage(otherKey, otherOwner.uid, "hello all");

    const { bundle } = await callInProcess(exportMyData, { user: subject.user });
    assert.deepEqual(
      bundle.streamsHosted.map((s) => s.id),
      [streamId],
    );
    assert.deepEqual(
      bundle.roomsOwned.map((r) => r.id),
      [roomId],
    );
    assert.deepEqual(
      bundle.messagesSent.map((m) => [m.id, m.venueKey, m.text]),
      [[mine, otherKey, "see you at nine, my number is 555-0199"]],
    );

    assert.equal((await runAccountDeletion(subject.uid)).status, "done");
    assert.equal((await db().doc(`streams/${streamId}`).get()).get("status"), "ended");
    assert.equal((await db().doc(`rooms/${roomId}`).get()).get("status"), "closed");
    assert.equal((await rtdb().ref(`members/${otherKey}/${subject.uid}`).get()).exists(), false, "left the other room");
    const archived = (await db().doc(`chatArchive/${otherKey}/messages/${mine}`).get()).data();
    assert.equal(archived?.text, null);
    assert.equal(archived?.redacted, true);
    assert.equal(archived?.uid, subject.uid, "kept under the pseudonymous id for moderation history");
    assert.equal((await rtdb().ref(`chat/${otherKey}/${mine}`).get()).exists(), false, "gone from the live chat");
    assert.equal((await db().doc(`chatArchive/${otherKey}/messages/${theirs}`).get()).get("text"), "hello all", "others' messages untouched");
    assert.equal((await rtdb().ref(`chat/${otherKey}/${theirs}`).get()).exists(), true);
  });
});
