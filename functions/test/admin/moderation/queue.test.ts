import assert from "node:assert/strict";
import { getModerationItem, listModerationQueue, takeModerationAction } from "../../../src/admin/moderation/callables.js";
import type { GetModerationItemResponse, ListModerationQueueResponse } from "../../../src/admin/moderation/schema.js";
import { onChatMessageCreated } from "../../../src/chat/triggers.js";
import { db, rtdb } from "../../../src/kernel/app.js";
import { callInProcess, expectHttpsError } from "../../support/callables.js";
import { useCleanStack } from "../../support/stack.js";
import { deliverDatabaseEvent } from "../../support/triggers.js";
import { createTestUser, type TestUser } from "../../support/users.js";
import { deliverReport, fileReport, items, setModerationConfig, staff, writeReviewEntry } from "./support.js";

describe("admin/moderation: the queue", function () {
  this.timeout(60_000);
  useCleanStack();
  let moderator: TestUser;
  let reporters: TestUser[];

  beforeEach(async () => {
    [moderator] = await staff();
    reporters = await Promise.all([createTestUser(), createTestUser(), createTestUser()]);
  });

  const list = (data: unknown) => callInProcess(listModerationQueue, { user: moderator, data }) as Promise<ListModerationQueueResponse>;

  it("a report becomes one open item about its subject, whatever the deliveries; getModerationItem shows the report", async () => {
    const reportId = await fileReport(reporters[0] as TestUser, { targetType: "user", targetId: "troll-1" }, "evt-1");
    await deliverReport(reportId, "evt-1");
    await deliverReport(reportId, "evt-2");
    const all = await items();
    assert.equal(all.length, 1);
    const [item] = all;
    assert.equal(item?.itemId, `report__${reportId}`);
    assert.equal(item?.kind, "report");
    assert.equal(item?.source, "user-report");
    assert.equal(item?.subjectUid, "troll-1");
    assert.equal(item?.status, "open");
    assert.equal(item?.priority, 40);
    assert.equal(item?.sourceRef, `reports/${reportId}`);

    const detail = (await callInProcess(getModerationItem, {
      user: moderator,
      data: { itemId: `report__${reportId}` },
    })) as GetModerationItemResponse;
    assert.equal(detail.item.subjectUid, "troll-1");
    assert.equal(detail.report?.reportId, reportId);
    assert.equal(detail.report?.reason, "harassment");
    assert.deepEqual(detail.recentSanctions, []);
  });

  it("the report follows its item: actioned or dismissed, with the time, so the reporter's record says how it ended", async () => {
    const subject = await createTestUser();
    const warned = await fileReport(reporters[0] as TestUser, { targetType: "user", targetId: subject.uid });
    const dismissed = await fileReport(reporters[1] as TestUser, { targetType: "user", targetId: subject.uid });
    const act = (reportId: string, action: string) =>
      callInProcess(takeModerationAction, {
        user: moderator,
        data: { itemId: `report__${reportId}`, action, reason: "checked the chat log", requestId: `act-${reportId}` },
      });
    await act(warned, "warn");
    await act(dismissed, "dismiss");
    const [warnedReport, dismissedReport] = await Promise.all([db().doc(`reports/${warned}`).get(), db().doc(`reports/${dismissed}`).get()]);
    assert.equal(warnedReport.get("status"), "actioned");
    assert.equal(dismissedReport.get("status"), "dismissed");
    assert.ok(warnedReport.get("resolvedAt"));
  });

  it("repeat reports on the same subject raise the priority (base and step from config/moderation)", async () => {
    await setModerationConfig({ priorities: { "user-report": 20 }, repeatBoost: 15 });
    for (const reporter of reporters) await fileReport(reporter, { targetType: "user", targetId: "troll-2" });
    await fileReport(reporters[0] as TestUser, { targetType: "user", targetId: "someone-else" });
    const priorities = (await items())
      .filter((i) => i.subjectUid === "troll-2")
      .map((i) => i.priority as number)
      .sort((a, b) => a - b);
    assert.deepEqual(priorities, [20, 35, 50]);
    assert.equal((await items()).find((i) => i.subjectUid === "someone-else")?.priority, 20);
  });

  it("a post's report is about its author", async () => {
    await db().doc("posts/p1").set({ authorUid: "author-1", status: "active", text: "hi" });
    await fileReport(reporters[0] as TestUser, { targetType: "post", targetId: "p1" });
    const [item] = await items();
    assert.equal(item?.subjectUid, "author-1");
    assert.deepEqual(item?.contentRef, { type: "post", id: "p1" });
  });

  it("review entries: one flag item per opening; archived copies and updates of an open entry raise none", async () => {
    const { FieldValue } = await import("firebase-admin/firestore");
    const entry = {
      uid: "buyer-1",
      reason: "purchase-velocity",
      status: "open",
      source: "payments.velocity",
      createdAt: FieldValue.serverTimestamp(),
    };
    await writeReviewEntry("purchase-velocity__buyer-1", entry, "w1");
    assert.equal((await items()).length, 1);
    // The same opening updated (still open, same createdAt): nothing new.
    const stored = (await db().doc("reviewQueue/purchase-velocity__buyer-1").get()).data() ?? {};
    await writeReviewEntry("purchase-velocity__buyer-1", { ...stored, metrics: { n: 2 } }, "w2");
    // The archived copy of a closed entry: nothing.
    await writeReviewEntry("archived-1", { ...stored, status: "closed", archivedAt: FieldValue.serverTimestamp() }, "w3");
    // Closed, then reopened in place: a second item.
    await writeReviewEntry("purchase-velocity__buyer-1", { ...stored, status: "closed" }, "w4");
    await new Promise((resolve) => setTimeout(resolve, 5));
    await writeReviewEntry("purchase-velocity__buyer-1", entry, "w5");
    await writeReviewEntry("teenpatti-collusion__a__b", {
      reason: "teenpatti-collusion",
      status: "open",
      source: "games.teenpatti",
      uids: ["a", "b"],
      createdAt: FieldValue.serverTimestamp(),
    });
    const all = await items();
    const velocity = all.filter((i) => i.source === "payment-velocity");
    assert.equal(velocity.length, 2);
    assert.ok(velocity.every((i) => i.kind === "flag" && i.subjectUid === "buyer-1"));
    // The second opening finds the first still open on the same subject.
    assert.deepEqual(velocity.map((i) => i.priority).sort(), [70, 80]);
    const collusion = all.find((i) => i.source === "game-collusion");
    assert.equal(collusion?.subjectUid, "a");
    assert.deepEqual(collusion?.relatedUids, ["b"]);
    assert.equal(all.length, 3);
  });

  it("chat: a sender whose messages the filter masks N times within the window becomes a chat-filter item, once per message", async () => {
    await setModerationConfig({ chatFilter: { offences: 2, windowSeconds: 600 } });
    const post = async (text: string) => {
      const ref = rtdb().ref("chat/stream_s1").push();
      const value = { uid: "potty", text, createdAt: Date.now() };
      await ref.set(value);
      const deliver = () =>
        deliverDatabaseEvent(onChatMessageCreated, "created", `chat/stream_s1/${ref.key}`, value, `chat-${ref.key}`, {
          venueKey: "stream_s1",
          messageId: ref.key as string,
        });
      await deliver();
      await deliver();
      return ref.key as string;
    };
    await post("what the fuck");
    await post("hello there");
    assert.equal((await items()).length, 0);
    const second = await post("fuck this");
    const all = await items();
    assert.equal(all.length, 1);
    assert.equal(all[0]?.source, "chat-filter");
    assert.equal(all[0]?.subjectUid, "potty");
    assert.deepEqual(all[0]?.contentRef, { type: "chat-message", id: `stream_s1/${second}` });
    // The count started over.
    await post("fuck again");
    assert.equal((await items()).length, 1);
  });

  it("lists by priority then age, cursor-paged, with filters", async () => {
    const { Timestamp } = await import("firebase-admin/firestore");
    const seed = (id: string, priority: number, ageMs: number, fields: Record<string, unknown> = {}) =>
      db()
        .doc(`moderationItems/${id}`)
        .set({
          kind: "report",
          source: "user-report",
          subjectUid: "x",
          status: "open",
          priority,
          createdAt: Timestamp.fromMillis(Date.now() - ageMs),
          ...fields,
        });
    await Promise.all([
      seed("a", 50, 1_000),
      seed("b", 50, 5_000),
      seed("c", 90, 100),
      seed("d", 10, 9_000),
      seed("e", 70, 100, { kind: "flag", source: "media" }),
      seed("f", 99, 100, { status: "actioned" }),
    ]);
    const seen: string[] = [];
    let cursor: string | null | undefined;
    do {
      const page = await list({ limit: 2, ...(cursor ? { cursor } : {}) });
      seen.push(...page.items.map((i) => i.itemId));
      cursor = page.nextCursor;
    } while (cursor);
    assert.deepEqual(seen, ["c", "e", "b", "a", "d"]);
    assert.deepEqual(
      (await list({ kind: "flag" })).items.map((i) => i.itemId),
      ["e"],
    );
    assert.deepEqual(
      (await list({ source: "user-report", minPriority: 50 })).items.map((i) => i.itemId),
      ["c", "b", "a"],
    );
    assert.deepEqual(
      (await list({ status: "actioned" })).items.map((i) => i.itemId),
      ["f"],
    );
    await expectHttpsError(list({ cursor: "not-a-cursor" }), "invalid-argument");
  });

  it("a country-scoped moderator lists and opens only the items whose subject is of its countries", async () => {
    const [brSubject, inSubject] = await Promise.all([createTestUser(), createTestUser()]);
    await db().doc(`users/${brSubject.uid}`).set({ country: "BR" }, { merge: true });
    await db().doc(`users/${inSubject.uid}`).set({ country: "IN" }, { merge: true });
    const brItem = `report__${await fileReport(reporters[0] as TestUser, { targetType: "user", targetId: brSubject.uid })}`;
    const inItem = `report__${await fileReport(reporters[1] as TestUser, { targetType: "user", targetId: inSubject.uid })}`;
    const noProfileItem = `report__${await fileReport(reporters[2] as TestUser, { targetType: "user", targetId: "no-profile" })}`;
    // The country is the subject's when the item opened.
    await db().doc(`users/${brSubject.uid}`).set({ country: "PT" }, { merge: true });

    const everyCountry = await list({});
    assert.deepEqual(new Set(everyCountry.items.map((item) => item.itemId)), new Set([brItem, inItem, noProfileItem]));
    assert.deepEqual(Object.fromEntries(everyCountry.items.map((item) => [item.itemId, item.subjectCountry])), {
      [brItem]: "BR",
      [inItem]: "IN",
      [noProfileItem]: null,
    });

    const brModerator = await createTestUser({ roles: ["moderator"], claims: { staffCountries: ["BR", "AR"] } });
    const scoped = (await callInProcess(listModerationQueue, { user: brModerator, data: {} })) as ListModerationQueueResponse;
    assert.deepEqual(
      scoped.items.map((item) => item.itemId),
      [brItem],
    );
    const opened = (await callInProcess(getModerationItem, { user: brModerator, data: { itemId: brItem } })) as GetModerationItemResponse;
    assert.equal(opened.item.subjectUid, brSubject.uid);
    for (const itemId of [inItem, noProfileItem]) {
      const refused = await expectHttpsError(callInProcess(getModerationItem, { user: brModerator, data: { itemId } }), "permission-denied");
      assert.equal((refused.details as { reason?: string }).reason, "out-of-country-scope", itemId);
    }
  });

  it("refuses malformed requests", async () => {
    for (const data of [null, { status: "closed" }, { limit: 0 }, { limit: 101 }, { minPriority: -1 }, { kind: "rumour" }, { extra: 1 }]) {
      await expectHttpsError(list(data), "invalid-argument");
    }
    for (const data of [null, {}, { itemId: "" }, { itemId: "a/b" }]) {
      await expectHttpsError(callInProcess(getModerationItem, { user: moderator, data }), "invalid-argument");
    }
    await expectHttpsError(callInProcess(getModerationItem, { user: moderator, data: { itemId: "missing" } }), "not-found");
  });
});
