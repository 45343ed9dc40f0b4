/**
 * Lazily initialised Admin SDK handles. Nothing here runs at import time, so a function's cold start
 * only pays for the services it touches, and tests can point the emulator env vars before first use.
 */
import type { App } from "firebase-admin/app";
import type { Auth } from "firebase-admin/auth";
import type { Database } from "firebase-admin/database";
import type { Firestore } from "firebase-admin/firestore";

let app: App | undefined;
let firestore: Firestore | undefined;

export function adminApp(): App {
  if (!app) {
    const { getApps, initializeApp } = require("firebase-admin/app") as typeof import("firebase-admin/app");
    app = getApps()[0] ?? initializeApp();
  }
  return app;
}

export function db(): Firestore {
  if (!firestore) {
    const { getFirestore } = require("firebase-admin/firestore") as typeof import("firebase-admin/firestore");
    firestore = getFirestore(adminApp());
    // Optional fields (undefined) are common in zod-parsed payloads; drop them instead of throwing.
    firestore.settings({ ignoreUndefinedProperties: true });
  }
  return firestore;
}

/**
 * Firestore's value classes (FieldValue, Timestamp, FieldPath): loaded on first use like the services
 * above, and by then already in memory, since any caller has gone through db().
 */
export function firestoreValues(): typeof import("firebase-admin/firestore") {
  return require("firebase-admin/firestore") as typeof import("firebase-admin/firestore");
}

export function auth(): Auth {
  const { getAuth } = require("firebase-admin/auth") as typeof import("firebase-admin/auth");
  return getAuth(adminApp());
}

export function rtdb(): Database {
  const { getDatabase } = require("firebase-admin/database") as typeof import("firebase-admin/database");
  return getDatabase(adminApp());
}
