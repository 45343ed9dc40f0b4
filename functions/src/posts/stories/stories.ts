/**
 * Stories: text, image or video, visible for config/posts.storyHours. Firestore's TTL policy on
 * expiresAt deletes them lazily (up to a day late), so every read here filters on expiresAt itself, and
 * the cleanup job deletes expired stories with their viewers and marks their media for deletion.
 */
import type { DocumentSnapshot } from "firebase-admin/firestore";
import { chatConfig } from "../../chat/config.js";
import { moderateText } from "../../chat/profanity.js";
import { db, firestoreValues } from "../../kernel/app.js";
import { Collections } from "../../kernel/collections.js";
import { pageByTime } from "../../kernel/cursor.js";
import { refuse } from "../../kernel/errors.js";
import { isoOf, millisOf } from "../../kernel/fields.js";
import type { Caller } from "../../kernel/guards.js";
import { runIdempotent } from "../../kernel/idempotency.js";
import { log } from "../../kernel/logger.js";
import { runTransaction } from "../../kernel/transactions.js";
import { attachMedia } from "../../media/uploads/attachments.js";
import { markMediaForDeletion } from "../../media/uploads/cleanup.js";
import { messagesConfig } from "../../messages/config.js";
import { appendMessage } from "../../messages/conversations.js";
import { displayNameOf, notifyAfterCommit } from "../../notifications/after-commit.js";
import { postsConfig } from "../config.js";
import { readPostMedia } from "../media.js";
import { mayView, type Relation, relationTo, visibleAudiences } from "../visibility.js";
import type {
  CreateStoryRequest,
  CreateStoryResponse,
  DeleteStoryResponse,
  ListStoriesRequest,
  ListStoriesResponse,
  ListStoryViewersRequest,
  ListStoryViewersResponse,
  ReplyToStoryRequest,
  ReplyToStoryResponse,
  StoryRecord,
  StoryRefusal,
  StoryRequest,
  StoryView,
  ViewStoryResponse,
} from "./schema.js";
import { storyRef, storyViewCounter, storyViewerRef } from "./store.js";

const VIEW_TX_ATTEMPTS = 30;

function isLive(story: Pick<StoryRecord, "expiresAt">, nowMs: number): boolean {
  return (millisOf(story.expiresAt) ?? 0) > nowMs;
}

/** The story if it is live and `relation` may see it; null otherwise (expired, hidden or blocked). */
function visibleStory(snapshot: DocumentSnapshot, relation: Relation, nowMs: number): StoryRecord | null {
  const story = snapshot.data() as StoryRecord | undefined;
  if (!story || !isLive(story, nowMs) || !mayView(story, relation)) return null;
  return story;
}

function viewOf(storyId: string, story: StoryRecord, viewCount: number | null): StoryView {
  return {
    storyId,
    authorUid: story.authorUid,
    kind: story.kind,
    text: story.text,
    mediaId: story.mediaId,
    visibility: story.visibility,
    createdAt: isoOf(story.createdAt),
    expiresAt: isoOf(story.expiresAt),
    viewCount,
  };
}

export async function createStory(caller: Caller, request: CreateStoryRequest): Promise<CreateStoryResponse> {
  const config = await postsConfig();
  if (request.text.length > config.maxStoryTextLength) {
    refuse<StoryRefusal>("invalid-argument", "text-too-long", `Stories are at most ${config.maxStoryTextLength} characters.`);
  }
  if (!request.text && !request.mediaId) refuse<StoryRefusal>("invalid-argument", "empty-story", "A story needs text or media.");
  const { result } = await runIdempotent({ scope: "stories.create", key: request.requestId, owner: caller.uid, payload: request }, async (tx) => {
    const ref = db().collection(Collections.stories).doc();
    const { attached, media: storyMedia } = await readPostMedia(tx, caller.uid, request.mediaId ? [request.mediaId] : [], 1);
    attachMedia(tx, attached, ref.path);
    const media = storyMedia[0];
    const { FieldValue, Timestamp } = firestoreValues();
    const expiresAtMs = Date.now() + config.storyHours * 3_600_000;
    tx.create(ref, {
      authorUid: caller.uid,
      kind: media?.kind ?? "text",
      text: request.text,
      mediaId: media?.id ?? null,
      visibility: request.visibility,
      createdAt: FieldValue.serverTimestamp(),
      expiresAt: Timestamp.fromMillis(expiresAtMs),
    });
    return { storyId: ref.id, expiresAt: new Date(expiresAtMs).toISOString() };
  });
  return result;
}

