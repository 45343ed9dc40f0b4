import assert from "node:assert/strict";
import type { Timestamp } from "firebase-admin/firestore";
import { clearChatConfigCache } from "../../src/chat/config.js";
import { moderateText } from "../../src/chat/profanity.js";
import type { ModerationOutcome } from "../../src/chat/schema.js";
import { onChatMessageCreated } from "../../src/chat/triggers.js";
import { db, rtdb } from "../../src/kernel/app.js";
import { docData } from "../support/firestore.js";
import { useCleanStack } from "../support/stack.js";
import { deliverDatabaseEvent } from "../support/triggers.js";

const VENUE_KEY = "stream_s1";

interface Posted {
  id: string;
  value: { uid: string; text: string; createdAt: number };
}

/** Writes a message where a client would (the rules are tested separately) and returns it. */
async function post(uid: string, text: string, createdAt = Date.now()): Promise<Posted> {
  const ref = rtdb().ref(`chat/${VENUE_KEY}`).push();
  const value = { uid, text, createdAt };
  await ref.set(value);
  return { id: ref.key as string, value };
}

function deliver(message: Posted, eventId = `created-${message.id}`) {
  return deliverDatabaseEvent(onChatMessageCreated, "created", `chat/${VENUE_KEY}/${message.id}`, message.value, eventId, {
    venueKey: VENUE_KEY,
    messageId: message.id,
  });
}

async function liveChat(): Promise<Record<string, Record<string, unknown>>> {
  return ((await rtdb().ref(`chat/${VENUE_KEY}`).get()).val() ?? {}) as Record<string, Record<string, unknown>>;
}

async function archived(messageId: string): Promise<Record<string, unknown>> {
  const record = await docData(`chatArchive/${VENUE_KEY}/messages/${messageId}`);
  assert.ok(record, `message ${messageId} was not archived`);
  return record;
}

async function moderationOf(messageId: string): Promise<ModerationOutcome> {
  return (await archived(messageId)).moderation as ModerationOutcome;
}

async function setChatConfig(config: Record<string, unknown>) {
  await db().doc("config/chat").set(config);
  clearChatConfigCache();
}

