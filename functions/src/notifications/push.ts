/**
 * Push through FCM: the messaging client (production: the default app; locally: the FCM stand-in),
 * sends in batches of at most 500 through sendEach, and removal of a token FCM calls dead.
 */
import type { App } from "firebase-admin/app";
import type { DocumentReference } from "firebase-admin/firestore";
import type { Messaging, SendResponse, TokenMessage } from "firebase-admin/messaging";
import { adminApp } from "../kernel/app.js";
import { Collections, userRef } from "../kernel/collections.js";
import { log } from "../kernel/logger.js";
import { runTransaction } from "../kernel/transactions.js";
import type { PushMessage, PushOutcome } from "./schema.js";

/** FCM's limit on messages per sendEach call. */
export const FCM_BATCH_LIMIT = 500;
/** The bearer token the local FCM stand-in accepts (devstack/src/fcm); never sent to Google. */
export const FCM_STANDIN_ACCESS_TOKEN = "fcm-standin-local-token";

/** Answers that mean the token will never work again: the device's token is removed at once. */
const DEAD_TOKEN_CODES = new Set([
  "messaging/registration-token-not-registered",
  "messaging/invalid-registration-token",
  "messaging/invalid-argument",
]);
/** Answers worth retrying later with the same message. */
const RETRYABLE_CODES = new Set([
  "messaging/internal-error",
  "messaging/server-unavailable",
  "messaging/message-rate-exceeded",
  "messaging/device-message-rate-exceeded",
  "messaging/quota-exceeded",
  "app/network-error",
  "app/network-timeout",
]);

let standinApp: App | undefined;

/**
 * firebase-admin has no FCM emulator variable. With FCM_STANDIN_HOST set (the local stack), a
 * dedicated app reaches the stand-in instead: its agent opens a plain TCP socket to the stand-in for
 * every https request (fcm.googleapis.com and iid.googleapis.com alike), its credential returns a fixed
 * local token, and the legacy HTTP/1.1 transport is used because sendEach's HTTP/2 path takes no agent.
 */
export function messaging(): Messaging {
  const { getMessaging } = require("firebase-admin/messaging") as typeof import("firebase-admin/messaging");
  const standinHost = process.env.FCM_STANDIN_HOST;
  if (!standinHost) return getMessaging(adminApp());
  if (!standinApp) {
    const { getApps, initializeApp } = require("firebase-admin/app") as typeof import("firebase-admin/app");
    const https = require("node:https") as typeof import("node:https");
    const net = require("node:net") as typeof import("node:net");
    const [host, port] = splitHostPort(standinHost);
    const agent = new https.Agent({ keepAlive: true });
    (agent as unknown as { createConnection: () => import("node:net").Socket }).createConnection = () => net.connect({ host, port });
    const name = "fcm-standin";
    standinApp =
      getApps().find((candidate) => candidate.name === name) ??
      initializeApp(
        {
          projectId: adminApp().options.projectId ?? process.env.GCLOUD_PROJECT,
          httpAgent: agent,
          credential: { getAccessToken: async () => ({ access_token: FCM_STANDIN_ACCESS_TOKEN, expires_in: 3600 }) },
        },
        name,
      );
  }
  const client = getMessaging(standinApp);
  client.enableLegacyHttpTransport();
  return client;
}

function splitHostPort(hostPort: string): [string, number] {
  const at = hostPort.lastIndexOf(":");
  return [hostPort.slice(0, at), Number(hostPort.slice(at + 1))];
}

/** A device to push to: its document (for pruning) and the token it had when read. */
export interface DeviceToken {
  ref: DocumentReference;
  token: string;
}

export function toFcmMessage(token: string, message: PushMessage): TokenMessage {
  const { collapseKey, badge } = message;
  return {
    token,
    notification: { title: message.title, body: message.body },
    data: { ...message.data, deepLink: message.deepLink },
    android: {
      priority: message.priority,
      ...(collapseKey ? { collapseKey, notification: { tag: collapseKey } } : {}),
    },
    apns: {
      headers: { "apns-priority": message.priority === "high" ? "10" : "5", ...(collapseKey ? { "apns-collapse-id": collapseKey } : {}) },
      payload: { aps: badge === undefined ? {} : { badge } },
    },
  };
}

/** Removes a dead token, but only if the device still has it (the app may have registered a new one meanwhile). */
export async function removeDeadToken(device: DeviceToken): Promise<boolean> {
  return runTransaction(async (tx) => {
    const snap = await tx.get(device.ref);
    if (!snap.exists || snap.get("fcmToken") !== device.token) return false;
    tx.update(device.ref, { fcmToken: null, topics: [] });
    return true;
  });
}

/**
 * Sends one message to each device (sendEach, ≤500 per call), removes dead tokens, and counts. A
 * network failure of a whole batch counts every message in it as failed and retryable.
 */
export async function sendToDevices(devices: DeviceToken[], message: PushMessage): Promise<PushOutcome> {
  const outcome: PushOutcome = { devices: devices.length, sent: 0, pruned: 0, failed: 0 };
  const client = messaging();
  for (let start = 0; start < devices.length; start += FCM_BATCH_LIMIT) {
    const batch = devices.slice(start, start + FCM_BATCH_LIMIT);
    let responses: SendResponse[];
    try {
      responses = (await client.sendEach(batch.map((device) => toFcmMessage(device.token, message)))).responses;
    } catch (err) {
      outcome.failed += batch.length;
      outcome.retryableError = String((err as Error)?.message ?? err);
      continue;
    }
    const dead: DeviceToken[] = [];
    responses.forEach((response, index) => {
      if (response.success) {
        outcome.sent++;
        return;
      }
      const code = response.error?.code ?? "unknown";
      if (DEAD_TOKEN_CODES.has(code)) dead.push(batch[index]);
      else {
        outcome.failed++;
        if (RETRYABLE_CODES.has(code)) outcome.retryableError = code;
      }
    });
    const removed = await Promise.all(dead.map(removeDeadToken));
    outcome.pruned += removed.filter(Boolean).length;
    if (dead.length > 0) log.info("dead push tokens removed", { dead: dead.length, removed: outcome.pruned });
  }
  return outcome;
}

/** The user's devices that have a push token. */
export async function deviceTokensOf(uid: string): Promise<DeviceToken[]> {
  const snap = await userRef(uid).collection(Collections.devices).where("fcmToken", "!=", null).get();
  return snap.docs.map((doc) => ({ ref: doc.ref, token: doc.get("fcmToken") as string }));
}

/** Pushes one message to every device of the user that has a token. */
export async function pushToUser(uid: string, message: PushMessage): Promise<PushOutcome> {
  return sendToDevices(await deviceTokensOf(uid), message);
}
