import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { runAccountDeletion } from "../../src/gdpr/deletion.js";
import { buildExport } from "../../src/gdpr/export.js";
import { db } from "../../src/kernel/app.js";
import { sendMessage } from "../../src/messages/callables.js";
import { updateProfile } from "../../src/social/callables.js";
import { callInProcess, expectHttpsError } from "../support/callables.js";
import { allPaths, docData } from "../support/firestore.js";
import { queuedFor } from "../support/notifications.js";
import {
  accept,
  block,
  conversationIdOf,
  conversations,
  decline,
  follow,
  makeMedia,
  makeUsers,
  markRead,
  messages,
  mute,
  reasonOf,
  send,
  setWhoMayMessage,
  unreadState,
  useCleanMessagesStack,
} from "./support.js";

describe("messages: direct messages", () => {
  useCleanMessagesStack();

  it("opens one conversation per pair with a deterministic id, whoever writes first, and keeps text and media messages", async () => {
    const [ann, bob] = await makeUsers(2);
    const image = await makeMedia(ann.uid);
    const first = await send(bob, ann.uid, { text: "hello" });
    const second = await send(ann, bob.uid, { text: "look", mediaId: image });
    assert.equal(first.conversationId, conversationIdOf(ann, bob));
    assert.equal(second.conversationId, first.conversationId);
    assert.equal(first.state, "open");
    assert.equal((await docData(`media/${image}`))?.attachedTo, `conversations/${first.conversationId}/messages/${second.messageId}`);
    const page = await messages(bob, first.conversationId);
    assert.deepEqual(
      page.items.map((m) => [m.senderUid, m.kind, m.text, m.mediaId]),
      [
        [ann.uid, "image", "look", image],
        [bob.uid, "text", "hello", null],
      ],
    );
    // Media is attached once: the same upload cannot go into a second message.
    assert.equal(await reasonOf(send(ann, bob.uid, { text: "again", mediaId: image }), "failed-precondition"), "media-in-use");
    assert.equal(await reasonOf(send(bob, ann.uid, { mediaId: image }), "not-found"), "media-not-found");
  });

  it("masks banned words and refuses an empty message, a message to oneself or to nobody", async () => {
    const [ann, bob] = await makeUsers(2);
    assert.equal(await reasonOf(send(ann, bob.uid, { text: "   " }), "invalid-argument"), "empty-message");
    assert.equal(await reasonOf(send(ann, ann.uid), "failed-precondition"), "own-conversation");
    assert.equal(await reasonOf(send(ann, "nobody-here"), "not-found"), "recipient-not-found");
    assert.deepEqual(
      (await allPaths()).filter((p) => p.startsWith("conversations/") || p.startsWith("messageInboxes/")),
      [],
    );
    assert.equal(await reasonOf(send(ann, bob.uid, { text: "fuck" }), "invalid-argument"), "text-not-allowed");
    const { conversationId } = await send(ann, bob.uid, { text: "so fucking cool" });
    const [shown] = (await messages(bob, conversationId)).items;
    assert.match(String(shown?.text), /^so \*+\w* cool$/);
    assert.equal((await conversations(bob)).items[0]?.preview.text, shown?.text);
  });

  it("malformed input is invalid-argument and writes nothing", async () => {
    const [ann, bob] = await makeUsers(2);
    const bad: Record<string, unknown>[] = [
      { toUid: bob.uid, text: "x" },
      { toUid: bob.uid, text: 5, requestId: randomUUID() },
      { toUid: "a/b", text: "x", requestId: randomUUID() },
      { toUid: bob.uid, text: "x".repeat(4_001), requestId: randomUUID() },
      { toUid: bob.uid, text: "x", requestId: randomUUID(), extra: true },
      { toUid: bob.uid, mediaId: "../etc", requestId: randomUUID() },
    ];
    for (const data of bad) await expectHttpsError(callInProcess(sendMessage, { user: ann, data }), "invalid-argument");
    await expectHttpsError(conversations(ann, { limit: 0 }), "invalid-argument");
    await expectHttpsError(conversations(ann, { cursor: "not-a-cursor" }), "invalid-argument");
    await expectHttpsError(messages(ann, "x/y"), "invalid-argument");
    assert.deepEqual(
      (await allPaths()).filter((p) => p.startsWith("conversations/") || p.startsWith("messageInboxes/")),
      [],
    );
  });

  it("who may message me: followers and friends settings turn other senders into a bounded message request", async () => {
    const [ann, fan, friend, stranger] = await makeUsers(4);
    await setWhoMayMessage(ann, "followers");
    await follow(fan, ann.uid);
    assert.equal((await send(fan, ann.uid)).state, "open");
    const request = await send(stranger, ann.uid, { text: "may I?" });
    assert.equal(request.state, "request");
    assert.deepEqual(
      (await conversations(ann, { folder: "requests" })).items.map((c) => c.otherUid),
      [stranger.uid],
    );
    assert.deepEqual(
      (await conversations(ann)).items.map((c) => c.otherUid),
      [fan.uid],
    );
    await send(stranger, ann.uid);
    await send(stranger, ann.uid);
    assert.equal(await reasonOf(send(stranger, ann.uid), "resource-exhausted"), "request-limit-reached");

    await setWhoMayMessage(ann, "friends");
    await follow(friend, ann.uid);
    assert.equal((await send(friend, ann.uid)).state, "request", "following alone is not friendship");
    await follow(ann, friend.uid);
    // Once friends, the open conversation moves to the primary list.
    assert.equal((await send(friend, ann.uid)).state, "open");
  });

  it("the privacy settings path governs sendMessage: privacy.messages is the only setting read (nobody: every sender requests)", async () => {
    const [ann, fan, stranger] = await makeUsers(3);
    await follow(fan, ann.uid);
    // A stray inbox field is not a setting.
    await db().doc(`messageInboxes/${ann.uid}`).set({ whoMayMessage: "friends" }, { merge: true });
    assert.equal((await send(stranger, ann.uid)).state, "open");

    const [, other] = await makeUsers(2);
    await callInProcess(updateProfile, { user: other, data: { privacy: { messages: "followers", followers: "friends" } } });
    assert.deepEqual((await docData(`users/${other.uid}`))?.privacy, { messages: "followers", followers: "friends" });
    assert.equal((await send(stranger, other.uid)).state, "request");
    await follow(fan, other.uid);
    assert.equal((await send(fan, other.uid)).state, "open");

    await setWhoMayMessage(ann, "nobody");
    const [newcomer] = await makeUsers(1);
    assert.equal((await send(fan, ann.uid)).state, "request", "following is not enough under nobody");
    assert.equal((await send(newcomer, ann.uid)).state, "request");
    // An open conversation stays open whatever the setting becomes.
    assert.equal((await send(stranger, ann.uid)).state, "open");
  });

  it("accepting a request opens the conversation; declining stops the sender; the requester cannot answer their own request", async () => {
    const [ann, asker, pest] = await makeUsers(3);
    await setWhoMayMessage(ann, "friends");
    const asked = await send(asker, ann.uid);
    const pestered = await send(pest, ann.uid);
    assert.equal(await reasonOf(accept(asker, asked.conversationId), "failed-precondition"), "no-pending-request");
    await accept(ann, asked.conversationId);
    assert.equal((await send(asker, ann.uid)).state, "open");
    assert.deepEqual(
      (await conversations(ann)).items.map((c) => c.otherUid),
      [asker.uid],
    );
    await decline(ann, pestered.conversationId);
    assert.equal(await reasonOf(send(pest, ann.uid), "permission-denied"), "request-declined");
    await expectHttpsError(accept(pest, asked.conversationId), "not-found");
  });

  it("no message either way while a block stands, and the conversation is hidden from both lists until it is lifted", async () => {
    const [ann, bob, cat] = await makeUsers(3);
    const { conversationId } = await send(ann, bob.uid);
    await send(cat, bob.uid);
    await block(bob, ann.uid);
    assert.equal(await reasonOf(send(ann, bob.uid), "permission-denied"), "blocked");
    assert.equal(await reasonOf(send(bob, ann.uid), "permission-denied"), "blocked");
    assert.deepEqual((await conversations(ann)).items, []);
    assert.deepEqual(
      (await conversations(bob)).items.map((c) => c.otherUid),
      [cat.uid],
    );
    assert.equal(await reasonOf(messages(ann, conversationId), "not-found"), "conversation-not-found");
    assert.equal(await reasonOf(messages(cat, conversationId), "not-found"), "conversation-not-found");
  });

  it("unread counts per conversation and in total stay exact under concurrent sends and reads", async function () {
    this.timeout(120_000);
    const [ann, ...senders] = await makeUsers(9);
    const sends = senders.flatMap((s) => Array.from({ length: 3 }, (_, i) => send(s, ann.uid, { text: `m${i}` })));
    await Promise.all(sends);
    assert.deepEqual(await unreadState(ann.uid), {
      total: 24,
      sum: 24,
      byThread: Object.fromEntries(senders.map((s) => [[s.uid, ann.uid].sort().join("__"), 3])),
    });

    const [first, second] = senders;
    const moreSends = [first, second].flatMap((s) => Array.from({ length: 3 }, () => send(s, ann.uid)));
    const reads = Array.from({ length: 4 }, (_, i) => markRead(ann, conversationIdOf(ann, i % 2 ? first : second)));
    await Promise.all([...moreSends, ...reads]);
    const state = await unreadState(ann.uid);
    assert.equal(state.total, state.sum, "the maintained total is the sum of the threads");
    await Promise.all([first, second].map((s) => markRead(ann, conversationIdOf(ann, s))));
    const after = await unreadState(ann.uid);
    assert.deepEqual([after.total, after.sum], [18, 18], "only the six untouched conversations' 3 each remain");
    assert.deepEqual((await conversations(ann)).unreadTotal, 18);
  });

  it("read receipts: each participant's lastReadAt, the sender's own at their send", async () => {
    const [ann, bob] = await makeUsers(2);
    const { conversationId } = await send(ann, bob.uid);
    let page = await messages(ann, conversationId);
    assert.ok(page.lastReadAt[ann.uid]);
    assert.equal(page.lastReadAt[bob.uid], null);
    const read = await markRead(bob, conversationId);
    assert.deepEqual(read, { cleared: 1 });
    assert.equal((await unreadState(bob.uid)).total, 0);
    page = await messages(ann, conversationId);
    assert.ok(Date.parse(page.lastReadAt[bob.uid] as string) >= Date.parse(page.items[0]?.createdAt as string));
  });

  it("lists conversations newest first with last-message previews, in cursor pages", async () => {
    const [me, ...others] = await makeUsers(5);
    for (const [i, other] of others.entries()) await send(other, me.uid, { text: `from ${i} ${"x".repeat(200)}` });
    await send(me, others[1]?.uid as string, { text: "my reply" });
    const first = await conversations(me, { limit: 2 });
    const second = await conversations(me, { limit: 2, cursor: first.nextCursor });
    const third = await conversations(me, { limit: 2, cursor: second.nextCursor });
    const order = [...first.items, ...second.items, ...third.items].map((c) => c.otherUid);
    assert.deepEqual(
      order,
      [others[1], others[3], others[2], others[0]].map((u) => u?.uid),
    );
    assert.equal(third.nextCursor, null);
    assert.deepEqual(first.items[0]?.preview, { senderUid: me.uid, kind: "text", text: "my reply" });
    assert.equal(first.items[1]?.preview.text.length, 100, "previews are cut to config/messages.previewLength");
    assert.equal(first.items[0]?.unread, 1, "my own reply does not clear what I had not read");
  });

  it("notifies the recipient with dm-message collapsed per conversation; a muted conversation does not notify", async () => {
    const [ann, bob] = await makeUsers(2);
    const { conversationId, messageId } = await send(ann, bob.uid, { text: "ping" });
    const queued = await queuedFor(bob.uid, "dm-message");
    assert.deepEqual(
      queued.map((n) => [n.data.conversationId, n.data.messageId, n.data.preview, n.actorUid]),
      [[conversationId, messageId, "ping", ann.uid]],
    );
    await mute(bob, conversationId);
    await send(ann, bob.uid, { text: "again" });
    assert.equal((await queuedFor(bob.uid, "dm-message")).length, 1);
    assert.equal((await unreadState(bob.uid)).total, 2, "muted conversations still count unread");
  });
});

