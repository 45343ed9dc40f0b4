import assert from "node:assert/strict";
import { Timestamp } from "firebase-admin/firestore";
import { db } from "../../src/kernel/app.js";
import { listLiveStreams } from "../../src/live/callables.js";
import type { ListLiveStreamsResponse } from "../../src/live/schema.js";
import { callInProcess, expectHttpsError } from "../support/callables.js";
import { clearConfigCaches, end, host, type Person, start, viewer } from "../support/live-world.js";
import { useCleanStack } from "../support/stack.js";

const list = (who: Person, data: Record<string, unknown>) => callInProcess(listLiveStreams, { user: who.user, data });

/** Every page of a listing, following nextCursor. */
async function allPages(who: Person, data: Record<string, unknown>): Promise<{ ids: string[]; pages: number }> {
  const ids: string[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const page: ListLiveStreamsResponse = await list(who, { ...data, cursor });
    ids.push(...page.items.map((s) => s.id));
    cursor = page.nextCursor;
    pages++;
  } while (cursor && pages < 20);
  return { ids, pages };
}

async function follow(follower: Person, followed: Person): Promise<void> {
  const createdAt = Timestamp.now();
  await db().doc(`users/${follower.uid}/following/${followed.uid}`).set({ uid: followed.uid, createdAt });
  await db().doc(`users/${followed.uid}/followers/${follower.uid}`).set({ uid: follower.uid, createdAt });
}

describe("live: discovery", () => {
  useCleanStack();
  beforeEach(clearConfigCaches);

  it("lists live discoverable streams newest first, by category and by country, page by page without repeats", async function () {
    this.timeout(60_000);
    const me = await viewer();
    const hosts = await Promise.all(Array.from({ length: 7 }, () => host()));
    const started: string[] = [];
    const specs = [
      { category: "music", country: "BR" },
      { category: "music", country: "US" },
      { category: "chat", country: "BR" },
      { category: "music", country: "BR", visibility: "password", password: "letmein" },
      { category: "music", country: "BR", visibility: "private" },
      { category: "music", country: "BR", visibility: "followers" },
      { category: "gaming", country: "BR" },
    ];
    for (const [i, spec] of specs.entries()) started.push((await start(hosts[i] as Person, spec)).streamId);
    await end(hosts[6] as Person, started[6] as string);

    const visible = [started[3], started[2], started[1], started[0]] as string[]; // newest first; no private/followers/ended
    const everything = await allPages(me, { by: "live", limit: 2 });
    assert.deepEqual(everything.ids, visible);
    assert.ok(everything.pages >= 2);

    const first = await list(me, { by: "live", limit: 10 });
    assert.equal(first.nextCursor, null);
    const locked = first.items.find((s) => s.id === started[3]);
    assert.equal(locked?.locked, true);
    assert.equal(locked?.visibility, "password");
    assert.ok(!("analytics" in (locked ?? {})), "a summary, not the stored document");

    assert.deepEqual((await allPages(me, { by: "category", category: "music", limit: 1 })).ids, [started[3], started[1], started[0]]);
    assert.deepEqual((await allPages(me, { by: "country", country: "BR", limit: 2 })).ids, [started[3], started[2], started[0]]);
    assert.deepEqual((await list(me, { by: "category", category: "dance" })).items, []);
  });

  it("hides streams of hosts in a block with the caller, either way, and still fills pages", async function () {
    this.timeout(60_000);
    const me = await viewer();
    const [a, b, c, d] = await Promise.all(Array.from({ length: 4 }, () => host()));
    const ids: string[] = [];
    for (const h of [a, b, c, d] as Person[]) ids.push((await start(h)).streamId);
    await db()
      .doc(`blocks/${me.uid}__${(b as Person).uid}`)
      .set({ blockerUid: me.uid, blockedUid: (b as Person).uid });
    await db()
      .doc(`blocks/${(c as Person).uid}__${me.uid}`)
      .set({ blockerUid: (c as Person).uid, blockedUid: me.uid });
    const page = await list(me, { by: "live", limit: 2 });
    assert.deepEqual(
      page.items.map((s) => s.id),
      [ids[3], ids[0]],
    );
    const other = await viewer();
    assert.equal((await allPages(other, { by: "live", limit: 3 })).ids.length, 4);
  });

  it("following: live streams of followed hosts, followers-only included, private never, across pages", async function () {
    this.timeout(60_000);
    const me = await viewer();
    const hosts = await Promise.all(Array.from({ length: 5 }, () => host()));
    const [pub, fans, priv, notFollowed, offline] = hosts as [Person, Person, Person, Person, Person];
    for (const h of [pub, fans, priv, offline]) await follow(me, h);
    const pubId = (await start(pub)).streamId;
    const fansId = (await start(fans, { visibility: "followers" })).streamId;
    await start(priv, { visibility: "private", invitedUids: [me.uid] });
    await start(notFollowed);
    const { ids } = await allPages(me, { by: "following", limit: 1 });
    assert.deepEqual(ids.sort(), [pubId, fansId].sort());
    const one = await list(me, { by: "following", limit: 10 });
    assert.deepEqual(
      one.items.map((s) => s.id),
      [fansId, pubId],
      "newest first within a page",
    );
    assert.equal(one.nextCursor, null);
    // Followers-only streams are not in the general listing.
    assert.deepEqual((await allPages(me, { by: "live", limit: 5 })).ids.includes(fansId), false);
  });

  it("refuses malformed requests and cursors", async () => {
    const me = await viewer();
    const bad = [
      {},
      { by: "everything" },
      { by: "category" },
      { by: "country", country: "brazil" },
      { by: "live", limit: 0 },
      { by: "live", limit: 31 },
      { by: "live", cursor: "not-a-cursor" },
      { by: "following", cursor: Buffer.from(JSON.stringify({ t: [1, 2], id: "x" })).toString("base64url") },
      { by: "live", extra: 1 },
    ];
    for (const data of bad) await expectHttpsError(list(me, data), "invalid-argument");
    await expectHttpsError(callInProcess(listLiveStreams, { data: { by: "live" } }), "unauthenticated");
  });
});
