/**
 * The project's default Cloud Storage bucket, through the Admin SDK (@google-cloud/storage).
 *
 * Signed URLs are signed by the credential's private key when it has one, else through the IAM
 * signBlob API (on Cloud Functions: the runtime service account, which needs
 * roles/iam.serviceAccountTokenCreator on itself). Off Google Cloud neither works, so against the
 * local stand-in (STORAGE_EMULATOR_HOST) the stack hands over a service-account credential holding
 * its signing key (STORAGE_EMULATOR_SIGNER_CREDENTIALS, a file path), used for storage only.
 */
import { readFileSync } from "node:fs";
import type { Bucket } from "@google-cloud/storage";
import type { App } from "firebase-admin/app";
import { adminApp } from "./app.js";

let emulatedStorageApp: App | undefined;

function storageApp(): App {
  const signerFile = process.env.STORAGE_EMULATOR_SIGNER_CREDENTIALS;
  if (!process.env.STORAGE_EMULATOR_HOST || !signerFile) return adminApp();
  if (!emulatedStorageApp) {
    const { cert, getApps, initializeApp } = require("firebase-admin/app") as typeof import("firebase-admin/app");
    const name = "emulated-storage";
    emulatedStorageApp =
      getApps().find((candidate) => candidate.name === name) ??
      initializeApp({ ...adminApp().options, credential: cert(JSON.parse(readFileSync(signerFile, "utf8"))) }, name);
  }
  return emulatedStorageApp;
}

export function defaultBucket(): Bucket {
  const { getStorage } = require("firebase-admin/storage") as typeof import("firebase-admin/storage");
  return getStorage(storageApp()).bucket();
}

/** Deletes an object; one that is already gone counts as deleted (retries and cleanups repeat). */
export async function deleteObjectIfExists(path: string): Promise<void> {
  await defaultBucket().file(path).delete({ ignoreNotFound: true });
}

/** A V4 signed URL that lets its holder GET one object until it expires (how apps read private media). */
export async function signedReadUrl(path: string, expiresInSeconds: number): Promise<string> {
  const [url] = await defaultBucket()
    .file(path)
    .getSignedUrl({ version: "v4", action: "read", expires: Date.now() + expiresInSeconds * 1000 });
  return url;
}
