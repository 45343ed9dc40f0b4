/**
 * End to end over HTTP, as the mobile app calls them: profiles, usernames, the follow graph, blocks,
 * devices, KYC, progression and the GDPR export, with real Auth emulator accounts and ID tokens through
 * the functions emulator (which runs the deployed code with its params and local secrets).
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { type App, deleteApp, initializeApp } from "firebase-admin/app";
import { type Firestore, getFirestore } from "firebase-admin/firestore";
import { signUpWithPassword } from "../../../devstack/src/smoke.js";
import { callOverHttp } from "../support/callables.js";
import { waitUntil } from "../support/firestore.js";
import { testStack, useCleanStack } from "../support/stack.js";

interface SignedUp {
  localId: string;
  idToken: string;
}

describe("e2e: identity, social graph, KYC, progression and GDPR over HTTP", function () {
  this.timeout(90_000);
  useCleanStack();
  let app: App;
  let firestore: Firestore;

  before(() => {
    app = initializeApp({ projectId: testStack().projectId }, `e2e-social-${randomUUID()}`);
    firestore = getFirestore(app);
  });
  after(() => deleteApp(app));

  /** A new account whose sign-up triggers have created its records. */
  async function signUp(label: string): Promise<SignedUp> {
    const user = await signUpWithPassword(testStack().auth as string, `${label}-${randomUUID().slice(0, 8)}@example.test`, "e2e-password");
    await waitUntil(`users/${user.localId}`, async () => (await firestore.doc(`users/${user.localId}`).get()).exists);
    return user;
  }

  async function call<T = Record<string, unknown>>(name: string, data: unknown, user: SignedUp): Promise<T> {
    const reply = await callOverHttp(name, data, user.idToken);
    assert.equal(reply.status, 200, `${name}: ${JSON.stringify(reply)}`);
    return reply.result as T;
  }

  it("profile, username, follow (friends), lists, block and report", async () => {
    const [ana, ben] = await Promise.all([signUp("ana"), signUp("ben")]);
    const handle = `ana_${randomUUID().slice(0, 6)}`;

    assert.deepEqual((await call<{ updated: string[] }>("updateProfile", { displayName: "Ana", bio: "hi", country: "BR", language: "pt-BR" }, ana)).updated.sort(), [
      "bio",
      "country",
      "displayName",
      "language",
    ]);
    assert.equal((await call<{ username: string }>("setUsername", { username: handle.toUpperCase() }, ana)).username, handle.toUpperCase());
    const taken = await callOverHttp("setUsername", { username: handle }, ben.idToken);
    assert.equal(taken.error?.status, "ALREADY_EXISTS", JSON.stringify(taken));

    assert.equal((await call("followUser", { uid: ben.localId }, ana)).changed, true);
    assert.equal((await call("followUser", { uid: ana.localId }, ben)).changed, true);
    const followers = await call<{ items: { uid: string; mutual: boolean; username: string | null }[] }>("listFollowers", { uid: ben.localId }, ben);
    assert.deepEqual(
      followers.items.map((i) => [i.uid, i.mutual, i.username]),
      [[ana.localId, true, handle.toUpperCase()]],
    );
    assert.equal((await firestore.doc(`users/${ben.localId}`).get()).get("followersCount"), 1);

    assert.equal((await call("blockUser", { uid: ben.localId }, ana)).changed, true);
    assert.equal((await firestore.doc(`users/${ben.localId}`).get()).get("followersCount"), 0, "the block cut the follow both ways");
    const refused = await callOverHttp("followUser", { uid: ana.localId }, ben.idToken);
    assert.equal(refused.error?.status, "PERMISSION_DENIED", JSON.stringify(refused));

    const report = await call<{ reportId: string }>("reportContent", { targetType: "user", targetId: ben.localId, reason: "spam", details: "e2e", requestId: randomUUID() }, ana);
    assert.ok(report.reportId);
  });

  it("devices (limit, list, remove), KYC submission, progression and the GDPR export", async () => {
    const cai = await signUp("cai");
    for (const n of [1, 2]) {
      await call("registerDevice", { deviceId: `device-000${n}`, platform: "android", appVersion: "1.0.0" }, cai);
    }
    const devices = await call<{ devices: { deviceId: string }[] }>("listDevices", null, cai);
    assert.deepEqual(devices.devices.map((d) => d.deviceId).sort(), ["device-0001", "device-0002"]);
    await call("removeDevice", { deviceId: "device-0001" }, cai);
    assert.deepEqual((await call<{ devices: { deviceId: string }[] }>("listDevices", {}, cai)).devices.map((d) => d.deviceId), ["device-0002"]);

    const kyc = await call<{ status: string }>(
      "submitKyc",
      {
        documentType: "passport",
        documentPaths: [`kyc/${cai.localId}/passport.jpg`],
        legalName: "Cai Example",
        dateOfBirth: "1990-04-02",
        documentNumber: "X1234567",
        requestId: randomUUID(),
      },
      cai,
    );
    assert.equal(kyc.status, "pending");
    const stored = await firestore.collection("kyc").doc(cai.localId).get();
    assert.ok(!JSON.stringify(stored.data()).includes("Cai Example"), "the legal name is stored encrypted");

    const progression = await call<{ wealth: { level: number } }>("listMyProgression", null, cai);
    assert.equal(progression.wealth.level, 0);

    const exported = await call<{ delivery: string; bundle: { format: string; profile: { id: string }; devices: { id: string }[] } }>("exportMyData", null, cai);
    assert.equal(exported.delivery, "inline");
    const { bundle } = exported;
    assert.equal(bundle.format, "live-platform.user-export.v1");
    assert.equal(bundle.profile.id, cai.localId);
    assert.deepEqual(
      bundle.devices.map((d) => d.id),
      ["device-0002"],
    );

    const bad = await callOverHttp("registerDevice", { deviceId: "x", platform: "android", appVersion: "1" }, cai.idToken);
    assert.equal(bad.error?.status, "INVALID_ARGUMENT");
    const anonymous = await callOverHttp("exportMyData", null);
    assert.equal(anonymous.error?.status, "UNAUTHENTICATED");
  });
});
