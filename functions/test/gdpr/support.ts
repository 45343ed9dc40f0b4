/** A user with something everywhere personal data can live, built through the real code paths where they exist. */
import "../support/kyc-key.js";
import { randomUUID } from "node:crypto";
import { db, rtdb } from "../../src/kernel/app.js";
import { submitKyc } from "../../src/kyc/callables.js";
import { ensureUserRecords } from "../../src/users/accounts.js";
import { SYSTEM_ACCOUNTS, userAccount } from "../../src/wallet/accounts.js";
import { postLedgerTransaction } from "../../src/wallet/ledger.js";
import { callInProcess } from "../support/callables.js";
import { createTestUser, type TestUser } from "../support/users.js";

export const LEGAL_NAME = "Ottoline Vandersnoot";
export const DOCUMENT_NUMBER = "ZX99188CV";
export const BIO = "Cellist from Ghent, streams every Friday";
export const USERNAME = "ottoline_v";

export interface World {
  subject: TestUser;
  friend: TestUser;
  fan: TestUser;
  ledgerIds: string[];
}

async function grant(uid: string, currency: "coins" | "diamonds", amount: number): Promise<string> {
  const outcome = await postLedgerTransaction(
    { type: "admin.grant", owner: "test", key: randomUUID(), payload: { uid, currency, amount } },
    async () => ({
      entries: [
        { account: SYSTEM_ACCOUNTS.mint, currency, amount: -amount },
        { account: userAccount(uid), currency, amount },
      ],
      result: { uid, amount },
    }),
  );
  return outcome.transactionId;
}

async function follow(from: string, to: string) {
  const { FieldValue } = await import("firebase-admin/firestore");
  const batch = db().batch();
  batch.set(db().doc(`users/${from}/following/${to}`), { uid: to, createdAt: FieldValue.serverTimestamp() });
  batch.set(db().doc(`users/${to}/followers/${from}`), { uid: from, createdAt: FieldValue.serverTimestamp() });
  batch.update(db().doc(`users/${from}`), { followingCount: FieldValue.increment(1) });
  batch.update(db().doc(`users/${to}`), { followersCount: FieldValue.increment(1) });
  await batch.commit();
}

export async function buildWorld(options: { coins?: number; diamonds?: number } = {}): Promise<World> {
  const [subject, friend, fan] = await Promise.all([
    createTestUser({ displayName: "Ottoline V", roles: ["host"] }),
    createTestUser({ displayName: "Friend" }),
    createTestUser({ displayName: "Fan" }),
  ]);
  await Promise.all([subject, friend, fan].map((u) => ensureUserRecords(u.uid)));
  const uid = subject.uid;
  await db().doc(`users/${uid}`).update({ bio: BIO, username: "Ottoline_V", usernameLower: USERNAME, photoURL: "https://cdn.example/ottoline.jpg" });
  await db().doc(`usernames/${USERNAME}`).set({ uid, username: "Ottoline_V" });
  await db().doc(`users/${uid}/private/sessions`).set({ firstDeviceAt: new Date() });
  await db().doc(`users/${uid}/devices/pixel-8`).set({ platform: "android", model: "Pixel 8", pushToken: "fcm-token-ottoline" });
  await db()
    .doc(`users/${uid}/notifications/n1`)
    .set({ text: `${LEGAL_NAME}, you have a new follower` });
  await follow(uid, friend.uid);
  await follow(friend.uid, uid);
  await follow(fan.uid, uid);
  await db().doc(`blocks/${uid}__${fan.uid}`).set({ blockerUid: uid, blockedUid: fan.uid });
  await db().collection("reports").doc("r1").set({ reporterUid: uid, targetUid: fan.uid, reason: "spam" });
  await db().collection("reports").doc("r2").set({ reporterUid: fan.uid, targetUid: friend.uid, reason: "other" });
  await db()
    .doc(`withdrawals/w-old`)
    .set({ id: "w-old", uid, status: "paid", diamonds: 10, createdAt: new Date("2026-01-01") });
  await rtdb().ref(`status/${uid}`).set({ state: "online", lastChanged: 1 });

  const ledgerIds = [await grant(uid, "coins", options.coins ?? 500), await grant(uid, "diamonds", options.diamonds ?? 70)];
  await callInProcess(submitKyc, {
    user: subject,
    data: {
      documentType: "id_card",
      documentPaths: [`kyc/${uid}/front.jpg`],
      legalName: LEGAL_NAME,
      dateOfBirth: "1988-03-09",
      documentNumber: DOCUMENT_NUMBER,
      requestId: randomUUID(),
    },
  });
  return { subject, friend, fan, ledgerIds };
}
