import assert from "node:assert/strict";
import { Timestamp } from "firebase-admin/firestore";
import { db } from "../../src/kernel/app.js";
import { setUsername, updateProfile } from "../../src/social/callables.js";
import type { SetUsernameResponse } from "../../src/social/schema.js";
import { callInProcess, expectHttpsError } from "../support/callables.js";
import { allPaths, docData } from "../support/firestore.js";
import { useCleanStack } from "../support/stack.js";
import { makeUser, makeUsers, type SocialUser } from "./support.js";

const claim = (user: SocialUser, username: string) => callInProcess(setUsername, { user, data: { username } }) as Promise<SetUsernameResponse>;

describe("social: updateProfile", () => {
  useCleanStack();

  it("writes the public fields and merges privacy settings", async () => {
    const user = await makeUser();
    const result = await callInProcess(updateProfile, {
      user,
      data: {
        displayName: "  Luna  ",
        bio: "Singer",
        interests: ["music", "karaoke"],
        country: "BR",
        language: "pt-BR",
        privacy: { followers: "friends", messages: "nobody", activity: "everyone" },
      },
    });
    assert.deepEqual(result, {
      uid: user.uid,
      updated: ["bio", "country", "displayName", "interests", "language", "privacy"],
    });
    await callInProcess(updateProfile, { user, data: { privacy: { messages: "friends" } } });
    const profile = await docData(`users/${user.uid}`);
    assert.equal(profile?.displayName, "Luna");
    assert.deepEqual(profile?.interests, ["music", "karaoke"]);
    assert.equal(profile?.country, "BR");
    assert.equal(profile?.language, "pt-BR");
    assert.deepEqual(profile?.privacy, { followers: "friends", messages: "friends", activity: "everyone" });
    assert.deepEqual(profile?.roles, []); // untouched
  });

  it("rejects malformed input with invalid-argument and writes nothing", async () => {
    const user = await makeUser();
    const before = await allPaths();
    const profileBefore = await docData(`users/${user.uid}`);
    const bad: unknown[] = [
      null,
      {},
      { displayName: "" },
      { displayName: "x".repeat(41) },
      { roles: ["admin"] },
      { followersCount: 1e6 },
      { interests: Array.from({ length: 11 }, (_, i) => `i${i}`) },
      { interests: ["a", "A"] },
      { interests: ["x".repeat(31)] },
      { country: "Brazil" },
      { country: "br" },
      { language: "not a tag!" },
      { privacy: { followers: "public" } },
      { privacy: { followers: "everyone", dms: "nobody" } },
      { privacy: {} },
      // The photo is set from an upload with setProfilePhoto, never as a client-chosen path.
      { avatarPath: `avatars/${user.uid}/face.jpg` },
    ];
    for (const data of bad) await expectHttpsError(callInProcess(updateProfile, { user, data }), "invalid-argument");
    assert.deepEqual(await allPaths(), before);
    assert.deepEqual(await docData(`users/${user.uid}`), profileBefore);
  });
});

describe("social: usernames", () => {
  useCleanStack();

  it("claims case-insensitively unique names: two users racing for Luna/luna, exactly one wins", async () => {
    const [a, b] = await makeUsers(2);
    const outcomes = await Promise.allSettled([claim(a, "Luna"), claim(b, "luna")]);
    const won = outcomes.filter((o) => o.status === "fulfilled");
    assert.equal(won.length, 1);
    const lost = outcomes.find((o) => o.status === "rejected") as PromiseRejectedResult;
    assert.equal(lost.reason.code, "already-exists");
    const owner = (await docData("usernames/luna"))?.uid;
    assert.ok(owner === a.uid || owner === b.uid);
    assert.equal((await db().collection("usernames").get()).size, 1);
    const loser = owner === a.uid ? b : a;
    assert.equal((await docData(`users/${loser.uid}`))?.username, undefined);
    await expectHttpsError(claim(loser, "LUNA"), "already-exists");
  });

  it("enforces the 30-day cool-down, releases the old name on change, allows case-only edits", async () => {
    const user = await makeUser();
    const first = await claim(user, "Star_1");
    assert.equal(first.username, "Star_1");
    assert.equal((await docData(`users/${user.uid}`))?.usernameLower, "star_1");

    const err = await expectHttpsError(claim(user, "nova"), "failed-precondition");
    assert.equal((err.details as { nextChangeAllowedAt: string }).nextChangeAllowedAt, first.nextChangeAllowedAt);
    assert.equal(await docData("usernames/nova"), undefined);

    // Case-only: cosmetic, no cool-down reset.
    const recased = await claim(user, "STAR_1");
    assert.equal(recased.nextChangeAllowedAt, first.nextChangeAllowedAt);
    assert.equal((await docData(`users/${user.uid}`))?.username, "STAR_1");

    await db()
      .doc(`users/${user.uid}`)
      .update({ usernameChangedAt: Timestamp.fromMillis(Date.now() - 31 * 86_400_000) });
    await claim(user, "nova");
    assert.equal(await docData("usernames/star_1"), undefined);
    assert.equal((await docData("usernames/nova"))?.uid, user.uid);
    // The released name is free for someone else.
    const other = await makeUser();
    assert.equal((await claim(other, "star_1")).username, "star_1");
  });

  it("rejects malformed usernames and writes nothing", async () => {
    const user = await makeUser();
    const before = await allPaths();
    for (const username of ["ab", "a".repeat(21), "luna!", "lu na", "luna-x", "ünï", ""]) {
      await expectHttpsError(claim(user, username), "invalid-argument");
    }
    await expectHttpsError(callInProcess(setUsername, { user, data: { username: "luna", uid: "x" } }), "invalid-argument");
    assert.deepEqual(await allPaths(), before);
  });
});
