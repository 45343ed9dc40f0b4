/**
 * The Cloud Storage stand-in: V4 signed URLs made by the Admin SDK's own signer are honoured and
 * checked as Cloud Storage checks them, writes raise finalize events, and the JSON API subset the
 * Admin SDK uses works through STORAGE_EMULATOR_HOST (the stack's instance, as the functions see it).
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Storage } from "@google-cloud/storage";
import { type StorageCloudEvent, type StorageHandle, startStorage } from "../src/storage/index.js";
import { localSigner } from "../src/storage/signing.js";

const PROJECT = "demo-storage";
const BUCKET = `${PROJECT}.appspot.com`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("devstack: the Cloud Storage stand-in checks V4 signed URLs as Cloud Storage does", function () {
  this.timeout(20_000);
  let storage: StorageHandle;
  let signer: Storage;
  let events: StorageCloudEvent[];
  let stopEvents: () => void;

  before(async () => {
    storage = await startStorage({ projectId: PROJECT, signerCredentialsPath: join(tmpdir(), `storage-signer-test-${process.pid}.json`) });
    const credential = JSON.parse(readFileSync(storage.signerCredentialsPath, "utf8")) as { client_email: string; private_key: string };
    // The Admin SDK's signer, as the functions use it (credential with a private key: signs locally).
    signer = new Storage({ apiEndpoint: storage.url, projectId: PROJECT, credentials: credential });
  });
  after(() => storage.stop());
  beforeEach(() => {
    storage.reset();
    events = [];
    stopEvents = storage.onEvent((event) => {
      events.push(event);
      return undefined;
    });
  });
  afterEach(() => stopEvents());

  const uploadUrl = async (name: string, contentType: string, size: number, options: { expires?: number; accessibleAt?: number } = {}) => {
    const [url] = await signer
      .bucket(BUCKET)
      .file(name)
      .getSignedUrl({
        version: "v4",
        action: "write",
        expires: options.expires ?? Date.now() + 600_000,
        accessibleAt: options.accessibleAt,
        contentType,
        extensionHeaders: { "content-length": String(size), "x-goog-if-generation-match": "0" },
      });
    return url;
  };
  const put = (url: string, body: Buffer, contentType: string, extra: Record<string, string> = {}) =>
    fetch(url, { method: "PUT", body: new Uint8Array(body), headers: { "content-type": contentType, "x-goog-if-generation-match": "0", ...extra } });
  const errorCode = async (response: Response) => /<Code>([^<]+)<\/Code>/.exec(await response.text())?.[1];

  it("stores a signed PUT with its content type and raises one finalize CloudEvent for it", async () => {
    const body = Buffer.from("0123456789");
    const response = await put(await uploadUrl("uploads/u1/m1", "image/png", body.length), body, "image/png");
    assert.equal(response.status, 200, await response.clone().text());
    assert.equal(events.length, 1);
    const [event] = events as [StorageCloudEvent];
    assert.equal(event.type, "google.cloud.storage.object.v1.finalized");
    assert.equal(event.source, `//storage.googleapis.com/projects/_/buckets/${BUCKET}`);
    assert.equal(event.subject, "objects/uploads/u1/m1");
    assert.equal(event.data.name, "uploads/u1/m1");
    assert.equal(event.data.bucket, BUCKET);
    assert.equal(event.data.size, "10");
    assert.equal(event.data.contentType, "image/png");
    const [readUrl] = await signer
      .bucket(BUCKET)
      .file("uploads/u1/m1")
      .getSignedUrl({ version: "v4", action: "read", expires: Date.now() + 60_000 });
    const read = await fetch(readUrl);
    assert.equal(read.status, 200);
    assert.equal(Buffer.from(await read.arrayBuffer()).toString(), "0123456789");
    const range = await fetch(readUrl, { headers: { range: "bytes=2-4" } });
    assert.equal(range.status, 206);
    assert.equal(await range.text(), "234");
  });

  it("refuses with 403 SignatureDoesNotMatch another content type, another length, or a changed URL; stores nothing", async () => {
    const body = Buffer.from("0123456789");
    const url = await uploadUrl("uploads/u1/m2", "image/png", body.length);
    const wrongType = await put(url, body, "image/jpeg");
    assert.equal(wrongType.status, 403);
    assert.equal(await errorCode(wrongType), "SignatureDoesNotMatch");
    const longer = await put(url, Buffer.concat([body, Buffer.from("more")]), "image/png");
    assert.equal(longer.status, 403);
    assert.equal(await errorCode(longer), "SignatureDoesNotMatch");
    const otherObject = await put(url.replace("/uploads/u1/m2?", "/uploads/u2/m2?"), body, "image/png");
    assert.equal(otherObject.status, 403);
    const longerLife = await put(url.replace(/X-Goog-Expires=\d+/, "X-Goog-Expires=604800"), body, "image/png");
    assert.equal(longerLife.status, 403);
    const signature = /X-Goog-Signature=([0-9a-f]+)/.exec(url)?.[1] as string;
    const flipped = signature.slice(0, -1) + (signature.endsWith("0") ? "1" : "0");
    const tampered = await put(url.replace(signature, flipped), body, "image/png");
    assert.equal(tampered.status, 403);
    const unsigned = await put(`${storage.url}/${BUCKET}/uploads/u1/m2`, body, "image/png");
    assert.equal(unsigned.status, 403);
    assert.equal(await errorCode(unsigned), "AccessDenied");
    assert.deepEqual(events, []);
    const [exists] = await signer.bucket(BUCKET).file("uploads/u1/m2").exists();
    assert.equal(exists, false);
  });

  it("refuses a URL signed by a key it does not know (403)", async () => {
    const other = localSigner(PROJECT).credential;
    const [url] = await new Storage({ apiEndpoint: storage.url, projectId: PROJECT, credentials: other })
      .bucket(BUCKET)
      .file("uploads/u1/m3")
      .getSignedUrl({ version: "v4", action: "write", expires: Date.now() + 60_000, contentType: "image/png" });
    const response = await fetch(url, { method: "PUT", body: "x", headers: { "content-type": "image/png" } });
    assert.equal(response.status, 403);
    assert.equal(await errorCode(response), "SignatureDoesNotMatch");
  });

  it("refuses an expired URL with 400 ExpiredToken (Cloud Storage's answer)", async () => {
    const body = Buffer.from("abc");
    const url = await uploadUrl("uploads/u1/m4", "image/png", body.length, { accessibleAt: Date.now() - 60_000, expires: Date.now() + 1_000 });
    await sleep(2_100);
    const response = await put(url, body, "image/png");
    assert.equal(response.status, 400);
    assert.equal(await errorCode(response), "ExpiredToken");
    assert.deepEqual(events, []);
  });

  it("honours x-goog-if-generation-match: 0, so an upload URL cannot overwrite the object it wrote (412)", async () => {
    const body = Buffer.from("first");
    const url = await uploadUrl("uploads/u1/m5", "image/png", body.length);
    assert.equal((await put(url, body, "image/png")).status, 200);
    const again = await put(url, Buffer.from("again"), "image/png");
    assert.equal(again.status, 412);
    assert.equal(events.length, 1);
  });
});

describe("devstack: the Admin SDK reaches the stack's Cloud Storage stand-in through STORAGE_EMULATOR_HOST", () => {
  it("uploads (multipart), reads whole and by range, lists by prefix, reads metadata and deletes", async () => {
    assert.ok(process.env.STORAGE_EMULATOR_HOST, "the global setup points STORAGE_EMULATOR_HOST at the stack");
    // With the stack's signing credential: without one the client first looks for a GCE metadata server.
    const credentials = JSON.parse(readFileSync(process.env.STORAGE_EMULATOR_SIGNER_CREDENTIALS as string, "utf8"));
    const bucket = new Storage({ projectId: PROJECT, credentials }).bucket(BUCKET);
    const file = bucket.file(`admin-sdk/${process.pid}/a.txt`);
    await file.save(Buffer.from("hello stand-in"), { contentType: "text/plain", resumable: false, metadata: { metadata: { origin: "test" } } });
    const [whole] = await file.download();
    assert.equal(whole.toString(), "hello stand-in");
    const [part] = await file.download({ start: 6, end: 8 });
    assert.equal(part.toString(), "sta");
    const [metadata] = await file.getMetadata();
    assert.equal(metadata.contentType, "text/plain");
    assert.equal(metadata.size, "14");
    assert.deepEqual(metadata.metadata, { origin: "test" });
    const [listed] = await bucket.getFiles({ prefix: `admin-sdk/${process.pid}/` });
    assert.deepEqual(
      listed.map((f) => f.name),
      [file.name],
    );
    await file.delete();
    assert.deepEqual(await file.exists(), [false]);
    await file.delete({ ignoreNotFound: true });
  });
});
