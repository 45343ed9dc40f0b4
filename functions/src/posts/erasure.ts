/**
 * Account erasure of the posts domain (a step of gdpr/deletion.ts): the user's posts (cascaded as a
 * deletion), their comments and likes anywhere (counts given back), their stories, the views they left
 * on others' stories (counts given back); story replies are direct messages (messages/erasure.ts). Each part re-queries
 * until nothing is left, so a resumed run finishes what a crashed one started.
 */
import type { QueryDocumentSnapshot } from "firebase-admin/firestore";
import { db } from "../kernel/app.js";
import { Collections } from "../kernel/collections.js";
import { runTransaction } from "../kernel/transactions.js";
import { cascadePostDeletion } from "./cascade.js";
import { deleteCommentTree } from "./comments.js";
import { postsConfig } from "./config.js";
import { removeLike } from "./likes.js";
import { markPostDeleted } from "./posts.js";
import { storyRef, storyViewCounter } from "./stories/store.js";
import { eraseStoriesOf } from "./stories/stories.js";

const PAGE = 100;

/**
 * Runs `work` on every document of the collection group `group` whose `field` is `uid` and which lies
 * under the top-level collection `root` (another domain may reuse a sub-collection name), page by page.
 */
async function forEachInGroup(
  group: string,
  field: string,
  uid: string,
  root: string,
  work: (doc: QueryDocumentSnapshot) => Promise<void>,
): Promise<void> {
  const query = db().collectionGroup(group).where(field, "==", uid).limit(PAGE);
  for (let page = await query.get(); !page.empty; page = await query.startAfter(page.docs[page.size - 1]).get()) {
    for (const doc of page.docs) if (doc.ref.path.startsWith(`${root}/`)) await work(doc);
    if (page.size < PAGE) return;
  }
}

export async function erasePostsContentOf(uid: string): Promise<void> {
  const config = await postsConfig();
  const posts = db().collection(Collections.posts).where("authorUid", "==", uid).limit(PAGE);
  for (let page = await posts.get(); !page.empty; page = await posts.get()) {
    for (const post of page.docs) {
      await markPostDeleted(post.id, config, null);
      await cascadePostDeletion(post.id);
    }
  }

  await forEachInGroup(Collections.postComments, "authorUid", uid, Collections.posts, async (comment) => {
    await deleteCommentTree(comment.get("postId") as string, comment.id, () => {});
  });

  await forEachInGroup(Collections.postLikes, "uid", uid, Collections.posts, async (like) => {
    await removeLike(uid, like.get("postId") as string, (like.get("commentId") as string | null) ?? null);
  });

  await eraseStoriesOf(uid);

  await forEachInGroup(Collections.storyViewers, "uid", uid, Collections.stories, async (view) => {
    const storyId = view.get("storyId") as string;
    await runTransaction(async (tx) => {
      const [current, story] = await tx.getAll(view.ref, storyRef(storyId));
      if (!current?.exists) return;
      tx.delete(view.ref);
      if (story?.exists) storyViewCounter(storyId, config.counterShards).increment(tx, { views: -1 });
    });
  });
}
