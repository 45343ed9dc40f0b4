/** Media test fixtures: upload URLs through the callable, uploads through them, the finalize processing run in-process. */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import sharp from "sharp";
import { db } from "../../src/kernel/app.js";
import { defaultBucket } from "../../src/kernel/storage.js";
import { requestMediaUpload } from "../../src/media/uploads/callables.js";
import { processFinalizedObject } from "../../src/media/uploads/finalize.js";
import type { RequestMediaUploadResponse } from "../../src/media/uploads/schema.js";
import { callInProcess, type InProcessCall } from "../support/callables.js";

type Caller = NonNullable<InProcessCall["user"]>;

export const request = (user: Caller, data: Record<string, unknown>) =>
  callInProcess(requestMediaUpload, {
    user,
    data: { kind: "image", contentType: "image/png", purpose: "post", ...data },
  }) as Promise<RequestMediaUploadResponse>;

export const png = (width: number, height: number) =>
  sharp({ create: { width, height, channels: 3, background: "#3366ff" } })
    .png()
    .toBuffer();

/** Uploads through the granted URL, then runs the finalize processing on the stored object. */
export async function uploadAndFinalize(grant: RequestMediaUploadResponse, body: Buffer) {
  const response = await fetch(grant.uploadUrl, { method: "PUT", headers: grant.headers, body: new Uint8Array(body) });
  assert.equal(response.status, 200, await response.text());
  return finalize(grant.mediaId);
}

export async function finalize(mediaId: string) {
  const path = (await db().doc(`media/${mediaId}`).get()).get("path") as string;
  const [metadata] = await defaultBucket().file(path).getMetadata();
  const outcome = await processFinalizedObject(randomUUID(), { name: path, size: metadata.size as string, generation: metadata.generation });
  return { outcome, record: (await db().doc(`media/${mediaId}`).get()).data() ?? {} };
}

export const exists = async (path: string) => (await defaultBucket().file(path).exists())[0];

/** A ready image of `user` uploaded for `purpose`: its media id. */
export async function readyImage(user: Caller, purpose: string): Promise<string> {
  const image = await png(48, 32);
  const grant = await request(user, { sizeBytes: image.length, purpose });
  const { record } = await uploadAndFinalize(grant, image);
  assert.equal(record.status, "ready", JSON.stringify(record));
  return grant.mediaId;
}
