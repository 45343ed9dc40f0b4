/**
 * Reading the graph: paginated follower/following lists (newest first) honouring the list owner's
 * privacy.followers, and follow suggestions. Users in a block with the viewer are filtered out.
 */
import type { DocumentData, Timestamp } from "firebase-admin/firestore";
import { db } from "../kernel/app.js";
import { Collections, userRef } from "../kernel/collections.js";
import { pageByTime } from "../kernel/cursor.js";
import { fail } from "../kernel/errors.js";
import type { Caller } from "../kernel/guards.js";
import { privacyOf } from "./profile.js";
import type { ListEdgesRequest, ListEdgesResponse, Suggestion, SuggestionsResponse, UserListItem } from "./schema.js";
import { blockedAmong, followerRef, followingRef, isBlockedPair } from "./store.js";

type Direction = typeof Collections.followers | typeof Collections.following;

/** Whether `viewer` may see `owner`'s lists, by owner's privacy.followers. */
async function assertMayViewLists(viewer: string, owner: string, ownerData: DocumentData | undefined): Promise<void> {
  if (viewer === owner) return;
  if (await isBlockedPair(viewer, owner)) fail("permission-denied", "This user's lists are not visible to you.");
  const setting = privacyOf(ownerData).followers;
  if (setting === "everyone") return;
  if (setting === "friends") {
    const [a, b] = await db().getAll(followingRef(viewer, owner), followingRef(owner, viewer));
    if (a?.exists && b?.exists) return;
  }
  fail("permission-denied", "This user's lists are private.");
}

function profileFields(data: DocumentData | undefined) {
  return {
    displayName: (data?.displayName as string | undefined) ?? null,
    username: (data?.username as string | undefined) ?? null,
    avatarPath: (data?.avatarPath as string | undefined) ?? null,
  };
}

export async function listEdges(caller: Caller, direction: Direction, request: ListEdgesRequest): Promise<ListEdgesResponse> {
  const owner = request.uid;
  const ownerSnap = await userRef(owner).get();
  if (!ownerSnap.exists) fail("not-found", "No such user.");
  await assertMayViewLists(caller.uid, owner, ownerSnap.data());

  const page = await pageByTime(userRef(owner).collection(direction), "createdAt", request);
  const nextCursor = page.nextCursor;

  const uids = page.docs.map((d) => d.id).filter((u) => u !== caller.uid);
  const hidden = await blockedAmong(caller.uid, uids);
  const visible = page.docs.filter((d) => !hidden.has(d.id));
  if (visible.length === 0) return { items: [], nextCursor };

  // Mutual = the edge in the other direction exists too, seen from the list owner.
  const reverse = visible.map((d) => (direction === Collections.followers ? followingRef(owner, d.id) : followerRef(owner, d.id)));
  const [reverseSnaps, profiles] = await Promise.all([db().getAll(...reverse), db().getAll(...visible.map((d) => userRef(d.id)))]);
  const items: UserListItem[] = visible.map((d, i) => ({
    uid: d.id,
    ...profileFields(profiles[i]?.data()),
    mutual: Boolean(reverseSnaps[i]?.exists),
    followedAt: (d.get("createdAt") as Timestamp | undefined)?.toDate().toISOString() ?? null,
  }));
  return { items, nextCursor };
}

/** Bounds of the friends-of-friends fan-out: reads stay O(FOLLOWING_SAMPLE * FOF_PER_FRIEND). */
const FOLLOWING_SAMPLE = 50;
const FOF_PER_FRIEND = 25;

export async function suggestions(caller: Caller, limit: number): Promise<SuggestionsResponse> {
  const me = caller.uid;
  const [mySnap, myFollowing] = await Promise.all([
    userRef(me).get(),
    userRef(me).collection(Collections.following).orderBy("createdAt", "desc").limit(FOLLOWING_SAMPLE).get(),
  ]);
  const followed = new Set(myFollowing.docs.map((d) => d.id));

  // People followed by the people I follow, ranked by how many of them follow each.
  const counts = new Map<string, number>();
  const theirFollowing = await Promise.all(
    myFollowing.docs.map((d) => userRef(d.id).collection(Collections.following).orderBy("createdAt", "desc").limit(FOF_PER_FRIEND).get()),
  );
  for (const page of theirFollowing) {
    for (const edge of page.docs) {
      if (edge.id === me || followed.has(edge.id)) continue;
      counts.set(edge.id, (counts.get(edge.id) ?? 0) + 1);
    }
  }

  // Popular hosts in my country. Index: users (roles CONTAINS, country ASC, followersCount DESC).
  const country = mySnap.get("country") as string | undefined;
  const hosts = country
    ? await db()
        .collection(Collections.users)
        .where("roles", "array-contains", "host")
        .where("country", "==", country)
        .orderBy("followersCount", "desc")
        .limit(limit + followed.size + 1)
        .get()
    : null;

  const ranked = [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  const candidates: { uid: string; reason: Suggestion["reason"]; mutualCount: number }[] = ranked.map(([uid, n]) => ({
    uid,
    reason: "friends-of-friends",
    mutualCount: n,
  }));
  for (const host of hosts?.docs ?? []) {
    if (host.id === me || followed.has(host.id) || counts.has(host.id)) continue;
    candidates.push({ uid: host.id, reason: "popular-host", mutualCount: 0 });
  }

  // Over-fetch a little: some candidates will be blocked.
  const window = candidates.slice(0, limit * 2);
  const blocked = await blockedAmong(
    me,
    window.map((c) => c.uid),
  );
  const chosen = window.filter((c) => !blocked.has(c.uid)).slice(0, limit);
  if (chosen.length === 0) return { items: [] };
  const profiles = await db().getAll(...chosen.map((c) => userRef(c.uid)));
  const items: Suggestion[] = chosen.flatMap((c, i) => {
    const data = profiles[i]?.data();
    if (!data) return [];
    return [{ ...c, ...profileFields(data), followersCount: (data.followersCount as number | undefined) ?? 0 }];
  });
  return { items };
}
