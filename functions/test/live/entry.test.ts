import assert from "node:assert/strict";
import { Timestamp } from "firebase-admin/firestore";
import { db, rtdb } from "../../src/kernel/app.js";
import { joinStream, kickFromStream, leaveStream, pinStreamMessage, unbanFromStream } from "../../src/live/callables.js";
import { uniqueViewerCount } from "../../src/live/ranking.js";
import { syncViewer } from "../../src/live/viewers.js";
import { removeFromVenue } from "../../src/venues/membership.js";
import { callInProcess, expectHttpsError } from "../support/callables.js";
import {
  audienceSize,
  clearConfigCaches,
  decodeMediaToken,
  end,
  host,
  join,
  memberOf,
  moderator,
  type Person,
  people,
  rtdbValue,
  setLiveConfig,
  snapshotEverything,
  start,
  viewer,
  viewerCounts,
} from "../support/live-world.js";
import { useCleanStack } from "../support/stack.js";

async function reasonOf(promise: Promise<unknown>, code: "permission-denied" | "failed-precondition" | "resource-exhausted" = "permission-denied") {
  const err = await expectHttpsError(promise, code);
  return (err.details as { reason?: string } | undefined)?.reason;
}

async function follow(follower: Person, followed: Person): Promise<void> {
  const createdAt = Timestamp.now();
  await db().doc(`users/${follower.uid}/following/${followed.uid}`).set({ uid: followed.uid, createdAt });
  await db().doc(`users/${followed.uid}/followers/${follower.uid}`).set({ uid: follower.uid, createdAt });
}

