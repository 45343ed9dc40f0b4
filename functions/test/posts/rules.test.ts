import { assertFails, assertSucceeds, type RulesTestEnvironment } from "@firebase/rules-unit-testing";
import { collection, deleteDoc, doc, getDoc, getDocs, query, setDoc, Timestamp, updateDoc, where } from "firebase/firestore";
import { firestoreRulesEnvironment } from "../support/rules.js";

describe("rules: posts and stories", () => {
  let env: RulesTestEnvironment;

  before(async () => {
    env = await firestoreRulesEnvironment("demo-posts-rules");
  });
  after(() => env.cleanup());

  const hourFromNow = () => Timestamp.fromMillis(Date.now() + 3_600_000);
  const hourAgo = () => Timestamp.fromMillis(Date.now() - 3_600_000);

  beforeEach(async () => {
    await env.clearFirestore();
    await env.withSecurityRulesDisabled(async (context) => {
      const db = context.firestore();
      const post = (id: string, fields: Record<string, unknown>) =>
        setDoc(doc(db, `posts/${id}`), { authorUid: "ann", status: "active", visibility: "public", text: id, ...fields });
      await post("open", {});
      await post("fans", { visibility: "followers" });
      await post("mine", { visibility: "private" });
      await post("gone", { status: "removed" });
      await setDoc(doc(db, "users/fan/following/ann"), { uid: "ann" });
      await setDoc(doc(db, "blocks/ann__troll"), { blockerUid: "ann", blockedUid: "troll" });
      await setDoc(doc(db, "blocks/hater__ann"), { blockerUid: "hater", blockedUid: "ann" });
      await setDoc(doc(db, "posts/open/shards/0"), { likes: 3 });
      await setDoc(doc(db, "posts/open/likes/fan"), { uid: "fan", postId: "open", commentId: null });
      await setDoc(doc(db, "posts/open/revisions/r1"), { text: "before" });
      await setDoc(doc(db, "posts/open/comments/c1"), { authorUid: "fan", postId: "open", parentId: null, status: "active", text: "hi" });
      await setDoc(doc(db, "posts/open/comments/c2"), { authorUid: "troll", postId: "open", parentId: null, status: "active", text: "hmm" });
      await setDoc(doc(db, "posts/fans/comments/c3"), { authorUid: "fan", postId: "fans", parentId: null, status: "active", text: "hi" });
      await setDoc(doc(db, "stories/live"), { authorUid: "ann", visibility: "public", expiresAt: hourFromNow() });
      await setDoc(doc(db, "stories/fansOnly"), { authorUid: "ann", visibility: "followers", expiresAt: hourFromNow() });
      await setDoc(doc(db, "stories/expired"), { authorUid: "ann", visibility: "public", expiresAt: hourAgo() });
      await setDoc(doc(db, "stories/live/viewers/fan"), { uid: "fan", storyId: "live" });
      await setDoc(doc(db, "stories/live/shards/0"), { views: 1 });
      await setDoc(doc(db, "posts/open/comments/c1/shards/0"), { likes: 1, replies: 0 });
      await setDoc(doc(db, "posts/open/comments/c1/likes/fan"), { uid: "fan", postId: "open", commentId: "c1" });
    });
  });

  const as = (uid: string) => env.authenticatedContext(uid).firestore();
  const anonymous = () => env.unauthenticatedContext().firestore();

  it("posts: public to signed-in users, followers-only to followers, private and removed to the author; nothing across a block", async () => {
    for (const id of ["open", "fans", "mine", "gone"]) await assertSucceeds(getDoc(doc(as("ann"), `posts/${id}`)));
    await assertSucceeds(getDoc(doc(as("stranger"), "posts/open")));
    await assertSucceeds(getDoc(doc(as("fan"), "posts/fans")));
    await assertFails(getDoc(doc(anonymous(), "posts/open")));
    await assertFails(getDoc(doc(as("stranger"), "posts/fans")));
    await assertFails(getDoc(doc(as("fan"), "posts/mine")));
    await assertFails(getDoc(doc(as("fan"), "posts/gone")));
    await assertFails(getDoc(doc(as("troll"), "posts/open")));
    await assertFails(getDoc(doc(as("hater"), "posts/open")));
    // A profile's public posts, as the app queries them.
    const publicOf = (uid: string) =>
      query(collection(as(uid), "posts"), where("authorUid", "==", "ann"), where("status", "==", "active"), where("visibility", "==", "public"));
    await assertSucceeds(getDocs(publicOf("stranger")));
    await assertFails(getDocs(publicOf("troll")));
    await assertFails(getDocs(query(collection(as("stranger"), "posts"), where("authorUid", "==", "ann"))));
  });

  it("counters follow the post; a like is read by its giver; revisions by the author; comments one by one, not across blocks", async () => {
    await assertSucceeds(getDoc(doc(as("stranger"), "posts/open/shards/0")));
    await assertFails(getDoc(doc(as("troll"), "posts/open/shards/0")));
    await assertSucceeds(getDoc(doc(as("fan"), "posts/open/likes/fan")));
    await assertFails(getDoc(doc(as("stranger"), "posts/open/likes/fan")));
    await assertSucceeds(getDoc(doc(as("ann"), "posts/open/revisions/r1")));
    await assertFails(getDoc(doc(as("fan"), "posts/open/revisions/r1")));
    await assertSucceeds(getDoc(doc(as("stranger"), "posts/open/comments/c1")));
    await assertSucceeds(getDoc(doc(as("stranger"), "posts/open/comments/c2")));
    await assertFails(getDoc(doc(as("stranger"), "posts/fans/comments/c3")));
    // c2's author is blocked by the post's author: ann never sees it.
    await assertFails(getDoc(doc(as("ann"), "posts/open/comments/c2")));
    await assertFails(getDocs(collection(as("ann"), "posts/open/comments")));
    await assertSucceeds(getDoc(doc(as("stranger"), "posts/open/comments/c1/shards/0")));
    await assertFails(getDoc(doc(as("troll"), "posts/open/comments/c1/shards/0")));
    await assertSucceeds(getDoc(doc(as("fan"), "posts/open/comments/c1/likes/fan")));
    await assertFails(getDoc(doc(as("stranger"), "posts/open/comments/c1/likes/fan")));
  });

  it("clients write nothing: posts, counters, likes, comments, stories, viewers, replies", async () => {
    const ann = as("ann");
    await assertFails(setDoc(doc(ann, "posts/new"), { authorUid: "ann", status: "active", visibility: "public", text: "x" }));
    await assertFails(updateDoc(doc(ann, "posts/open"), { text: "edited" }));
    await assertFails(deleteDoc(doc(ann, "posts/open")));
    await assertFails(setDoc(doc(ann, "posts/open/shards/0"), { likes: 1000 }));
    await assertFails(setDoc(doc(as("fan"), "posts/open/likes/fan"), { uid: "fan" }));
    await assertFails(deleteDoc(doc(as("fan"), "posts/open/likes/fan")));
    await assertFails(setDoc(doc(as("fan"), "posts/open/comments/c9"), { authorUid: "fan", status: "active", text: "x" }));
    await assertFails(setDoc(doc(ann, "posts/open/revisions/r2"), { text: "x" }));
    await assertFails(setDoc(doc(ann, "stories/s9"), { authorUid: "ann", visibility: "public", expiresAt: hourFromNow() }));
    await assertFails(setDoc(doc(as("fan"), "stories/live/viewers/fan"), { uid: "fan" }));
    await assertFails(setDoc(doc(ann, "stories/live/shards/0"), { views: 100 }));
    await assertFails(setDoc(doc(ann, "posts/open/comments/c1/shards/0"), { likes: 100 }));
    await assertFails(setDoc(doc(as("fan"), "posts/open/comments/c1/likes/fan"), { uid: "fan" }));
  });

  it("stories: live ones as their visibility says, expired ones to their author only; viewers to the author", async () => {
    await assertSucceeds(getDoc(doc(as("stranger"), "stories/live")));
    await assertSucceeds(getDoc(doc(as("fan"), "stories/fansOnly")));
    await assertFails(getDoc(doc(as("stranger"), "stories/fansOnly")));
    await assertFails(getDoc(doc(as("stranger"), "stories/expired")));
    await assertFails(getDoc(doc(as("troll"), "stories/live")));
    await assertSucceeds(getDoc(doc(as("ann"), "stories/expired")));
    await assertSucceeds(getDocs(query(collection(as("ann"), "stories"), where("authorUid", "==", "ann"))));
    await assertSucceeds(getDocs(collection(as("ann"), "stories/live/viewers")));
    await assertFails(getDoc(doc(as("fan"), "stories/live/viewers/fan")));
    await assertSucceeds(getDoc(doc(as("ann"), "stories/live/shards/0")));
    await assertFails(getDoc(doc(as("fan"), "stories/live/shards/0")));
  });
});
