import assert from "node:assert/strict";
import { clearConfigCaches } from "../../src/kernel/config-document.js";
import {
  answerGuestInvite,
  answerGuestRequest,
  getStreamMediaToken,
  inviteGuest,
  kickFromStream,
  leaveGuestSlot,
  removeGuest,
  requestGuestSlot,
} from "../../src/live/callables.js";
import { normaliseSeats, releaseGuestSlot } from "../../src/live/guests.js";
import { callInProcess, expectHttpsError } from "../support/callables.js";
import {
  decodeMediaToken,
  end,
  host,
  join,
  moderator,
  type Person,
  people,
  rtdbValue,
  setLiveConfig,
  snapshotEverything,
  start,
  streamDoc,
  viewer,
} from "../support/live-world.js";
import { queuedFor } from "../support/notifications.js";
import { useCleanStack } from "../support/stack.js";

async function seats(streamId: string): Promise<Record<string, string>> {
  const value = normaliseSeats(await rtdbValue(`streams/${streamId}/state/guests`));
  return Object.fromEntries(Object.entries(value).map(([slot, seat]) => [slot, seat.uid]));
}

const invite = (by: Person, streamId: string, uid: string) => callInProcess(inviteGuest, { user: by.user, data: { streamId, uid } });
const ask = (who: Person, streamId: string) => callInProcess(requestGuestSlot, { user: who.user, data: { streamId } });
const answerInvite = (who: Person, streamId: string, accept: boolean) =>
  callInProcess(answerGuestInvite, { user: who.user, data: { streamId, accept } });
const answerRequest = (by: Person, streamId: string, uid: string, accept: boolean) =>
  callInProcess(answerGuestRequest, { user: by.user, data: { streamId, uid, accept } });
const mediaFor = (who: Person, streamId: string) => callInProcess(getStreamMediaToken, { user: who.user, data: { streamId } });

