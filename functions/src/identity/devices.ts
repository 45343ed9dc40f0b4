/**
 * Devices: an account's app installations (users/{uid}/devices/{deviceId}), capped per account, a
 * "new-device" notification after a new device's registration commits, and signOutEverywhere.
 * All writes are keyed by the caller's uid and the client's deviceId, so retries converge.
 */
import type { DocumentData, Transaction } from "firebase-admin/firestore";
import { revokeSessions, sessionsRef } from "../kernel/account.js";
import { db, firestoreValues } from "../kernel/app.js";
import { Collections, userRef } from "../kernel/collections.js";
import { fail } from "../kernel/errors.js";
import { isoOf } from "../kernel/fields.js";
import type { Caller } from "../kernel/guards.js";
import { runIdempotent } from "../kernel/idempotency.js";
import { log } from "../kernel/logger.js";
import { runTransaction } from "../kernel/transactions.js";
import { notifyAfterCommit } from "../notifications/after-commit.js";
import { accessConfig } from "./config.js";
import type {
  DeviceView,
  ListDevicesResponse,
  RegisterDeviceRequest,
  RegisterDeviceResponse,
  RemoveDeviceRequest,
  RemoveDeviceResponse,
  SignOutEverywhereResponse,
} from "./schema.js";

function refs(uid: string) {
  const user = userRef(uid);
  return {
    devices: user.collection(Collections.devices),
    sessions: sessionsRef(uid),
  };
}

function toDeviceView(data: DocumentData): DeviceView {
  return {
    deviceId: data.deviceId,
    platform: data.platform,
    appVersion: data.appVersion,
    hasPushToken: typeof data.fcmToken === "string",
    createdAt: isoOf(data.createdAt),
    lastSeenAt: isoOf(data.lastSeenAt),
  };
}

/** A registration's response, and the new-device notice it owes (null: none), keyed by the registration. */
interface Registration {
  response: RegisterDeviceResponse;
  notice: { dedupeKey: string } | null;
}

/** Idempotency records kept from before the notice was part of the result hold the bare response. */
function registrationOf(stored: Registration | RegisterDeviceResponse): Registration {
  return "response" in stored ? stored : { response: stored, notice: null };
}

/**
 * One transaction: the device count is read inside it, so two new devices registering at once cannot
 * both take the last slot. The account's very first device (its sign-up) raises no notification.
 */
async function registerInTransaction(tx: Transaction, uid: string, request: RegisterDeviceRequest, maxDevices: number): Promise<Registration> {
  const { FieldValue } = firestoreValues();
  const { devices, sessions } = refs(uid);
  const deviceRef = devices.doc(request.deviceId);
  const [deviceSnap, sessionsSnap] = await tx.getAll(deviceRef, sessions);
  const registered = await tx.get(devices.select());
  const now = FieldValue.serverTimestamp();
  const fields = {
    platform: request.platform,
    appVersion: request.appVersion,
    // An omitted token removes a stale one: the app sends its current token on every registration.
    fcmToken: request.fcmToken ?? null,
    lastSeenAt: now,
  };
  if (deviceSnap.exists) {
    tx.update(deviceRef, fields);
    return { response: { deviceId: request.deviceId, created: false, deviceCount: registered.size, maxDevices }, notice: null };
  }
  if (registered.size >= maxDevices) {
    fail("failed-precondition", `This account already has ${registered.size} devices (limit ${maxDevices}). Remove one first.`, {
      maxDevices,
    });
  }
  tx.create(deviceRef, { deviceId: request.deviceId, ...fields, createdAt: now });
  const firstDevice = !sessionsSnap.get("firstDeviceAt");
  if (firstDevice) tx.set(sessions, { firstDeviceAt: now }, { merge: true });
  return {
    response: { deviceId: request.deviceId, created: true, deviceCount: registered.size + 1, maxDevices },
    // The same device removed and registered again later is a new sign-in: the key names this registration.
    notice: firstDevice ? null : { dedupeKey: `${request.deviceId}:${Date.now()}` },
  };
}

export async function registerDevice(caller: Caller, request: RegisterDeviceRequest): Promise<RegisterDeviceResponse> {
  const { maxDevices } = await accessConfig();
  const { requestId, ...payload } = request;
  // With a requestId the registration (notice included) is remembered, so a retry re-queues the same notice.
  const { response, notice } = requestId
    ? registrationOf(
        (
          await runIdempotent<Registration | RegisterDeviceResponse>(
            { scope: "identity.registerDevice", key: requestId, owner: caller.uid, payload },
            (tx) => registerInTransaction(tx, caller.uid, request, maxDevices),
          )
        ).result,
      )
    : await runTransaction((tx) => registerInTransaction(tx, caller.uid, request, maxDevices), { maxAttempts: 10 });
  if (notice) {
    await notifyAfterCommit({
      recipient: caller.uid,
      type: "new-device",
      data: {
        deviceId: request.deviceId,
        deviceName: `${request.platform} (${request.deviceId})`,
        platform: request.platform,
        appVersion: request.appVersion,
      },
      dedupeKey: notice.dedupeKey,
    });
  }
  return response;
}

export async function listDevices(caller: Caller): Promise<ListDevicesResponse> {
  const [{ maxDevices }, devices] = await Promise.all([accessConfig(), devicesOf(caller.uid)]);
  return { devices, maxDevices };
}

/** The account's registered devices, most recently seen first (at most config/access.maxDevices). */
export async function devicesOf(uid: string): Promise<DeviceView[]> {
  const snap = await refs(uid).devices.orderBy("lastSeenAt", "desc").get();
  return snap.docs.map((doc) => toDeviceView(doc.data()));
}

/** Only the caller's own devices are addressable: another account's deviceId is simply not found. */
export async function removeDevice(caller: Caller, request: RemoveDeviceRequest): Promise<RemoveDeviceResponse> {
  const deviceRef = refs(caller.uid).devices.doc(request.deviceId);
  await runTransaction(async (tx) => {
    const snap = await tx.get(deviceRef);
    if (!snap.exists) fail("not-found", "No such device on this account.");
    tx.delete(deviceRef);
  });
  return { deviceId: request.deviceId, removed: true };
}

/**
 * Revokes every refresh token first (the security-relevant step), then clears the device list and
 * records revokedAt. The caller's own token is revoked too, so a retry needs a new sign-in; clearing
 * again then is harmless.
 */
export async function signOutEverywhere(caller: Caller): Promise<SignOutEverywhereResponse> {
  const revokedAt = await revokeSessions(caller.uid);
  const { devices } = refs(caller.uid);
  const registered = await devices.select().get();
  const writer = db().bulkWriter();
  for (const doc of registered.docs) void writer.delete(doc.ref);
  await writer.close();
  log.info("signed out everywhere", { uid: caller.uid, devicesRemoved: registered.size });
  return { revokedAt: revokedAt.toISOString(), devicesRemoved: registered.size };
}