/** A user's live stories the caller may see, oldest first. Index: stories (authorUid ASC, expiresAt ASC). */
export async function listStories(caller: Caller, { uid }: ListStoriesRequest): Promise<ListStoriesResponse> {
  const relation = await relationTo(caller.uid, uid);
  const audiences = visibleAudiences(relation);
  if (audiences.length === 0) return { items: [] };
  const now = Date.now();
  const { Timestamp } = firestoreValues();
  const page = await db()
    .collection(Collections.stories)
    .where("authorUid", "==", uid)
    .where("expiresAt", ">", Timestamp.fromMillis(now))
    .orderBy("expiresAt", "asc")
    .limit(100)
    .get();
  const { counterShards } = await postsConfig();
  const items: StoryView[] = [];
  for (const doc of page.docs) {
    const story = visibleStory(doc, relation, now);
    if (!story) continue;
    const viewCount = relation === "author" ? (await storyViewCounter(doc.id, counterShards).read()).views : null;
    items.push(viewOf(doc.id, story, viewCount));
  }
  return { items };
}

/** Opens a story: its content, and a view recorded once per viewer (never the author's own). */
export async function viewStory(caller: Caller, { storyId }: StoryRequest): Promise<ViewStoryResponse> {
  const { counterShards } = await postsConfig();
  const { FieldValue } = firestoreValues();
  return runTransaction(
    async (tx) => {
      const [snapshot, viewer] = await tx.getAll(storyRef(storyId), storyViewerRef(storyId, caller.uid));
      const author = snapshot?.get("authorUid") as string | undefined;
      const relation = author ? await relationTo(caller.uid, author, tx) : "blocked";
      const story = snapshot ? visibleStory(snapshot, relation, Date.now()) : null;
      if (!story) return refuse<StoryRefusal>("not-found", "story-unavailable", "No such story.");
      if (relation === "author") return { story: viewOf(storyId, story, null), recorded: false };
      if (viewer?.exists) return { story: viewOf(storyId, story, null), recorded: false };
      tx.create(storyViewerRef(storyId, caller.uid), { uid: caller.uid, storyId, viewedAt: FieldValue.serverTimestamp() });
      storyViewCounter(storyId, counterShards).increment(tx, { views: 1 });
      return { story: viewOf(storyId, story, null), recorded: true };
    },
    { maxAttempts: VIEW_TX_ATTEMPTS },
  );
}

/** The author's view of who watched, most recent first. */
export async function listStoryViewers(caller: Caller, request: ListStoryViewersRequest): Promise<ListStoryViewersResponse> {
  const snapshot = await storyRef(request.storyId).get();
  if (!snapshot.exists) return refuse<StoryRefusal>("not-found", "story-unavailable", "No such story.");
  if (snapshot.get("authorUid") !== caller.uid) refuse<StoryRefusal>("permission-denied", "not-author", "Only the author sees the viewers.");
  const { counterShards } = await postsConfig();
  const [page, counts] = await Promise.all([
    pageByTime(snapshot.ref.collection(Collections.storyViewers), "viewedAt", request),
    storyViewCounter(request.storyId, counterShards).read(),
  ]);
  return {
    viewCount: counts.views,
    items: page.docs.map((doc) => ({ uid: doc.id, viewedAt: isoOf(doc.get("viewedAt")) })),
    nextCursor: page.nextCursor,
  };
}

