/**
 * End to end over HTTP, as the mobile app calls them: profiles, usernames, the follow graph, blocks,
 * devices, KYC, progression and the GDPR export, with real Auth emulator accounts and ID tokens through
 * the functions emulator (which runs the deployed code with its params and local secrets).
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { callOverHttp } from "../support/callables.js";
import { callOk, signUp, useStackAdmin } from "../support/e2e.js";
import { useCleanStack } from "../support/stack.js";

describe("e2e: identity, social graph, KYC, progression and GDPR over HTTP", function () {
  this.timeout(90_000);
  useCleanStack();
  const stack = useStackAdmin();

  it("profile, username, follow (friends), lists, block and report", async () => {
    const [ana, ben] = await Promise.all([signUp(stack, "ana"), signUp(stack, "ben")]);
    const handle = `ana_${randomUUID().slice(0, 6)}`;

    assert.deepEqual(
      (await callOk<{ updated: string[] }>("updateProfile", { displayName: "Ana", bio: "hi", country: "BR", language: "pt-BR" }, ana)).updated.sort(),
      ["bio", "country", "displayName", "language"],
    );
    assert.equal((await callOk<{ username: string }>("setUsername", { username: handle.toUpperCase() }, ana)).username, handle.toUpperCase());
    const taken = await callOverHttp("setUsername", { username: handle }, ben.idToken);
    assert.equal(taken.error?.status, "ALREADY_EXISTS", JSON.stringify(taken));

    assert.equal((await callOk("followUser", { uid: ben.localId }, ana)).changed, true);
    assert.equal((await callOk("followUser", { uid: ana.localId }, ben)).changed, true);
    const followers = await callOk<{ items: { uid: string; mutual: boolean; username: string | null }[] }>(
      "listFollowers",
      { uid: ben.localId },
      ben,
    );
    assert.deepEqual(
      followers.items.map((i) => [i.uid, i.mutual, i.username]),
      [[ana.localId, true, handle.toUpperCase()]],
    );
    assert.equal((await stack.firestore.doc(`users/${ben.localId}`).get()).get("followersCount"), 1);

    assert.equal((await callOk("blockUser", { uid: ben.localId }, ana)).changed, true);
    assert.equal((await stack.firestore.doc(`users/${ben.localId}`).get()).get("followersCount"), 0, "the block cut the follow both ways");
    const refused = await callOverHttp("followUser", { uid: ana.localId }, ben.idToken);
    assert.equal(refused.error?.status, "PERMISSION_DENIED", JSON.stringify(refused));

    const report = await callOk<{ reportId: string }>(
      "reportContent",
      { targetType: "user", targetId: ben.localId, reason: "spam", details: "e2e", requestId: randomUUID() },
      ana,
    );
    assert.ok(report.reportId);
  });

  it("devices (limit, list, remove), KYC submission, progression and the GDPR export", async () => {
    const cai = await signUp(stack, "cai");
    for (const n of [1, 2]) {
      await callOk("registerDevice", { deviceId: `device-000${n}`, platform: "android", appVersion: "1.0.0" }, cai);
    }
    const devices = await callOk<{ devices: { deviceId: string }[] }>("listDevices", null, cai);
    assert.deepEqual(devices.devices.map((d) => d.deviceId).sort(), ["device-0001", "device-0002"]);
    await callOk("removeDevice", { deviceId: "device-0001" }, cai);
    assert.deepEqual(
      (await callOk<{ devices: { deviceId: string }[] }>("listDevices", {}, cai)).devices.map((d) => d.deviceId),
      ["device-0002"],
    );

    const kyc = await callOk<{ status: string }>(
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
    const stored = await stack.firestore.collection("kyc").doc(cai.localId).get();
    assert.ok(!JSON.stringify(stored.data()).includes("Cai Example"), "the legal name is stored encrypted");

    const progression = await callOk<{ wealth: { level: number } }>("listMyProgression", null, cai);
    assert.equal(progression.wealth.level, 0);

    const exported = await callOk<{ delivery: string; bundle: { format: string; profile: { id: string }; devices: { id: string }[] } }>(
      "exportMyData",
      null,
      cai,
    );
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
