/**
 * Upload purposes beyond posts, stories and messages: per-purpose limits from config/media, the profile
 * photo (setProfilePhoto) and report evidence (reportContent, read by moderators through getReport).
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { db } from "../../src/kernel/app.js";
import { clearConfigCaches } from "../../src/kernel/config-document.js";
import { cleanUpMedia } from "../../src/media/uploads/cleanup.js";
import { getReport, reportContent, setProfilePhoto, updateProfile } from "../../src/social/callables.js";
import type { ReportResponse, ReportView, SetProfilePhotoResponse } from "../../src/social/schema.js";
import { callInProcess, expectHttpsError } from "../support/callables.js";
import { allPaths, docData } from "../support/firestore.js";
import { useCleanStack } from "../support/stack.js";
import { createTestUser, type TestUser } from "../support/users.js";
import { mp4 } from "../support/video-files.js";
import { exists, png, readyImage, request, uploadAndFinalize } from "./support.js";

const reasonOf = async (promise: Promise<unknown>, code: Parameters<typeof expectHttpsError>[1]) =>
  ((await expectHttpsError(promise, code)).details as { reason?: string } | undefined)?.reason;

describe("media uploads: purposes and their limits", function () {
  this.timeout(30_000);
  useCleanStack();
  beforeEach(() => clearConfigCaches());

  it("avatar uploads are images of at most 5 MB, not GIFs; report evidence may be a video; config/media.purposes decides", async () => {
    const user = await createTestUser();
    const reasonFor = async (data: Record<string, unknown>) => reasonOf(request(user, data), "invalid-argument");
    assert.equal(await reasonFor({ purpose: "avatar", kind: "video", contentType: "video/mp4", sizeBytes: 1000 }), "kind-not-allowed");
    assert.equal(await reasonFor({ purpose: "avatar", contentType: "image/gif", sizeBytes: 1000 }), "content-type-not-allowed");
    assert.equal(await reasonFor({ purpose: "avatar", sizeBytes: 5 * 1024 * 1024 + 1 }), "file-too-large");
    assert.equal((await db().collection("media").get()).size, 0);
    const avatar = await request(user, { purpose: "avatar", sizeBytes: 5 * 1024 * 1024 });
    assert.equal((await docData(`media/${avatar.mediaId}`))?.purpose, "avatar");
    await request(user, { purpose: "report-evidence", kind: "video", contentType: "video/mp4", sizeBytes: 1000 });

    await db()
      .doc("config/media")
      .set({ purposes: { "report-evidence": { kinds: ["image"] }, post: { maxBytes: 2048 } } });
    clearConfigCaches();
    assert.equal(await reasonFor({ purpose: "report-evidence", kind: "video", contentType: "video/mp4", sizeBytes: 1000 }), "kind-not-allowed");
    assert.equal(await reasonFor({ purpose: "post", sizeBytes: 2049 }), "file-too-large");
    await request(user, { purpose: "post", sizeBytes: 2048 });
  });

  it("the finalize trigger applies the purpose's limits too (config changed after the URL was issued)", async () => {
    const user = await createTestUser();
    const video = mp4({ duration: 2_000 });
    const grant = await request(user, { purpose: "report-evidence", kind: "video", contentType: "video/mp4", sizeBytes: video.length });
    await db()
      .doc("config/media")
      .set({ purposes: { "report-evidence": { kinds: ["image"] } } });
    clearConfigCaches();
    const { record } = await uploadAndFinalize(grant, video);
    assert.deepEqual([record.status, record.rejectedReason], ["rejected", "unrecognized-content"]);
  });
});

describe("social: setProfilePhoto", function () {
  this.timeout(30_000);
  useCleanStack();
  beforeEach(() => clearConfigCaches());

  const setPhoto = (user: TestUser, mediaId: string) =>
    callInProcess(setProfilePhoto, { user, data: { mediaId } }) as Promise<SetProfilePhotoResponse>;

  it("sets the profile's photo fields from a ready avatar upload, and releases the previous avatar for cleanup", async () => {
    const user = await createTestUser();
    const first = await readyImage(user, "avatar");
    const firstRecord = await docData(`media/${first}`);
    assert.deepEqual(await setPhoto(user, first), {
      avatarMediaId: first,
      avatarPath: firstRecord?.path,
      avatarThumbnailPath: firstRecord?.thumbnailPath,
      replacedMediaId: null,
    });
    const profile = await docData(`users/${user.uid}`);
    assert.deepEqual(
      [profile?.avatarMediaId, profile?.avatarPath, profile?.avatarThumbnailPath],
      [first, firstRecord?.path, firstRecord?.thumbnailPath],
    );
    assert.equal((await docData(`media/${first}`))?.attachedTo, `users/${user.uid}`);
    // Setting the same photo again changes nothing.
    assert.equal((await setPhoto(user, first)).replacedMediaId, null);

    const second = await readyImage(user, "avatar");
    assert.equal((await setPhoto(user, second)).replacedMediaId, first);
    assert.equal((await docData(`users/${user.uid}`))?.avatarMediaId, second);
    assert.equal((await docData(`media/${first}`))?.deleteReason, "avatar-replaced");
    await cleanUpMedia(Date.now() + 1000);
    assert.equal(await docData(`media/${first}`), undefined);
    assert.equal(await exists(firstRecord?.path as string), false);
    assert.equal(await exists((await docData(`media/${second}`))?.path as string), true);
  });

  it("refuses media that is not the caller's ready avatar upload, and client-chosen photo paths; nothing changes", async () => {
    const [user, other] = await Promise.all([createTestUser(), createTestUser()]);
    const forPost = await readyImage(user, "post");
    const theirs = await readyImage(other, "avatar");
    const image = await png(10, 10);
    const pending = await request(user, { purpose: "avatar", sizeBytes: image.length });
    // The profile exists (the Auth trigger creates it at sign-up).
    await callInProcess(updateProfile, { user, data: { displayName: "Me" } });
    const before = await allPaths();
    const profile = await docData(`users/${user.uid}`);
    assert.equal(await reasonOf(setPhoto(user, forPost), "failed-precondition"), "media-wrong-purpose");
    assert.equal(await reasonOf(setPhoto(user, theirs), "not-found"), "media-not-found");
    assert.equal(await reasonOf(setPhoto(user, pending.mediaId), "failed-precondition"), "media-not-ready");
    for (const data of [{}, { mediaId: "" }, { mediaId: "a/b" }, { mediaId: theirs, uid: other.uid }]) {
      await expectHttpsError(callInProcess(setProfilePhoto, { user, data }), "invalid-argument");
    }
    await expectHttpsError(callInProcess(updateProfile, { user, data: { avatarPath: `avatars/${user.uid}/face.jpg` } }), "invalid-argument");
    assert.deepEqual(await allPaths(), before);
    assert.deepEqual(await docData(`users/${user.uid}`), profile);
  });
});

describe("social: report evidence", function () {
  this.timeout(30_000);
  useCleanStack();
  beforeEach(() => clearConfigCaches());

  const file = (user: TestUser, data: Record<string, unknown>) =>
    callInProcess(reportContent, {
      user,
      data: { targetType: "post", targetId: "post-1", reason: "harassment", requestId: randomUUID(), ...data },
    }) as Promise<ReportResponse>;

  it("a report attaches the reporter's own ready evidence uploads; moderators read it with signed URLs", async () => {
    const [reporter, moderator] = await Promise.all([createTestUser(), createTestUser({ roles: ["moderator"] })]);
    const evidence = [await readyImage(reporter, "report-evidence"), await readyImage(reporter, "report-evidence")];
    const { reportId } = await file(reporter, { evidenceMediaIds: evidence });
    const stored = await docData(`reports/${reportId}`);
    assert.deepEqual(
      ((stored?.evidence ?? []) as { mediaId: string }[]).map((e) => e.mediaId),
      evidence,
    );
    for (const mediaId of evidence) assert.equal((await docData(`media/${mediaId}`))?.attachedTo, `reports/${reportId}`);

    const view = (await callInProcess(getReport, { user: moderator, data: { reportId } })) as ReportView;
    assert.deepEqual(
      [view.reportId, view.reporterUid, view.targetType, view.targetId, view.reason, view.status],
      [reportId, reporter.uid, "post", "post-1", "harassment", "open"],
    );
    assert.equal(view.evidence.length, 2);
    for (const item of view.evidence) {
      const [original, thumbnail] = await Promise.all([fetch(item.url), fetch(item.thumbnailUrl as string)]);
      assert.equal(original.status, 200);
      assert.equal(thumbnail.headers.get("content-type"), "image/jpeg");
      assert.ok(Date.parse(item.urlExpiresAt) > Date.now());
    }
    await expectHttpsError(callInProcess(getReport, { user: reporter, data: { reportId } }), "permission-denied");
    await expectHttpsError(callInProcess(getReport, { user: moderator, data: { reportId: "no-such-report" } }), "not-found");
  });

  it("refuses another user's media, media of another purpose, used evidence and more than 5 items; nothing is written", async () => {
    const [reporter, other] = await Promise.all([createTestUser(), createTestUser()]);
    const mine = await readyImage(reporter, "report-evidence");
    const forPost = await readyImage(reporter, "post");
    const theirs = await readyImage(other, "report-evidence");
    const before = await allPaths();
    assert.equal(await reasonOf(file(reporter, { evidenceMediaIds: [mine, theirs] }), "not-found"), "media-not-found");
    assert.equal(await reasonOf(file(reporter, { evidenceMediaIds: [forPost] }), "failed-precondition"), "media-wrong-purpose");
    await expectHttpsError(file(reporter, { evidenceMediaIds: [mine, mine] }), "invalid-argument");
    await expectHttpsError(file(reporter, { evidenceMediaIds: Array.from({ length: 6 }, (_, i) => `m${i}`) }), "invalid-argument");
    await expectHttpsError(file(reporter, { evidencePaths: [`reports/${reporter.uid}/shot.png`] }), "invalid-argument");
    assert.deepEqual(await allPaths(), before);
    await file(reporter, { evidenceMediaIds: [mine] });
    assert.equal(await reasonOf(file(reporter, { evidenceMediaIds: [mine] }), "failed-precondition"), "media-in-use");
  });
});