describe("chat: moderation trigger (onChatMessageCreated)", () => {
  useCleanStack();
  beforeEach(() => clearChatConfigCache());

  it("takes down a message from a banned or suspended account (its ID token may still pass the rules)", async () => {
    await db().doc("bans/mallory").set({ reason: "fraud", expiresAt: null });
    await db()
      .doc("bans/sam")
      .set({ reason: "spam", expiresAt: new Date(Date.now() + 3_600_000) });
    await db()
      .doc("bans/served")
      .set({ reason: "spam", expiresAt: new Date(Date.now() - 1000) });
    const banned = await post("mallory", "hello everyone");
    const suspended = await post("sam", "hello again");
    const served = await post("served", "back again");
    for (const message of [banned, suspended, served]) await deliver(message);
    const live = await liveChat();
    assert.deepEqual(Object.keys(live), [served.id]);
    for (const message of [banned, suspended]) {
      const outcome = await moderationOf(message.id);
      assert.equal(outcome.verdict, "removed");
      assert.equal(outcome.senderBanned, true);
    }
    assert.equal((await moderationOf(served.id)).verdict, "clean");
  });

  it("masks banned words in the live message and archives the original with the outcome", async () => {
    const message = await post("alice", "you are a fucking idiot");
    await deliver(message);

    const live = (await liveChat())[message.id];
    assert.deepEqual(live, { ...message.value, text: "you are a ****ing idiot", masked: true });
    const archive = await archived(message.id);
    assert.equal(archive.text, "you are a fucking idiot");
    assert.equal(archive.uid, "alice");
    assert.equal(archive.venueKey, VENUE_KEY);
    assert.deepEqual(archive.venue, { type: "stream", id: "s1" });
    assert.deepEqual((archive.createdAt as Timestamp).toMillis(), message.value.createdAt);
    assert.deepEqual(archive.moderation, {
      verdict: "masked",
      shownText: "you are a ****ing idiot",
      matches: 1,
      repeated: false,
      flagged: true,
      autoMutedUntil: null,
    });
  });

  it("removes a message that is nothing but abuse, and archives it", async () => {
    const message = await post("alice", "FUCK!!!");
    await deliver(message);
    assert.equal((await liveChat())[message.id], undefined);
    const archive = await archived(message.id);
    assert.equal(archive.text, "FUCK!!!");
    assert.equal((await moderationOf(message.id)).verdict, "removed");
    assert.equal((await moderationOf(message.id)).shownText, null);
  });

  it("leaves clean messages as written and archives them as clean", async () => {
    const message = await post("alice", "what a great stream, hello from Scunthorpe");
    await deliver(message);
    assert.deepEqual((await liveChat())[message.id], message.value);
    assert.equal((await moderationOf(message.id)).verdict, "clean");
  });

  it("applies the operator's extra banned words and allowed words from config/chat", async () => {
    // Without the allowed word, the town's name would be masked ("*****tone").
    assert.equal(moderateText("Penistone", { bannedWords: [], allowedWords: [] }).verdict, "masked");
    await setChatConfig({ bannedWords: ["frack", "buy coins"], allowedWords: ["Penistone"] });
    const spam = await post("alice", "cheap! Buy Coins now, frack yeah");
    const town = await post("bob", "greetings from Penistone");
    await Promise.all([deliver(spam), deliver(town)]);
    const live = await liveChat();
    assert.equal(live[spam.id]?.text, "cheap! ********* now, ***** yeah");
    assert.deepEqual(live[town.id], town.value);
  });

  it("auto-mutes after N flagged messages within the window, each event counted once", async () => {
    await setChatConfig({ autoMute: { flaggedMessages: 3, windowSeconds: 120, muteSeconds: 600 } });
    const start = Date.now();
    const first = await post("spammer", "shit stream", start);
    const second = await post("spammer", "fuck this", start + 1_500);
    await deliver(first);
    await deliver(second);
    // Redeliveries of the same events (at-least-once) do not count again.
    await deliver(first);
    await deliver(second);
    assert.equal((await rtdb().ref(`mutes/${VENUE_KEY}/spammer`).get()).exists(), false);
    assert.equal(((await docData(`chatArchive/${VENUE_KEY}/senders/spammer`))?.recentFlags as number[] | undefined)?.length, 2);

    // A clean message in between does not count; the third flagged one mutes.
    await deliver(await post("spammer", "sorry", start + 3_000));
    const third = await post("spammer", "you bitch", start + 4_500);
    await deliver(third);
    const mutedUntil = (await rtdb().ref(`mutes/${VENUE_KEY}/spammer`).get()).val();
    assert.equal(mutedUntil, start + 4_500 + 600_000);
    assert.equal((await moderationOf(third.id)).autoMutedUntil, mutedUntil);
    // The series starts over after a mute.
    assert.deepEqual((await docData(`chatArchive/${VENUE_KEY}/senders/spammer`))?.recentFlags, []);
  });

  it("counts the same text repeated within the window as spam", async () => {
    await setChatConfig({ autoMute: { flaggedMessages: 3, windowSeconds: 60, muteSeconds: 300 } });
    const start = Date.now();
    const texts = ["FOLLOW me at example.com", "follow me at   example.com", "Follow me at example.com"];
    const outcomes: unknown[] = [];
    for (const [i, text] of texts.entries()) {
      const message = await post("promoter", text, start + i * 1_100);
      await deliver(message);
      outcomes.push((await moderationOf(message.id)).repeated);
    }
    assert.deepEqual(outcomes, [false, true, true]);
    // Two repeats are two flags: not yet a mute at three.
    assert.equal((await rtdb().ref(`mutes/${VENUE_KEY}/promoter`).get()).exists(), false);
    const fourth = await post("promoter", "follow me at example.com", start + 3_300);
    await deliver(fourth);
    assert.equal((await rtdb().ref(`mutes/${VENUE_KEY}/promoter`).get()).val(), start + 3_300 + 300_000);
  });

  it("never shortens a longer mute a moderator set", async () => {
    await setChatConfig({ autoMute: { flaggedMessages: 2, windowSeconds: 60, muteSeconds: 60 } });
    const longMute = Date.now() + 86_400_000;
    await rtdb().ref(`mutes/${VENUE_KEY}/spammer`).set(longMute);
    const start = Date.now();
    await deliver(await post("spammer", "shit", start));
    await deliver(await post("spammer", "fuck", start + 1_100));
    assert.equal((await rtdb().ref(`mutes/${VENUE_KEY}/spammer`).get()).val(), longMute);
  });

  it("keeps only the last N messages live (by key order) while every message is archived", async () => {
    await setChatConfig({ liveMessages: 10 });
    const posted: Posted[] = [];
    for (let i = 0; i < 14; i++) posted.push(await post(`user${i % 3}`, `message ${i}`));
    await deliver(posted[13] as Posted);
    const keys = Object.keys(await liveChat()).sort();
    assert.deepEqual(
      keys,
      posted.slice(4).map((m) => m.id),
    );
    // Trimming again changes nothing.
    await deliver(posted[13] as Posted, "another-event-for-the-same-message");
    assert.equal(Object.keys(await liveChat()).length, 10);
    // The trimmed messages' own events still archive them.
    await deliver(posted[0] as Posted);
    assert.equal((await archived((posted[0] as Posted).id)).text, "message 0");
    assert.equal((await liveChat())[(posted[0] as Posted).id], undefined, "a late event does not bring a trimmed message back");
  });

  it("does not resurrect a message deleted before its event was handled", async () => {
    const message = await post("alice", "damn, shit happens");
    await rtdb().ref(`chat/${VENUE_KEY}/${message.id}`).remove();
    await deliver(message);
    assert.equal((await liveChat())[message.id], undefined);
    assert.equal((await moderationOf(message.id)).verdict, "masked");
  });

  it("ignores data no client could have written (server-written or malformed)", async () => {
    const ref = rtdb().ref(`chat/${VENUE_KEY}`).push();
    const value = { system: true, text: "Welcome!" };
    await ref.set(value);
    await deliverDatabaseEvent(onChatMessageCreated, "created", `chat/${VENUE_KEY}/${ref.key}`, value, "evt-system", {
      venueKey: VENUE_KEY,
      messageId: ref.key as string,
    });
    assert.deepEqual((await liveChat())[ref.key as string], value);
    assert.equal(await docData(`chatArchive/${VENUE_KEY}/messages/${ref.key}`), undefined);
  });
});

describe("chat: moderateText", () => {
  const none = { bannedWords: [], allowedWords: [] };

  it("sees through case, look-alikes and leetspeak, and keeps innocent words", () => {
    assert.equal(moderateText("FUCK you", none).shownText, "**** you");
    assert.equal(moderateText("sh1t happens", none).shownText, "**** happens");
    assert.equal(moderateText("a classic assassin", none).verdict, "clean");
  });

  it("removes what is nothing but matches (punctuation and emoji do not save it)", () => {
    assert.equal(moderateText("shit shit", none).verdict, "removed");
    assert.equal(moderateText("🙂 fuck 🙂!!", none).verdict, "removed");
    assert.equal(moderateText("fuck 2", none).verdict, "masked");
  });

  it("matches operator words as whole words", () => {
    const config = { bannedWords: ["frack"], allowedWords: [] };
    assert.equal(moderateText("frack off", config).shownText, "***** off");
    assert.equal(moderateText("fracking debate", config).verdict, "clean");
  });
});