/**
 * A reply goes to the story's author as a direct message naming the story (a message request when the
 * author's "who may message me" does not admit the replier), and is notified as a story reply unless
 * the author muted the conversation. Filtered like chat; refused across a block.
 */
export async function replyToStory(caller: Caller, request: ReplyToStoryRequest): Promise<ReplyToStoryResponse> {
  const moderation = moderateText(request.text, await chatConfig());
  if (moderation.verdict === "removed" || moderation.shownText === null) {
    return refuse<StoryRefusal>("invalid-argument", "text-not-allowed", "This reply is not allowed.");
  }
  const text = moderation.shownText;
  const config = await messagesConfig();
  const { result } = await runIdempotent({ scope: "stories.reply", key: request.requestId, owner: caller.uid, payload: request }, async (tx) => {
    const snapshot = await tx.get(storyRef(request.storyId));
    const author = snapshot.get("authorUid") as string | undefined;
    const relation = author ? await relationTo(caller.uid, author, tx) : "blocked";
    if (author && relation === "blocked") refuse<StoryRefusal>("permission-denied", "blocked", "You cannot reply to this story.");
    if (!author || !visibleStory(snapshot, relation, Date.now())) return refuse<StoryRefusal>("not-found", "story-unavailable", "No such story.");
    if (relation === "author") return refuse<StoryRefusal>("failed-precondition", "own-story", "You cannot reply to your own story.");
    const sent = await appendMessage(tx, { senderUid: caller.uid, toUid: author, text, mediaId: null, storyId: request.storyId }, config);
    return { replyId: sent.messageId, conversationId: sent.conversationId, toUid: author, notify: sent.notifyRecipient };
  });
  if (!result.notify) return { replyId: result.replyId, conversationId: result.conversationId };
  await notifyAfterCommit(async () => ({
    recipient: result.toUid,
    type: "story-reply",
    data: { storyId: request.storyId, replyId: result.replyId, replierName: await displayNameOf(caller.uid) },
    dedupeKey: `story-reply:${result.replyId}`,
    actorUid: caller.uid,
  }));
  return { replyId: result.replyId, conversationId: result.conversationId };
}

/** Deletes the story with its viewers and counter, and marks its media for deletion. Idempotent. */
async function eraseStory(snapshot: DocumentSnapshot, reason: string): Promise<void> {
  const mediaId = snapshot.get("mediaId");
  if (typeof mediaId === "string") await runTransaction((tx) => markMediaForDeletion(tx, [mediaId], reason));
  await db().recursiveDelete(snapshot.ref);
}

export async function deleteStory(caller: Caller, { storyId }: StoryRequest): Promise<DeleteStoryResponse> {
  const snapshot = await storyRef(storyId).get();
  if (!snapshot.exists) return { deleted: false };
  if (snapshot.get("authorUid") !== caller.uid) refuse<StoryRefusal>("permission-denied", "not-author", "Only the author can delete a story.");
  await eraseStory(snapshot, "story-deleted");
  return { deleted: true };
}

/** Every story of `uid` (account erasure). */
export async function eraseStoriesOf(uid: string): Promise<void> {
  const page = db().collection(Collections.stories).where("authorUid", "==", uid).limit(100);
  for (let stories = await page.get(); !stories.empty; stories = await page.get()) {
    for (const doc of stories.docs) await eraseStory(doc, "account-deleted");
  }
}

/** Deletes stories expired at `nowMs` (up to `limit`), ahead of the TTL policy. Returns how many. */
export async function cleanupExpiredStories(nowMs: number, limit = 200): Promise<number> {
  const { Timestamp } = firestoreValues();
  const expired = await db()
    .collection(Collections.stories)
    .where("expiresAt", "<=", Timestamp.fromMillis(nowMs))
    .orderBy("expiresAt", "asc")
    .limit(limit)
    .get();
  for (const doc of expired.docs) await eraseStory(doc, "story-expired");
  if (expired.size > 0) log.info("expired stories deleted", { count: expired.size });
  return expired.size;
}
