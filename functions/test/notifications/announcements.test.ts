import assert from "node:assert/strict";
import { db } from "../../src/kernel/app.js";
import { announcementFanoutId } from "../../src/notifications/announcements.js";
import { getAnnouncement, sendAnnouncement } from "../../src/notifications/callables.js";
import { fanoutPageRef, fanoutRef, runFanoutPage } from "../../src/notifications/fanout.js";
import { callInProcess, expectHttpsError } from "../support/callables.js";
import { allPaths } from "../support/firestore.js";
import { queuedFor } from "../support/notifications.js";
import { useCleanStack } from "../support/stack.js";
import { createTestUser } from "../support/users.js";

/** Runs an announcement's page tasks in order, as Cloud Tasks would, until there is no next page. */
async function runAllPages(announcementId: string): Promise<number> {
  const fanoutId = announcementFanoutId(announcementId);
  let page = 0;
  while ((await runFanoutPage({ fanoutId, page })).outcome !== "missing") page++;
  return page;
}

describe("notifications: system announcements fan out to their audience through notify()", function () {
  this.timeout(120_000);
  useCleanStack();

  it("reaches exactly the users of the countries and roles (language too), once even when page tasks are redelivered, audited", async () => {
    const admin = await createTestUser({ roles: ["admin"] });
    const profiles: Record<string, Record<string, unknown>> = {
      inHost: { country: "IN", roles: ["viewer", "host"], language: "hi" },
      pkAgency: { country: "PK", roles: ["viewer", "agencyOwner"], language: "ur" },
      inViewer: { country: "IN", roles: ["viewer"], language: "hi" },
      usHost: { country: "US", roles: ["viewer", "host"], language: "en" },
      noProfileFields: {},
    };
    for (const [uid, profile] of Object.entries(profiles)) await db().doc(`users/${uid}`).set(profile);

    const request = {
      requestId: "announce-host-week",
      title: "Host week",
      body: "Double rewards for hosts",
      countries: ["IN", "PK"],
      roles: ["host", "agencyOwner"],
    };
    const first = await callInProcess(sendAnnouncement, { user: admin, data: request });
    const resent = await callInProcess(sendAnnouncement, { user: admin, data: request });
    assert.deepEqual([first.created, resent.created], [true, false]);
    assert.equal(resent.announcementId, first.announcementId);

    const fanoutId = announcementFanoutId(first.announcementId);
    const unsent = { page: (await fanoutPageRef(fanoutId, 0).get()).data(), fanout: (await fanoutRef(fanoutId).get()).data() };
    assert.equal((await runFanoutPage({ fanoutId, page: 0 })).outcome, "done");
    assert.equal((await runFanoutPage({ fanoutId, page: 0 })).outcome, "already-done");
    // An attempt that queued the page's notifications and died before recording anything: the retry
    // takes the page over after the lease and does the page again, queuing nobody twice.
    await fanoutPageRef(fanoutId, 0).set({ ...unsent.page, status: "claimed", leaseOwner: "dead-attempt", claimedUntil: 0 });
    await fanoutRef(fanoutId).set(unsent.fanout ?? {});
    assert.equal((await runFanoutPage({ fanoutId, page: 0 })).outcome, "done");

    for (const uid of ["inHost", "pkAgency"]) {
      const queued = await queuedFor(uid, "system-announcement");
      assert.equal(queued.length, 1, uid);
      assert.deepEqual(queued[0]?.data, { headline: "Host week", message: "Double rewards for hosts", announcementId: first.announcementId });
    }
    for (const uid of ["inViewer", "usHost", "noProfileFields", admin.uid]) assert.deepEqual(await queuedFor(uid, "system-announcement"), [], uid);

    const progress = await callInProcess(getAnnouncement, { user: admin, data: { id: first.announcementId } });
    assert.equal(progress.status, "done");
    assert.deepEqual([progress.pagesDone, progress.pages, progress.usersReached], [1, 1, 2]);
    assert.deepEqual([progress.countries, progress.roles, progress.language], [["IN", "PK"], ["host", "agencyOwner"], null]);

    const audit = await db().collection("auditLog").where("action", "==", "notifications.announcement.send").get();
    assert.equal(audit.size, 1);
    assert.equal(audit.docs[0]?.get("actorUid"), admin.uid);
    assert.equal(audit.docs[0]?.get("details.announcementId"), first.announcementId);

    // One language narrows the audience further.
    const hindi = await callInProcess(sendAnnouncement, {
      user: admin,
      data: { requestId: "announce-hindi-01", title: "नमस्ते", body: "x", country: "IN", language: "hi" },
    });
    await runAllPages(hindi.announcementId);
    assert.equal((await queuedFor("inViewer", "system-announcement")).length, 1);
    assert.equal((await queuedFor("usHost", "system-announcement")).length, 0);
  });

  it("reaches 1,200 users in pages of 500 and reports its progress, reading no user of another country", async () => {
    const admin = await createTestUser({ roles: ["admin"] });
    for (let start = 0; start < 1_200; start += 400) {
      const batch = db().batch();
      for (let n = start; n < start + 400; n++) batch.set(db().doc(`users/np-${String(n).padStart(4, "0")}`), { country: "NP", roles: ["viewer"] });
      // Interleaved by id with the audience: a country's users are found by the query, not by a scan.
      for (let n = start; n < start + 100; n++)
        batch.set(db().doc(`users/np-${String(n).padStart(4, "0")}-in`), { country: "IN", roles: ["viewer"] });
      await batch.commit();
    }
    const { announcementId } = await callInProcess(sendAnnouncement, {
      user: admin,
      data: { requestId: "announce-nepal-01", title: "Namaste", body: "Hello Nepal", country: "NP" },
    });
    const before = await callInProcess(getAnnouncement, { user: admin, data: { id: announcementId } });
    assert.deepEqual([before.status, before.pagesDone, before.pages, before.usersReached], ["running", 0, null, 0]);

    const pages = await runAllPages(announcementId);
    const progress = await callInProcess(getAnnouncement, { user: admin, data: { id: announcementId } });
    assert.equal(pages, 3);
    assert.deepEqual([progress.status, progress.pagesDone, progress.pages], ["done", 3, 3]);
    assert.equal(progress.usersReached, 1_200);
    assert.equal(progress.usersScanned, 1_200);
    assert.ok((await db().collection("users").count().get()).data().count >= 1_500);
    const queued = await db().collection("notificationOutbox").where("type", "==", "system-announcement").count().get();
    assert.equal(queued.data().count, 1_200);
    assert.equal((await queuedFor("np-1199", "system-announcement")).length, 1);
  });

  it("refuses non-admins (permission-denied), malformed input (invalid-argument) and unknown ids (not-found), writing nothing", async () => {
    const admin = await createTestUser({ roles: ["admin"] });
    const support = await createTestUser({ roles: ["support"] });
    const before = await allPaths();
    const valid = { requestId: "announce-refused-1", title: "x", body: "y" };
    await expectHttpsError(callInProcess(sendAnnouncement, { user: support, data: valid }), "permission-denied");
    await expectHttpsError(callInProcess(getAnnouncement, { user: support, data: { id: "whatever" } }), "permission-denied");
    for (const data of [
      { title: "x", body: "y" },
      { ...valid, title: "" },
      { ...valid, country: "india" },
      { ...valid, roles: ["viewer"] },
      { ...valid, country: "IN", countries: ["PK"] },
      { ...valid, extra: 1 },
    ])
      await expectHttpsError(callInProcess(sendAnnouncement, { user: admin, data }), "invalid-argument");
    const missing = await expectHttpsError(callInProcess(getAnnouncement, { user: admin, data: { id: "no-such-announcement" } }), "not-found");
    assert.equal((missing.details as { reason?: string } | undefined)?.reason, "announcement-not-found");
    assert.deepEqual(await allPaths(), before);
  });
});
