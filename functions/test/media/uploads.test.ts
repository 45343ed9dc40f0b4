/**
 * Media uploads in-process: limits from config/media, the finalize processing of each kind of file
 * (called directly with the object's metadata, as the trigger hands it over), the cleanup job and GDPR.
 * The objects live in the Cloud Storage stand-in (this project's bucket fires no trigger).
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import sharp from "sharp";
import { runAccountDeletion } from "../../src/gdpr/deletion.js";
import { buildExport } from "../../src/gdpr/export.js";
import { db, firestoreValues } from "../../src/kernel/app.js";
import { clearConfigCaches } from "../../src/kernel/config-document.js";
import { defaultBucket, signedReadUrl } from "../../src/kernel/storage.js";
import { runTransaction } from "../../src/kernel/transactions.js";
import { attachMedia, readAttachableMedia } from "../../src/media/uploads/attachments.js";
import { UPLOAD_REQUESTS_PER_HOUR } from "../../src/media/uploads/callables.js";
import { cleanUpMedia, markMediaForDeletion } from "../../src/media/uploads/cleanup.js";
import { processFinalizedObject } from "../../src/media/uploads/finalize.js";
import { expectHttpsError } from "../support/callables.js";
import { useCleanStack } from "../support/stack.js";
import { createTestUser } from "../support/users.js";
import { mp4, webm } from "../support/video-files.js";
import { exists, finalize, png, request, uploadAndFinalize } from "./support.js";

describe("media uploads: limits, finalize processing, cleanup and GDPR", function () {
  this.timeout(30_000);
  useCleanStack();
  beforeEach(() => clearConfigCaches());

  it("config/media decides the accepted content types and sizes; a refusal writes nothing", async () => {
    const user = await createTestUser();
    await db()
      .doc("config/media")
      .set({ allowedContentTypes: { image: ["image/jpeg"] }, maxBytes: { image: 2048 } });
    const notAllowed = await expectHttpsError(request(user, { sizeBytes: 100 }), "invalid-argument");
    assert.equal((notAllowed.details as { reason: string }).reason, "content-type-not-allowed");
    const tooLarge = await expectHttpsError(request(user, { contentType: "image/jpeg", sizeBytes: 2049 }), "invalid-argument");
    assert.equal((tooLarge.details as { reason: string }).reason, "file-too-large");
    assert.equal((await db().collection("media").get()).size, 0);
    const grant = await request(user, { contentType: "image/jpeg", sizeBytes: 2048 });
    assert.match(grant.uploadUrl, /X-Goog-SignedHeaders=content-length%3Bcontent-type%3Bhost%3Bx-goog-if-generation-match/);
  });

  it(`allows ${UPLOAD_REQUESTS_PER_HOUR} upload URLs an hour per user, then resource-exhausted with nothing written`, async () => {
    const [user, other] = await Promise.all([createTestUser(), createTestUser()]);
    for (let i = 0; i < UPLOAD_REQUESTS_PER_HOUR; i++) await request(user, { sizeBytes: 100 });
    await expectHttpsError(request(user, { sizeBytes: 100 }), "resource-exhausted");
    assert.equal((await db().collection("media").get()).size, UPLOAD_REQUESTS_PER_HOUR);
    await request(other, { sizeBytes: 100 });
  });

  it("an image becomes ready with width and height (EXIF orientation applied) and a bounded JPEG thumbnail", async () => {
    const user = await createTestUser();
    // Stored 600×200 with orientation 6 (turned a quarter): the picture is 200 wide, 600 high.
    const image = await sharp({ create: { width: 600, height: 200, channels: 3, background: "#00aa00" } })
      .jpeg()
      .withMetadata({ orientation: 6 })
      .toBuffer();
    const grant = await request(user, { contentType: "image/jpeg", sizeBytes: image.length });
    const { outcome, record } = await uploadAndFinalize(grant, image);
    assert.equal(outcome, "ready");
    assert.deepEqual([record.width, record.height, record.durationMs], [200, 600, null]);
    const [thumbnail] = await defaultBucket()
      .file(record.thumbnailPath as string)
      .download();
    const metadata = await sharp(thumbnail).metadata();
    assert.deepEqual([metadata.format, metadata.width, metadata.height], ["jpeg", 107, 320]);
    assert.equal((await db().doc(`reviewQueue/media__${grant.mediaId}`).get()).get("status"), "open");
  });

  it("rejects bytes of another accepted type than declared, and an image the decoder cannot read; deletes them", async () => {
    const user = await createTestUser();
    const jpeg = await sharp({ create: { width: 8, height: 8, channels: 3, background: "#000" } })
      .jpeg()
      .toBuffer();
    const declaredPng = await request(user, { sizeBytes: jpeg.length });
    const mismatch = await uploadAndFinalize(declaredPng, jpeg);
    assert.deepEqual([mismatch.outcome, mismatch.record.status, mismatch.record.rejectedReason], ["rejected", "rejected", "content-type-mismatch"]);
    assert.equal(await exists(mismatch.record.path as string), false);

    const truncated = (await png(300, 300)).subarray(0, 60);
    const grant = await request(user, { sizeBytes: truncated.length });
    const unreadable = await uploadAndFinalize(grant, truncated);
    assert.deepEqual([unreadable.record.status, unreadable.record.rejectedReason], ["rejected", "unreadable-image"]);
    assert.equal((await db().collection("reviewQueue").get()).size, 0);
  });

  it("a video becomes ready with its duration and picture size read from the container (MP4, QuickTime, WebM)", async () => {
    const user = await createTestUser();
    const files: [string, Buffer, [number, number, number]][] = [
      ["video/mp4", mp4({ timescale: 600, duration: 600 * 42, width: 1920, height: 1080, portrait: true, moovLast: true }), [42_000, 1080, 1920]],
      ["video/quicktime", mp4({ brand: "qt  ", version: 1, duration: 3_500 }), [3_500, 1280, 720]],
      ["video/webm", webm({ duration: 9_750, width: 640, height: 360 }), [9_750, 640, 360]],
    ];
    for (const [contentType, file, [durationMs, width, height]] of files) {
      const grant = await request(user, { kind: "video", contentType, sizeBytes: file.length, purpose: "story" });
      const { outcome, record } = await uploadAndFinalize(grant, file);
      assert.equal(outcome, "ready", `${contentType}: ${JSON.stringify(record)}`);
      assert.deepEqual([record.durationMs, record.width, record.height, record.thumbnailPath], [durationMs, width, height, null], contentType);
    }
  });

  it("a video whose container cannot be read, or longer than config/media.maxVideoSeconds, is rejected and deleted", async () => {
    const user = await createTestUser();
    await db().doc("config/media").set({ maxVideoSeconds: 60 });
    const signatureOnly = Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from("ftypisom"), Buffer.alloc(4000)]);
    const cases: [string, Buffer, string][] = [
      ["video/mp4", signatureOnly, "unreadable-video"],
      ["video/webm", webm({ width: 640, height: 360 }), "unreadable-video"],
      ["video/mp4", mp4({ duration: 60_001 }), "video-too-long"],
      ["video/webm", webm({ timecodeScale: 1_000_000_000, duration: 61 }), "video-too-long"],
    ];
    for (const [contentType, file, reason] of cases) {
      const grant = await request(user, { kind: "video", contentType, sizeBytes: file.length, purpose: "post" });
      const { outcome, record } = await uploadAndFinalize(grant, file);
      assert.deepEqual([outcome, record.status, record.rejectedReason], ["rejected", "rejected", reason], `${contentType} → ${reason}`);
      assert.equal(await exists(record.path as string), false);
    }
    const justRight = mp4({ duration: 60_000 });
    const grant = await request(user, { kind: "video", contentType: "video/mp4", sizeBytes: justRight.length, purpose: "post" });
    assert.equal((await uploadAndFinalize(grant, justRight)).record.durationMs, 60_000);
    assert.equal((await db().collection("reviewQueue").get()).size, 1);
  });

  it("a stored size other than declared is rejected", async () => {
    const user = await createTestUser();
    const video = mp4({ duration: 1_000 });
    // Written past the signed URL (only the backend can): the size no longer matches the record.
    const other = await request(user, { kind: "video", contentType: "video/mp4", sizeBytes: video.length, purpose: "story" });
    await defaultBucket()
      .file(`uploads/${user.uid}/${other.mediaId}`)
      .save(Buffer.concat([video, Buffer.alloc(10)]), { contentType: "video/mp4", resumable: false });
    const resized = await finalize(other.mediaId);
    assert.deepEqual([resized.record.status, resized.record.rejectedReason], ["rejected", "size-mismatch"]);
  });

  it("a repeated finalize of a processed upload changes nothing; objects outside uploads/ and orphans are left or removed", async () => {
    const user = await createTestUser();
    const image = await png(40, 30);
    const grant = await request(user, { sizeBytes: image.length });
    const first = await uploadAndFinalize(grant, image);
    const again = await finalize(grant.mediaId);
    assert.equal(again.outcome, "ignored");
    assert.deepEqual(again.record, first.record);

    const elsewhere = `thumbnails/${user.uid}/whatever.jpg`;
    assert.equal(await processFinalizedObject(randomUUID(), { name: elsewhere, size: 1 }), "ignored");
    const orphan = `uploads/${user.uid}/no-such-media`;
    await defaultBucket().file(orphan).save(image, { contentType: "image/png", resumable: false });
    assert.equal(await processFinalizedObject(randomUUID(), { name: orphan, size: image.length }), "ignored");
    assert.equal(await exists(orphan), false);
  });

  it("the cleanup job deletes media marked for deletion and uploads abandoned for a day, objects first; keeps the rest", async () => {
    const user = await createTestUser();
    const image = await png(40, 30);
    const kept = await request(user, { sizeBytes: image.length });
    const keptRecord = (await uploadAndFinalize(kept, image)).record;
    const deleted = await request(user, { sizeBytes: image.length });
    const deletedRecord = (await uploadAndFinalize(deleted, image)).record;
    await runTransaction((tx) => markMediaForDeletion(tx, [deleted.mediaId, "unknown-media"], "post-deleted"));
    const firstMark = (await db().doc(`media/${deleted.mediaId}`).get()).data();
    // Marking again (a retried cascade) keeps the first mark and its reason.
    await runTransaction((tx) => markMediaForDeletion(tx, [deleted.mediaId], "account-deleted"));
    const secondMark = (await db().doc(`media/${deleted.mediaId}`).get()).data();
    assert.equal(secondMark?.deleteReason, "post-deleted");
    assert.ok(secondMark?.deleteRequestedAt.isEqual(firstMark?.deleteRequestedAt));
    const fresh = await request(user, { sizeBytes: image.length });
    const abandoned = await request(user, { sizeBytes: image.length });
    const { Timestamp } = firestoreValues();
    await db()
      .doc(`media/${abandoned.mediaId}`)
      .update({ createdAt: Timestamp.fromMillis(Date.now() - 25 * 3_600_000) });

    assert.deepEqual(await cleanUpMedia(Date.now() + 1000), { markedDeleted: 1, abandonedDeleted: 1 });
    const remaining = (await db().collection("media").get()).docs.map((d) => d.id).sort();
    assert.deepEqual(remaining, [fresh.mediaId, kept.mediaId].sort());
    assert.equal(await exists(deletedRecord.path as string), false);
    assert.equal(await exists(deletedRecord.thumbnailPath as string), false);
    assert.equal(await exists(keptRecord.thumbnailPath as string), true);
    assert.deepEqual(await cleanUpMedia(Date.now() + 1000), { markedDeleted: 0, abandonedDeleted: 0 });
  });

  it("posts, stories and messages attach ready media of their author only, and hand out read URLs", async () => {
    const [author, other] = await Promise.all([createTestUser(), createTestUser()]);
    const image = await png(40, 30);
    const ready = await request(author, { sizeBytes: image.length });
    const readyRecord = (await uploadAndFinalize(ready, image)).record;
    const uploading = await request(author, { sizeBytes: image.length });
    const theirs = await request(other, { sizeBytes: image.length });
    await uploadAndFinalize(theirs, image);
    const attach = (ids: string[]) => runTransaction((tx) => readAttachableMedia(tx, author.uid, ids));

    assert.deepEqual(await attach([ready.mediaId]), [
      {
        mediaId: ready.mediaId,
        kind: "image",
        contentType: "image/png",
        path: readyRecord.path,
        thumbnailPath: readyRecord.thumbnailPath,
        width: 40,
        height: 30,
        durationMs: null,
      },
    ]);
    const reasonOf = async (ids: string[], code: "not-found" | "failed-precondition") =>
      ((await expectHttpsError(attach(ids), code)).details as { reason: string }).reason;
    assert.equal(await reasonOf([ready.mediaId, uploading.mediaId], "failed-precondition"), "media-not-ready");
    assert.equal(await reasonOf([theirs.mediaId], "not-found"), "media-not-found");
    assert.equal(await reasonOf(["no-such-media"], "not-found"), "media-not-found");
    // Attached media is claimed by its owner document: it cannot go into a second one.
    await runTransaction(async (tx) => attachMedia(tx, await readAttachableMedia(tx, author.uid, [ready.mediaId]), "posts/p1"));
    assert.equal((await db().doc(`media/${ready.mediaId}`).get()).get("attachedTo"), "posts/p1");
    assert.equal(await reasonOf([ready.mediaId], "failed-precondition"), "media-in-use");
    await runTransaction((tx) => markMediaForDeletion(tx, [ready.mediaId], "post-deleted"));
    assert.equal(await reasonOf([ready.mediaId], "not-found"), "media-not-found");

    const read = await fetch(await signedReadUrl(readyRecord.path as string, 60));
    assert.equal(read.status, 200);
    assert.deepEqual(Buffer.from(await read.arrayBuffer()), image);
  });

  it("GDPR: the export lists the user's media records; account deletion removes them with their objects", async () => {
    const [user, other] = await Promise.all([createTestUser(), createTestUser()]);
    const image = await png(40, 30);
    const mine = await request(user, { sizeBytes: image.length });
    const mineRecord = (await uploadAndFinalize(mine, image)).record;
    const theirs = await request(other, { sizeBytes: image.length });
    await uploadAndFinalize(theirs, image);

    const exported = await buildExport(user.uid);
    assert.deepEqual(
      exported.media.map((m) => [m.id, m.status, m.kind]),
      [[mine.mediaId, "ready", "image"]],
    );
    assert.equal((await runAccountDeletion(user.uid)).status, "done");
    assert.equal((await db().doc(`media/${mine.mediaId}`).get()).exists, false);
    assert.equal(await exists(mineRecord.path as string), false);
    assert.equal(await exists(mineRecord.thumbnailPath as string), false);
    assert.equal((await db().doc(`media/${theirs.mediaId}`).get()).exists, true);
  });
});
