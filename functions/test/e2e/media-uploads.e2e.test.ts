/**
 * The phone's upload path end to end over HTTP: an Auth emulator account asks requestMediaUpload (the
 * functions emulator) for a URL, PUTs the bytes to the Cloud Storage stand-in, whose finalize event runs
 * onMediaObjectFinalized in the functions emulator; the record, thumbnail and review entry are read back.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { Storage } from "@google-cloud/storage";
import sharp from "sharp";
import { callOverHttp } from "../support/callables.js";
import { callOk, type SignedUp, signUp, useStackAdmin } from "../support/e2e.js";
import { waitUntil } from "../support/firestore.js";
import { testStack, useCleanStack } from "../support/stack.js";
import { mp4 } from "../support/video-files.js";

interface UploadGrant {
  mediaId: string;
  uploadUrl: string;
  method: "PUT";
  headers: Record<string, string>;
  expiresAt: string;
}

const png = (width: number, height: number) =>
  sharp({ create: { width, height, channels: 3, background: { r: 200, g: 40, b: 90 } } })
    .png()
    .toBuffer();

describe("e2e: media uploads through signed URLs, the Storage stand-in and the finalize trigger", function () {
  this.timeout(90_000);
  useCleanStack();
  const stack = useStackAdmin();
  // With the stack's signing credential: without one the client first looks for a GCE metadata server.
  const bucket = () =>
    new Storage({
      projectId: testStack().projectId,
      credentials: JSON.parse(readFileSync(testStack().storageSignerCredentials as string, "utf8")),
    }).bucket(`${testStack().projectId}.appspot.com`);
  const media = async (mediaId: string) => (await stack.firestore.doc(`media/${mediaId}`).get()).data();
  const settled = (mediaId: string) =>
    waitUntil(`media/${mediaId} processed`, async () => {
      const record = await media(mediaId);
      return record && record.status !== "uploading" ? record : null;
    });
  const put = (grant: UploadGrant, body: Buffer, headers: Record<string, string> = grant.headers) =>
    fetch(grant.uploadUrl, { method: grant.method, headers, body: new Uint8Array(body) });
  const grantFor = (user: SignedUp, body: Buffer, contentType = "image/png") =>
    callOk<UploadGrant>("requestMediaUpload", { kind: "image", contentType, sizeBytes: body.length, purpose: "post" }, user);

  it("a phone uploads an image: the record becomes ready with its size, a thumbnail exists, moderation is queued", async () => {
    const user = await signUp(stack, "uploader");
    const image = await png(640, 480);
    const grant = await grantFor(user, image);
    assert.equal(grant.method, "PUT");
    assert.deepEqual(grant.headers, { "content-type": "image/png", "x-goog-if-generation-match": "0" });
    const uploading = await media(grant.mediaId);
    assert.equal(uploading?.status, "uploading");
    assert.equal(uploading?.path, `uploads/${user.localId}/${grant.mediaId}`);
    assert.equal(uploading?.ownerUid, user.localId);

    const response = await put(grant, image);
    assert.equal(response.status, 200, await response.clone().text());
    const ready = await settled(grant.mediaId);
    assert.equal(ready.status, "ready", JSON.stringify(ready));
    assert.equal(ready.width, 640);
    assert.equal(ready.height, 480);
    assert.equal(ready.thumbnailPath, `thumbnails/${user.localId}/${grant.mediaId}.jpg`);
    assert.equal(ready.moderation, "pending");
    const [thumbnail] = await bucket()
      .file(ready.thumbnailPath as string)
      .download();
    const thumbnailMetadata = await sharp(thumbnail).metadata();
    assert.deepEqual([thumbnailMetadata.format, thumbnailMetadata.width, thumbnailMetadata.height], ["jpeg", 320, 240]);
    const review = (await stack.firestore.doc(`reviewQueue/media__${grant.mediaId}`).get()).data();
    assert.equal(review?.status, "open");
    assert.equal(review?.reason, "media-moderation");
    assert.equal(review?.uid, user.localId);

    // A repeated finalize (at-least-once delivery) changes nothing: record, review entry, thumbnail.
    const [thumbnailBefore] = await bucket()
      .file(ready.thumbnailPath as string)
      .getMetadata();
    const redelivered = await fetch(
      `${testStack().storage}/_emulator/redeliver?bucket=${encodeURIComponent(`${testStack().projectId}.appspot.com`)}&name=${encodeURIComponent(ready.path as string)}`,
      { method: "POST" },
    );
    assert.equal(redelivered.status, 204);
    assert.deepEqual(await media(grant.mediaId), ready);
    assert.deepEqual((await stack.firestore.doc(`reviewQueue/media__${grant.mediaId}`).get()).data(), review);
    const [thumbnailAfter] = await bucket()
      .file(ready.thumbnailPath as string)
      .getMetadata();
    assert.equal(thumbnailAfter.generation, thumbnailBefore.generation);

    // The URL cannot overwrite the validated object.
    assert.equal((await put(grant, image)).status, 412);
  });

  it("a phone uploads a video: the trigger records its duration and picture size from the container", async () => {
    const user = await signUp(stack, "filmer");
    const video = mp4({ timescale: 30_000, duration: 30_000 * 17 + 15_000, width: 1920, height: 1080, portrait: true, moovLast: true });
    const grant = await callOk<UploadGrant>(
      "requestMediaUpload",
      { kind: "video", contentType: "video/mp4", sizeBytes: video.length, purpose: "post" },
      user,
    );
    assert.equal((await put(grant, video)).status, 200);
    const ready = await settled(grant.mediaId);
    assert.equal(ready.status, "ready", JSON.stringify(ready));
    assert.deepEqual([ready.durationMs, ready.width, ready.height, ready.thumbnailPath], [17_500, 1080, 1920, null]);
  });

  it("the stand-in refuses what the URL was not signed for (403): another content type, a larger body, a changed URL", async () => {
    const user = await signUp(stack, "refused");
    const image = await png(64, 64);
    const grant = await grantFor(user, image);
    assert.equal((await put(grant, image, { ...grant.headers, "content-type": "image/jpeg" })).status, 403);
    assert.equal((await put(grant, Buffer.concat([image, Buffer.alloc(1024)]))).status, 403);
    const tampered = { ...grant, uploadUrl: grant.uploadUrl.replace(grant.mediaId, `${grant.mediaId}x`) };
    assert.equal((await put(tampered, image)).status, 403);
    const [files] = await bucket().getFiles({ prefix: `uploads/${user.localId}/` });
    assert.deepEqual(files, []);
    assert.equal((await media(grant.mediaId))?.status, "uploading");
  });

  it("bytes that are not an image are rejected (by content, not by the declared type) and deleted", async () => {
    const user = await signUp(stack, "liar");
    const text = Buffer.from("<html><script>alert(1)</script></html>, declared as a PNG");
    const grant = await grantFor(user, text);
    assert.equal((await put(grant, text)).status, 200);
    const rejected = await settled(grant.mediaId);
    assert.equal(rejected.status, "rejected");
    assert.equal(rejected.rejectedReason, "unrecognized-content");
    // The object is deleted after the record's transaction commits.
    await waitUntil(
      "the rejected object deleted",
      async () =>
        !(
          await bucket()
            .file(rejected.path as string)
            .exists()
        )[0],
    );
    assert.equal((await stack.firestore.doc(`reviewQueue/media__${grant.mediaId}`).get()).exists, false);
  });

  it("malformed or too large requests answer invalid-argument and write nothing", async () => {
    const user = await signUp(stack, "malformed");
    const valid = { kind: "image", contentType: "image/png", sizeBytes: 1000, purpose: "post" };
    const malformed: unknown[] = [
      {},
      { ...valid, kind: "audio" },
      { ...valid, contentType: "image/svg+xml" },
      { ...valid, kind: "video" },
      { ...valid, sizeBytes: 0 },
      { ...valid, sizeBytes: 1.5 },
      { ...valid, purpose: "banner" },
      { ...valid, purpose: "avatar", kind: "video", contentType: "video/mp4" },
      { ...valid, path: "uploads/someone-else/x" },
      "image",
    ];
    for (const data of malformed) {
      const reply = await callOverHttp("requestMediaUpload", data, user.idToken);
      assert.equal(reply.error?.status, "INVALID_ARGUMENT", `${JSON.stringify(data)} → ${JSON.stringify(reply)}`);
    }
    const tooLarge = await callOverHttp("requestMediaUpload", { ...valid, sizeBytes: 11 * 1024 * 1024 }, user.idToken);
    assert.equal(tooLarge.error?.status, "INVALID_ARGUMENT");
    assert.equal((tooLarge.error as { details?: { reason?: string } } | undefined)?.details?.reason, "file-too-large", JSON.stringify(tooLarge));
    assert.equal((await stack.firestore.collection("media").get()).size, 0);
    assert.equal((await callOverHttp("requestMediaUpload", valid)).error?.status, "UNAUTHENTICATED");
  });
});
