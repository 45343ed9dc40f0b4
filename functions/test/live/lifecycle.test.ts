import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { db } from "../../src/kernel/app.js";
import { endStream, startStream, updateStreamInvites } from "../../src/live/callables.js";
import { callInProcess, expectHttpsError } from "../support/callables.js";
import { docData } from "../support/firestore.js";
import {
  clearConfigCaches,
  decodeMediaToken,
  end,
  host,
  join,
  liveState,
  memberOf,
  moderator,
  rtdbValue,
  snapshotEverything,
  start,
  streamDoc,
  streamRequest,
  viewer,
} from "../support/live-world.js";
import { useCleanStack } from "../support/stack.js";

describe("live: stream lifecycle", () => {
  useCleanStack();
  beforeEach(clearConfigCaches);

  it("startStream writes the stream document, the live state and the host's membership, and hands the host a publish token", async () => {
    const luna = await host({ displayName: "Luna", avatarPath: "avatars/luna/a.jpg" });
    const started = await start(luna, { coverPath: `streamCovers/${luna.uid}/c.jpg` });

    const stream = await streamDoc(started.streamId);
    assert.equal(stream.hostUid, luna.uid);
    assert.equal(stream.status, "live");
    assert.equal(stream.title, "Evening chat");
    assert.equal(stream.visibility, "public");
    assert.equal(stream.discoverable, true);
    assert.equal(stream.country, "BR");
    assert.equal(stream.region, "latam");
    assert.equal(stream.language, "pt-BR");
    assert.equal(stream.coverPath, `streamCovers/${luna.uid}/c.jpg`);
    assert.equal(stream.hostName, "Luna");
    assert.equal(stream.guestSlots, 3);
    assert.equal(stream.pkBattleId, null);
    assert.equal(stream.endedAt, null);
    assert.equal(stream.finalized, false);
    assert.deepEqual(await docData(`liveHosts/${luna.uid}`).then((d) => d?.streamId), started.streamId);
    assert.equal(started.stream.id, started.streamId);
    assert.equal(started.stream.locked, false);

    const state = await liveState(started.streamId);
    assert.equal(state?.hostUid, luna.uid);
    assert.equal(state?.status, "live");
    assert.equal(state?.title, "Evening chat");
    assert.deepEqual(state?.viewers, { current: 0, peak: 0 });
    assert.equal(state?.guestSlots, 3);
    assert.equal(state?.startedAt, stream.startedAt.toMillis());
    assert.equal((await memberOf(started.streamId, luna.uid))?.role, "host");

    const token = await decodeMediaToken(started.media.token);
    assert.equal(token.sub, luna.uid);
    assert.equal(token.room, `stream_${started.streamId}`);
    assert.equal(token.canPublish, true);
    assert.equal(started.media.room, `stream_${started.streamId}`);
  });

  it("is idempotent per requestId: a replay returns the same stream; a reused id with other input is refused", async () => {
    const luna = await host();
    const data = streamRequest();
    const first = await callInProcess(startStream, { user: luna.user, data });
    const again = await callInProcess(startStream, { user: luna.user, data });
    assert.equal(again.streamId, first.streamId);
    assert.equal((await db().collection("streams").where("hostUid", "==", luna.uid).get()).size, 1);
    await expectHttpsError(callInProcess(startStream, { user: luna.user, data: { ...data, title: "Other" } }), "failed-precondition");
  });

  it("allows one live stream per host, even when starts race; a new one after the end", async function () {
    this.timeout(30_000);
    const luna = await host();
    const outcomes = await Promise.allSettled(Array.from({ length: 6 }, () => start(luna)));
    const won = outcomes.filter((o) => o.status === "fulfilled");
    assert.equal(won.length, 1, "exactly one start wins");
    for (const o of outcomes) if (o.status === "rejected") assert.equal((o.reason as { code: string }).code, "failed-precondition");
    assert.equal((await db().collection("streams").where("hostUid", "==", luna.uid).get()).size, 1);

    const streamId = (won[0] as PromiseFulfilledResult<{ streamId: string }>).value.streamId;
    const refused = await expectHttpsError(start(luna), "failed-precondition");
    assert.equal((refused.details as { streamId: string }).streamId, streamId);
    await end(luna, streamId);
    const next = await start(luna);
    assert.notEqual(next.streamId, streamId);
  });

  it("only hosts start streams, and a suspended host cannot", async () => {
    const mia = await viewer();
    await expectHttpsError(start(mia), "permission-denied");
    const luna = await host();
    await db().doc(`bans/${luna.uid}`).set({ reason: "spam" });
    await expectHttpsError(start(luna), "permission-denied");
  });

  it("refuses malformed input with invalid-argument and writes nothing", async () => {
    const luna = await host();
    const before = await snapshotEverything();
    const bad: Record<string, unknown>[] = [
      {},
      { title: "" },
      { title: "x".repeat(81) },
      { visibility: "secret" },
      { visibility: "password" },
      { visibility: "public", password: "hunter22" },
      { invitedUids: ["a"] },
      { category: "Not A Slug" },
      { category: "knitting" },
      { country: "Brazil" },
      { region: "" },
      { language: "not a tag!" },
      { coverPath: "../etc/passwd" },
      { coverPath: "streamCovers/someone-else/c.jpg" },
      { requestId: "short" },
      { extra: true },
    ];
    for (const overrides of bad) {
      const data = Object.keys(overrides).length === 0 ? {} : streamRequest(overrides);
      await expectHttpsError(callInProcess(startStream, { user: luna.user, data }), "invalid-argument");
    }
    await expectHttpsError(callInProcess(startStream, { data: streamRequest() }), "unauthenticated");
    assert.deepEqual(await snapshotEverything(), before);
  });

  it("keeps password hashes and invitations out of the stream document", async () => {
    const luna = await host();
    const locked = await start(luna, { visibility: "password", password: "open sesame" });
    const doc = await docData(`streams/${locked.streamId}`);
    assert.ok(!JSON.stringify(doc).includes("open sesame"));
    assert.ok(!("passwordHash" in (doc ?? {})));
    const secret = await docData(`streamSecrets/${locked.streamId}`);
    assert.match(String(secret?.passwordHash), /^scrypt\$16384\$8\$1\$/);
    assert.ok(!String(secret?.passwordHash).includes("open sesame"));
    const record = (await db().collection("idempotency").get()).docs.map((d) => JSON.stringify(d.data()));
    assert.ok(
      record.every((r) => !r.includes("open sesame")),
      "the password is not in the idempotency record",
    );
  });

  it("endStream by the host ends it once, clears the venue and frees the host for a new stream", async () => {
    const luna = await host();
    const mia = await viewer();
    const { streamId } = await start(luna);
    await join(mia, streamId);
    const first = await end(luna, streamId);
    assert.equal(first.changed, true);
    assert.equal(first.status, "ended");
    assert.ok(first.analytics);

    const stream = await streamDoc(streamId);
    assert.equal(stream.status, "ended");
    assert.ok(stream.endedAt);
    assert.equal(stream.endedBy, luna.uid);
    assert.equal(stream.finalized, true);
    assert.equal(await docData(`liveHosts/${luna.uid}`), undefined);

    const state = await liveState(streamId);
    assert.equal(state?.status, "ended");
    assert.equal(state?.guests, undefined);
    assert.equal(state?.viewers.current, 0);
    assert.equal(state?.viewers.peak, 1);
    assert.equal(await rtdbValue(`members/stream_${streamId}`), null);
    assert.equal(await rtdbValue(`streams/${streamId}/audience`), null);

    const again = await end(luna, streamId);
    assert.equal(again.changed, false);
    assert.deepEqual(again.analytics, first.analytics);
    await expectHttpsError(join(mia, streamId), "failed-precondition");
  });

  it("only the host or staff end a stream; a moderator's end is audited", async () => {
    const luna = await host();
    const mia = await viewer();
    const mod = await moderator();
    const { streamId } = await start(luna);
    await expectHttpsError(end(mia, streamId), "permission-denied");
    assert.equal((await streamDoc(streamId)).status, "live");
    await expectHttpsError(end(mia, "no-such-stream"), "not-found");

    const ended = await callInProcess(endStream, { user: mod.user, data: { streamId, reason: "policy violation" } });
    assert.equal(ended.changed, true);
    const stream = await streamDoc(streamId);
    assert.equal(stream.endedBy, mod.uid);
    assert.equal(stream.endReason, "policy violation");
    const audit = await db().collection("auditLog").where("action", "==", "live.endStream").get();
    assert.equal(audit.size, 1);
    assert.equal(audit.docs[0]?.get("targetUid"), luna.uid);
  });

  it("updateStreamInvites edits the invitation list of the host's private stream only", async () => {
    const luna = await host();
    const [mia, noah] = [await viewer(), await viewer()];
    const priv = await start(luna, { visibility: "private", invitedUids: [mia.uid] });
    await expectHttpsError(join(noah, priv.streamId), "permission-denied");
    const changed = await callInProcess(updateStreamInvites, { user: luna.user, data: { streamId: priv.streamId, add: [noah.uid] } });
    assert.equal(changed.invited, 2);
    await join(noah, priv.streamId);
    const other = await host();
    await expectHttpsError(
      callInProcess(updateStreamInvites, { user: other.user, data: { streamId: priv.streamId, add: [other.uid] } }),
      "permission-denied",
    );
    const pub = await start(other);
    await expectHttpsError(
      callInProcess(updateStreamInvites, { user: other.user, data: { streamId: pub.streamId, add: [mia.uid] } }),
      "failed-precondition",
    );
    await expectHttpsError(callInProcess(updateStreamInvites, { user: luna.user, data: { streamId: priv.streamId } }), "invalid-argument");
  });

  it("ending a stream releases it from its PK battle (forfeitPkForStream)", async () => {
    const luna = await host();
    const { streamId } = await start(luna);
    await db().doc(`streams/${streamId}`).update({ pkBattleId: "battle-gone" });
    await end(luna, streamId);
    assert.equal((await streamDoc(streamId)).pkBattleId, null);
  });

  it("a replayed start after the stream ended hands out no token", async () => {
    const luna = await host();
    const data = streamRequest({ requestId: randomUUID() });
    const { streamId } = await callInProcess(startStream, { user: luna.user, data });
    await end(luna, streamId);
    const err = await expectHttpsError(callInProcess(startStream, { user: luna.user, data }), "failed-precondition");
    assert.equal((err.details as { streamId: string }).streamId, streamId);
  });
});