describe("live: guests on stage", () => {
  useCleanStack();
  beforeEach(clearConfigCaches);

  it("10 invited viewers racing to accept 3 slots: exactly 3 seated, each in their own slot", async function () {
    this.timeout(90_000);
    const luna = await host();
    const crowd = await people(10);
    const { streamId } = await start(luna);
    await Promise.all(crowd.map((p) => join(p, streamId)));
    for (const p of crowd) assert.equal((await invite(luna, streamId, p.uid)).status, "pending");

    const outcomes = await Promise.allSettled(crowd.map((p) => answerInvite(p, streamId, true)));
    const seated = outcomes.filter((o) => o.status === "fulfilled");
    assert.equal(seated.length, 3);
    for (const o of outcomes) if (o.status === "rejected") assert.equal((o.reason as { code: string }).code, "resource-exhausted");

    const taken = await seats(streamId);
    assert.deepEqual(Object.keys(taken).sort(), ["0", "1", "2"]);
    assert.equal(new Set(Object.values(taken)).size, 3, "no guest holds two slots");
    const slots = seated.map((o) => (o as PromiseFulfilledResult<{ slot: number }>).value.slot).sort();
    assert.deepEqual(slots, [0, 1, 2]);
    assert.deepEqual((await streamDoc(streamId)).guestUids.sort(), Object.values(taken).sort());
  });

  it("a request accepted by the host seats the viewer; a declined one does not; asking twice changes nothing", async () => {
    const luna = await host();
    const [mia, noah] = await people(2);
    const { streamId } = await start(luna);
    await Promise.all([join(mia, streamId), join(noah, streamId)]);

    assert.deepEqual(await ask(mia, streamId), { status: "pending", slot: null });
    assert.deepEqual(await rtdbValue(`streams/${streamId}/guestQueue/${mia.uid}/kind`), "request");
    assert.deepEqual(await answerRequest(luna, streamId, mia.uid, true), { status: "seated", slot: 0 });
    assert.deepEqual(await ask(mia, streamId), { status: "seated", slot: 0 });
    assert.equal(await rtdbValue(`streams/${streamId}/guestQueue/${mia.uid}`), null);

    await ask(noah, streamId);
    assert.deepEqual(await answerRequest(luna, streamId, noah.uid, false), { status: "declined", slot: null });
    await expectHttpsError(answerRequest(luna, streamId, noah.uid, true), "failed-precondition");
    assert.deepEqual(await seats(streamId), { "0": mia.uid });
  });

  it("asking when the other side already asked seats at once (invite meets request and vice versa)", async () => {
    const luna = await host();
    const [mia, noah] = await people(2);
    const { streamId } = await start(luna);
    await Promise.all([join(mia, streamId), join(noah, streamId)]);
    await ask(mia, streamId);
    assert.equal((await invite(luna, streamId, mia.uid)).status, "seated");
    await invite(luna, streamId, noah.uid);
    assert.equal((await ask(noah, streamId)).status, "seated");
    assert.deepEqual(Object.values(await seats(streamId)).sort(), [mia.uid, noah.uid].sort());
  });

  it("an invitation notifies the viewer once (a repeat while it stands adds nothing); a new one after a decline does", async () => {
    const luna = await host();
    const [mia, noah] = await people(2);
    const { streamId } = await start(luna);
    await Promise.all([join(mia, streamId), join(noah, streamId)]);
    await Promise.all([invite(luna, streamId, mia.uid), invite(luna, streamId, mia.uid)]);
    await invite(luna, streamId, mia.uid);
    const notes = await queuedFor(mia.uid, "guest-invite");
    assert.equal(notes.length, 1);
    assert.equal(notes[0]?.actorUid, luna.uid);
    assert.deepEqual(notes[0]?.data, { streamId, hostUid: luna.uid, hostName: `Name ${luna.uid}`, title: "Evening chat" });

    await answerInvite(mia, streamId, false);
    await invite(luna, streamId, mia.uid);
    assert.equal((await queuedFor(mia.uid, "guest-invite")).length, 2);

    // Inviting a viewer who already asked seats them at once: nothing to be invited to.
    await ask(noah, streamId);
    assert.equal((await invite(luna, streamId, noah.uid)).status, "seated");
    assert.deepEqual(await queuedFor(noah.uid, "guest-invite"), []);
  });

  it("guests leave or are removed (by the host or a moderator), and a freed slot is reused", async () => {
    const luna = await host();
    const [mia, noah, ava] = await people(3);
    const mod = await moderator();
    const { streamId } = await start(luna);
    await Promise.all([join(mia, streamId), join(noah, streamId), join(ava, streamId), join(mod, streamId)]);
    for (const p of [mia, noah]) {
      await invite(luna, streamId, p.uid);
      await answerInvite(p, streamId, true);
    }
    assert.deepEqual(await callInProcess(leaveGuestSlot, { user: mia.user, data: { streamId } }), { status: "removed", slot: null });
    assert.deepEqual(await callInProcess(leaveGuestSlot, { user: mia.user, data: { streamId } }), { status: "none", slot: null });
    await expectHttpsError(callInProcess(removeGuest, { user: ava.user, data: { streamId, uid: noah.uid } }), "permission-denied");
    assert.equal((await callInProcess(removeGuest, { user: mod.user, data: { streamId, uid: noah.uid } })).status, "removed");
    assert.deepEqual(await seats(streamId), {});

    await invite(luna, streamId, ava.uid);
    assert.deepEqual(await answerInvite(ava, streamId, true), { status: "seated", slot: 0 });
    assert.equal(await releaseGuestSlot(streamId, ava.uid, "test"), true);
    assert.equal(await releaseGuestSlot(streamId, ava.uid, "test"), false);
  });

  it("only the host invites and answers; candidates must be in the stream; the host is never a guest", async () => {
    const luna = await host();
    const [mia, outsider] = await people(2);
    const { streamId } = await start(luna);
    await join(mia, streamId);
    await expectHttpsError(invite(mia, streamId, mia.uid), "permission-denied");
    await expectHttpsError(invite(luna, streamId, outsider.uid), "failed-precondition");
    await expectHttpsError(invite(luna, streamId, luna.uid), "failed-precondition");
    await expectHttpsError(ask(outsider, streamId), "failed-precondition");
    await expectHttpsError(answerInvite(mia, streamId, true), "failed-precondition");
    await ask(mia, streamId);
    await expectHttpsError(answerRequest(mia, streamId, mia.uid, true), "permission-denied");
    const before = await snapshotEverything();
    for (const data of [{ streamId }, { streamId, uid: mia.uid }, { streamId, uid: mia.uid, accept: "yes" }]) {
      await expectHttpsError(callInProcess(answerGuestRequest, { user: luna.user, data }), "invalid-argument");
    }
    assert.deepEqual(await snapshotEverything(), before);
  });

  it("a declined invitation is gone; a stream without guest slots refuses guests", async () => {
    await setLiveConfig({ guestSlots: 0 });
    const luna = await host();
    const mia = await viewer();
    const { streamId } = await start(luna);
    await join(mia, streamId);
    await expectHttpsError(invite(luna, streamId, mia.uid), "failed-precondition");
    await setLiveConfig({ guestSlots: 2 });
    const other = await host();
    const second = await start(other);
    await join(mia, second.streamId);
    await invite(other, second.streamId, mia.uid);
    assert.deepEqual(await answerInvite(mia, second.streamId, false), { status: "declined", slot: null });
    await expectHttpsError(answerInvite(mia, second.streamId, true), "failed-precondition");
  });

  it("media tokens: publish only for the host and seated guests, subscribe for members, nothing for outsiders", async () => {
    const luna = await host();
    const [mia, noah, outsider] = await people(3);
    const { streamId } = await start(luna);
    await Promise.all([join(mia, streamId), join(noah, streamId)]);
    await invite(luna, streamId, mia.uid);
    await answerInvite(mia, streamId, true);

    const hostToken = await mediaFor(luna, streamId);
    const guestToken = await mediaFor(mia, streamId);
    const viewerToken = await mediaFor(noah, streamId);
    assert.equal(hostToken.role, "host");
    assert.equal(guestToken.isGuest, true);
    assert.equal(viewerToken.isGuest, false);
    for (const [token, uid, publish] of [
      [hostToken, luna.uid, true],
      [guestToken, mia.uid, true],
      [viewerToken, noah.uid, false],
    ] as const) {
      const decoded = await decodeMediaToken(token.media.token);
      assert.equal(decoded.sub, uid);
      assert.equal(decoded.room, `stream_${streamId}`);
      assert.equal(decoded.canPublish, publish, `publish for ${uid}`);
      assert.equal(decoded.canSubscribe, true);
      assert.equal(decoded.ttlSeconds, 300);
    }
    // Rejoining while seated (a reconnect) keeps publish rights.
    assert.equal((await decodeMediaToken((await join(mia, streamId)).media.token)).canPublish, true);
    await expectHttpsError(mediaFor(outsider, streamId), "permission-denied");

    // Off stage: subscribe only from the next token on.
    await callInProcess(leaveGuestSlot, { user: mia.user, data: { streamId } });
    assert.equal((await decodeMediaToken((await mediaFor(mia, streamId)).media.token)).canPublish, false);
  });

  it("kicking a guest frees the slot; ending the stream clears the stage and the queue", async () => {
    const luna = await host();
    const [mia, noah, ava] = await people(3);
    const { streamId } = await start(luna);
    await Promise.all([join(mia, streamId), join(noah, streamId), join(ava, streamId)]);
    for (const p of [mia, noah]) {
      await invite(luna, streamId, p.uid);
      await answerInvite(p, streamId, true);
    }
    await ask(ava, streamId);
    await callInProcess(kickFromStream, { user: luna.user, data: { streamId, uid: mia.uid } });
    assert.deepEqual(Object.values(await seats(streamId)), [noah.uid]);
    await expectHttpsError(mediaFor(mia, streamId), "permission-denied");

    await end(luna, streamId);
    assert.deepEqual(await seats(streamId), {});
    assert.equal(await rtdbValue(`streams/${streamId}/guestQueue`), null);
    await expectHttpsError(ask(noah, streamId), "failed-precondition");
    assert.equal((await streamDoc(streamId)).analytics?.guests, 2);
  });
});