describe("live: entering and leaving a stream", () => {
  useCleanStack();
  beforeEach(clearConfigCaches);

  it("admits a viewer of a public stream: member node, counts, unique viewers, a subscribe-only token for the venue", async () => {
    const luna = await host();
    const mia = await viewer();
    const { streamId } = await start(luna);
    const joined = await join(mia, streamId);
    assert.equal(joined.role, "viewer");
    assert.equal(joined.isGuest, false);
    assert.equal(joined.entrance, null);
    assert.equal(joined.stream.id, streamId);
    const member = await memberOf(streamId, mia.uid);
    assert.equal(member?.role, "viewer");
    assert.equal(typeof member?.at, "number");
    assert.deepEqual(await viewerCounts(streamId), { current: 1, peak: 1 });
    await join(mia, streamId);
    assert.equal(await uniqueViewerCount(streamId), 1, "a rejoin is the same unique viewer");

    const token = await decodeMediaToken(joined.media.token);
    assert.equal(token.sub, mia.uid);
    assert.equal(token.room, `stream_${streamId}`);
    assert.equal(token.canPublish, false);
    assert.equal(token.canSubscribe, true);
    assert.equal(token.ttlSeconds, 300);
    assert.ok(joined.media.expiresAt > Date.now() && joined.media.expiresAt <= Date.now() + 300_000);
  });

  it("private streams admit invited viewers only", async () => {
    const luna = await host();
    const [invited, stranger] = await people(2);
    const { streamId } = await start(luna, { visibility: "private", invitedUids: [invited.uid] });
    assert.equal((await join(invited, streamId)).role, "viewer");
    assert.equal(await reasonOf(join(stranger, streamId)), "not-invited");
    assert.equal(await memberOf(streamId, stranger.uid), null);
  });

  it("followers-only streams admit followers of the host only", async () => {
    const luna = await host();
    const [fan, stranger] = await people(2);
    await follow(fan, luna);
    const { streamId } = await start(luna, { visibility: "followers" });
    await join(fan, streamId);
    assert.equal(await reasonOf(join(stranger, streamId)), "followers-only");
  });

  it("password streams need the right password, and wrong guesses are limited per stream and user", async () => {
    await setLiveConfig({ passwordAttempts: 3 });
    const luna = await host();
    const [mia, noah] = await people(2);
    const { streamId } = await start(luna, { visibility: "password", password: "open sesame" });
    assert.equal(await reasonOf(join(mia, streamId)), "password-required");
    for (let i = 0; i < 3; i++) assert.equal(await reasonOf(join(mia, streamId, { password: `guess ${i}` })), "wrong-password");
    // Locked out now, even with the right password; another user is not.
    assert.equal(await reasonOf(join(mia, streamId, { password: "open sesame" }), "resource-exhausted"), "password-attempts");
    assert.equal((await join(noah, streamId, { password: "open sesame" })).role, "viewer");
    assert.equal(await memberOf(streamId, mia.uid), null);
  });

  it("refuses users in a block with the host, either direction, and suspended accounts", async () => {
    const luna = await host();
    const [blockedByHost, blockerOfHost, suspended, expiredBan] = await people(4);
    const { streamId } = await start(luna);
    await db().doc(`blocks/${luna.uid}__${blockedByHost.uid}`).set({ blockerUid: luna.uid, blockedUid: blockedByHost.uid });
    await db().doc(`blocks/${blockerOfHost.uid}__${luna.uid}`).set({ blockerUid: blockerOfHost.uid, blockedUid: luna.uid });
    await db().doc(`bans/${suspended.uid}`).set({ reason: "fraud" });
    await db()
      .doc(`bans/${expiredBan.uid}`)
      .set({ reason: "spam", expiresAt: Timestamp.fromMillis(Date.now() - 1000) });
    assert.equal(await reasonOf(join(blockedByHost, streamId)), "blocked");
    assert.equal(await reasonOf(join(blockerOfHost, streamId)), "blocked");
    // Every callable refuses a banned account before the stream's own checks run.
    assert.equal(await reasonOf(join(suspended, streamId)), "account-banned");
    await join(expiredBan, streamId);
    // The banned claim is refused before anything else.
    const claimed = await viewer();
    await expectHttpsError(
      callInProcess(joinStream, {
        user: { callAuth: { uid: claimed.uid, token: { ...claimed.user.callAuth.token, banned: true } } },
        data: { streamId },
      }),
      "permission-denied",
    );
  });

  it("staff enter any stream (private included) as moderators; the host rejoins as host with a publish token", async () => {
    const luna = await host();
    const mod = await moderator();
    const { streamId } = await start(luna, { visibility: "private", invitedUids: [] });
    const joined = await join(mod, streamId);
    assert.equal(joined.role, "moderator");
    assert.equal((await decodeMediaToken(joined.media.token)).canPublish, false);
    const again = await join(luna, streamId);
    assert.equal(again.role, "host");
    assert.equal((await decodeMediaToken(again.media.token)).canPublish, true);
    assert.deepEqual(await viewerCounts(streamId), { current: 1, peak: 1 }, "the host is not a viewer");
  });

  it("kick removes; kick with a ban keeps the user out until the ban ends or is lifted", async () => {
    const luna = await host();
    const [mia, noah] = await people(2);
    const { streamId } = await start(luna);
    await Promise.all([join(mia, streamId), join(noah, streamId)]);

    const kicked = await callInProcess(kickFromStream, { user: luna.user, data: { streamId, uid: mia.uid } });
    assert.deepEqual(kicked, { removed: true, bannedUntil: null });
    assert.equal(await memberOf(streamId, mia.uid), null);
    assert.deepEqual(await viewerCounts(streamId), { current: 1, peak: 2 });
    await join(mia, streamId);

    const banned = await callInProcess(kickFromStream, { user: luna.user, data: { streamId, uid: mia.uid, banMinutes: 10 } });
    assert.equal(banned.removed, true);
    const until = Date.parse(banned.bannedUntil as string);
    assert.ok(until > Date.now() + 9 * 60_000 && until <= Date.now() + 10 * 60_000);
    assert.equal(await rtdbValue(`bans/stream_${streamId}/${mia.uid}`), until);
    assert.equal(await reasonOf(join(mia, streamId)), "banned");

    // An expired ban no longer stands.
    await rtdb()
      .ref(`bans/stream_${streamId}/${mia.uid}`)
      .set(Date.now() - 1);
    await join(mia, streamId);
    await callInProcess(kickFromStream, { user: luna.user, data: { streamId, uid: mia.uid, banMinutes: 60 } });
    assert.deepEqual(await callInProcess(unbanFromStream, { user: luna.user, data: { streamId, uid: mia.uid } }), { unbanned: true });
    await join(mia, streamId);
    assert.deepEqual(await viewerCounts(streamId), { current: 2, peak: 2 });
  });

  it("only the host or staff moderate; nobody removes the host; hosts cannot remove staff", async () => {
    const luna = await host();
    const [mia, noah] = await people(2);
    const mod = await moderator();
    const { streamId } = await start(luna);
    await Promise.all([join(mia, streamId), join(noah, streamId), join(mod, streamId)]);
    await expectHttpsError(callInProcess(kickFromStream, { user: mia.user, data: { streamId, uid: noah.uid } }), "permission-denied");
    await expectHttpsError(callInProcess(kickFromStream, { user: mod.user, data: { streamId, uid: luna.uid } }), "failed-precondition");
    await expectHttpsError(callInProcess(kickFromStream, { user: luna.user, data: { streamId, uid: mod.uid } }), "permission-denied");
    const byMod = await callInProcess(kickFromStream, { user: mod.user, data: { streamId, uid: noah.uid, banMinutes: 5 } });
    assert.equal(byMod.removed, true);
    await setLiveConfig({ maxBanMinutes: 60 });
    const before = await snapshotEverything();
    await expectHttpsError(callInProcess(kickFromStream, { user: luna.user, data: { streamId, uid: mia.uid, banMinutes: 61 } }), "invalid-argument");
    for (const data of [{ streamId }, { streamId, uid: "a/b" }, { streamId, uid: mia.uid, banMinutes: 0 }, { streamId: "", uid: mia.uid }]) {
      await expectHttpsError(callInProcess(kickFromStream, { user: luna.user, data }), "invalid-argument");
    }
    assert.deepEqual(await snapshotEverything(), before);
  });

  it("keeps viewer counts exact: concurrent joins, rejoins, double leaves and the shared clean-up count once", async function () {
    this.timeout(60_000);
    const luna = await host();
    const crowd = await people(12);
    const { streamId } = await start(luna);
    await Promise.all(crowd.map((p) => join(p, streamId)));
    assert.deepEqual(await viewerCounts(streamId), { current: 12, peak: 12 });
    await Promise.all(crowd.slice(0, 4).map((p) => join(p, streamId)));
    assert.deepEqual(await viewerCounts(streamId), { current: 12, peak: 12 }, "rejoins are not new viewers");

    const leaving = crowd.slice(0, 5);
    const results = await Promise.all(
      leaving.flatMap((p) => [
        callInProcess(leaveStream, { user: p.user, data: { streamId } }),
        callInProcess(leaveStream, { user: p.user, data: { streamId } }),
      ]),
    );
    assert.equal(results.filter((r) => r.left).length, 5, "each leave counts once");
    assert.deepEqual(await viewerCounts(streamId), { current: 7, peak: 12 });

    // The presence sweep's path: removeFromVenue, which calls syncViewer; called again directly, nothing moves.
    const stale = crowd[6] as Person;
    await removeFromVenue({ type: "stream", id: streamId }, stale.uid, "stale");
    assert.equal(await syncViewer(streamId, stale.uid), false);
    assert.equal(await memberOf(streamId, stale.uid), null);
    assert.deepEqual(await viewerCounts(streamId), { current: 6, peak: 12 });
    await expectHttpsError(callInProcess(leaveStream, { user: luna.user, data: { streamId } }), "failed-precondition");
  });

  it("viewer counts stay exact under concurrent joins, leaves and rejoins of the same viewers in any order", async function () {
    this.timeout(180_000);
    const luna = await host();
    const crowd = await people(12);
    const { streamId } = await start(luna);
    const leave = (p: Person) => callInProcess(leaveStream, { user: p.user, data: { streamId } });
    // Each viewer fires join and leave calls at once (several rounds, both orders): every interleaving of a
    // viewer's arrival and departure with everyone else's happens somewhere in here.
    for (let round = 0; round < 3; round++) {
      await Promise.all(
        crowd.flatMap((p, i) => {
          const ops = [() => join(p, streamId), () => leave(p), () => join(p, streamId), () => leave(p)];
          if ((i + round) % 3 === 0) ops.push(() => join(p, streamId));
          if ((i + round) % 2) ops.reverse();
          return ops.map((op) => op().catch(() => undefined));
        }),
      );
    }
    const members = Object.values((await rtdbValue<Record<string, { role: string }>>(`members/stream_${streamId}`)) ?? {});
    const viewers = members.filter((m) => m.role === "viewer").length;
    const counts = await viewerCounts(streamId);
    assert.equal(counts.current, viewers, "the count is the number of viewers inside");
    assert.equal(await audienceSize(streamId), viewers, "one audience marker per viewer inside");
    assert.ok(counts.peak >= counts.current);

    // Everyone leaves at once, some twice: nobody is left counted.
    await Promise.all(crowd.flatMap((p, i) => (i % 2 ? [leave(p), leave(p)] : [leave(p)])));
    assert.equal((await viewerCounts(streamId)).current, 0);
    assert.equal(await audienceSize(streamId), 0);
  });

  it("announces the entrance effect of a VIP viewer once per admission", async () => {
    const luna = await host();
    const vip = await viewer({ displayName: "Goldie", vip: { tier: 2, expiresAt: Timestamp.fromMillis(Date.now() + 86_400_000) } });
    const lapsed = await viewer({ vip: { tier: 3, expiresAt: Timestamp.fromMillis(Date.now() - 1000) } });
    const { streamId } = await start(luna);
    const joined = await join(vip, streamId);
    assert.deepEqual(joined.entrance, { effect: "golden-wings", tier: 2 });
    assert.equal((await memberOf(streamId, vip.uid))?.vipTier, 2);
    assert.equal((await decodeMediaToken(joined.media.token)).metadata.vipTier, 2);
    const events = Object.values((await rtdbValue<Record<string, Record<string, unknown>>>(`streams/${streamId}/entrances`)) ?? {});
    assert.equal(events.length, 1);
    assert.equal(events[0]?.u, vip.uid);
    assert.equal(events[0]?.n, "Goldie");
    assert.equal(events[0]?.e, "golden-wings");
    assert.equal(events[0]?.v, 2);
    assert.equal(typeof events[0]?.t, "number");

    assert.equal((await join(vip, streamId)).entrance, null, "a reconnect is not a new entrance");
    assert.equal((await join(lapsed, streamId)).entrance, null);
    assert.equal(Object.keys((await rtdbValue(`streams/${streamId}/entrances`)) ?? {}).length, 1);
  });

  it("the host or a moderator pins and unpins a message in the live state; viewers cannot", async () => {
    const luna = await host();
    const mia = await viewer();
    const mod = await moderator();
    const { streamId } = await start(luna);
    await join(mia, streamId);
    const pin = (who: Person, text: string | null) => callInProcess(pinStreamMessage, { user: who.user, data: { streamId, text } });
    assert.deepEqual(await pin(luna, "  Welcome! Be kind.  "), { pinned: true });
    const pinned = await rtdbValue<{ text: string; by: string; at: number }>(`streams/${streamId}/state/pinned`);
    assert.equal(pinned?.text, "Welcome! Be kind.");
    assert.equal(pinned?.by, luna.uid);
    assert.equal(typeof pinned?.at, "number");
    await expectHttpsError(pin(mia, "mine now"), "permission-denied");
    const before = await snapshotEverything();
    await expectHttpsError(pin(luna, "x".repeat(201)), "invalid-argument");
    await expectHttpsError(pin(luna, "   "), "invalid-argument");
    assert.deepEqual(await snapshotEverything(), before);
    assert.deepEqual(await pin(mod, null), { pinned: false });
    assert.equal(await rtdbValue(`streams/${streamId}/state/pinned`), null);
  });

  it("a join heals a live state lost between the start's commit and its RTDB write; leaving an ended stream is a no-op", async () => {
    const luna = await host();
    const mia = await viewer();
    const { streamId } = await start(luna);
    await rtdb().ref(`streams/${streamId}/state`).remove();
    await join(mia, streamId);
    const state = await rtdbValue<{ status: string; hostUid: string }>(`streams/${streamId}/state`);
    assert.equal(state?.status, "live");
    assert.equal(state?.hostUid, luna.uid);
    assert.deepEqual(await viewerCounts(streamId), { current: 1, peak: 1 });
    await end(luna, streamId);
    assert.deepEqual(await callInProcess(leaveStream, { user: mia.user, data: { streamId } }), { left: false });
  });

  it("refuses unknown streams and malformed input, writing nothing", async () => {
    const luna = await host();
    const mia = await viewer();
    const { streamId } = await start(luna);
    const before = await snapshotEverything();
    await expectHttpsError(join(mia, "no-such-stream"), "not-found");
    for (const data of [null, {}, { streamId: "" }, { streamId: "a/b" }, { streamId, password: 5 }, { streamId, extra: 1 }]) {
      await expectHttpsError(callInProcess(joinStream, { user: mia.user, data }), "invalid-argument");
    }
    await expectHttpsError(callInProcess(joinStream, { data: { streamId } }), "unauthenticated");
    assert.deepEqual(await snapshotEverything(), before);
  });
});
