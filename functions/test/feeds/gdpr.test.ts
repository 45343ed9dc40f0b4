import assert from "node:assert/strict";
import { runAccountDeletion } from "../../src/gdpr/deletion.js";
import { follow, makeUsers, publish, useCleanPostsStack } from "../posts/support.js";
import { allPaths } from "../support/firestore.js";
import { feedEntryIds, syncEdge, syncPost, wholeFeed } from "./support.js";

describe("feeds: account deletion", () => {
  useCleanPostsStack();

  it("deletes the user's feed; the feeds triggers then remove their posts from their followers' feeds", async function () {
    this.timeout(60_000);
    const [subject, fan, author] = await makeUsers(3);
    await follow(fan, subject.uid);
    await syncEdge(subject.uid, fan.uid);
    await follow(subject, author.uid);
    await syncEdge(author.uid, subject.uid);
    const own = await publish(subject, { text: "mine" });
    await syncPost(own.postId);
    const theirs = await publish(author, { text: "theirs" });
    await syncPost(theirs.postId);
    assert.deepEqual(await feedEntryIds(subject.uid), [theirs.postId]);
    assert.deepEqual(await feedEntryIds(fan.uid), [own.postId]);

    assert.equal((await runAccountDeletion(subject.uid)).status, "done");
    assert.deepEqual(
      (await allPaths()).filter((path) => path.startsWith(`users/${subject.uid}/feed/`)),
      [],
    );
    // What Cloud Functions delivers after the deletion wrote the post and the follow edge.
    await syncPost(own.postId);
    await syncEdge(subject.uid, fan.uid);
    assert.deepEqual(await feedEntryIds(fan.uid), []);
    assert.deepEqual(await wholeFeed(fan), []);
  });
});