describe("messages: GDPR export and account deletion", () => {
  useCleanMessagesStack();

  it("exports the messages the user sent and their conversation list; deletion keeps the other party's copy with the sender anonymised", async function () {
    this.timeout(60_000);
    const [subject, other] = await makeUsers(2);
    const image = await makeMedia(subject.uid);
    const { conversationId } = await send(subject, other.uid, { text: "from subject" });
    await send(other, subject.uid, { text: "from other" });
    await send(subject, other.uid, { text: "a picture", mediaId: image });

    const bundle = await buildExport(subject.uid);
    assert.deepEqual(
      bundle.directMessages.sent.map((m) => m.text),
      ["from subject", "a picture"],
    );
    assert.deepEqual(
      bundle.directMessages.conversations.map((c) => [c.conversationId, c.otherUid, c.unread]),
      [[conversationId, other.uid, 1]],
    );

    assert.equal((await runAccountDeletion(subject.uid)).status, "done");
    const page = await messages(other, conversationId);
    assert.deepEqual(
      page.items.map((m) => [m.senderUid, m.text, m.mediaId]),
      [
        ["deleted-user", "a picture", null],
        [other.uid, "from other", null],
        ["deleted-user", "from subject", null],
      ],
    );
    assert.deepEqual(Object.keys(page.lastReadAt).sort(), ["deleted-user", other.uid].sort());
    const theirList = await conversations(other);
    assert.deepEqual(
      theirList.items.map((c) => [c.otherUid, c.preview.senderUid, c.preview.text]),
      [["deleted-user", "deleted-user", "a picture"]],
    );
    assert.ok(!(await allPaths()).some((p) => p.startsWith(`messageInboxes/${subject.uid}`)));
    assert.equal(await reasonOf(send(other, subject.uid), "not-found"), "recipient-not-found");
    assert.deepEqual((await buildExport(subject.uid)).directMessages, { sent: [], conversations: [] });
  });
});
