import assert from "node:assert/strict";
import { exportMyData } from "../../src/gdpr/callables.js";
import { callInProcess, expectHttpsError } from "../support/callables.js";
import { allPaths } from "../support/firestore.js";
import { useCleanStack } from "../support/stack.js";
import { BIO, buildWorld, DOCUMENT_NUMBER, LEGAL_NAME, USERNAME } from "./support.js";

describe("gdpr: exportMyData", () => {
  useCleanStack();

  it("returns everything about the caller in one inline JSON bundle", async () => {
    const { subject, friend, fan, ledgerIds } = await buildWorld();
    const result = await callInProcess(exportMyData, { user: subject });
    assert.equal(result.delivery, "inline");
    const bundle = result.bundle;
    assert.equal(result.sizeBytes, Buffer.byteLength(JSON.stringify(bundle)));
    assert.ok(result.sizeBytes < 1_000_000);
    assert.equal(bundle.uid, subject.uid);
    assert.equal(bundle.auth?.email, subject.email);

    assert.equal(bundle.profile?.bio, BIO);
    assert.equal(bundle.profile?.usernameLower, USERNAME);
    assert.equal(bundle.profile?.followersCount, 2);
    assert.match(String(bundle.profile?.createdAt), /^\d{4}-\d\d-\d\dT/, "timestamps become ISO strings");
    assert.deepEqual(bundle.private.map((d) => d.id).sort(), ["account", "sessions"]);
    assert.equal(bundle.private.find((d) => d.id === "account")?.email, subject.email);

    assert.deepEqual({ coins: bundle.wallet.coins, diamonds: bundle.wallet.diamonds }, { coins: 500, diamonds: 70 });
    assert.deepEqual(bundle.ledger.map((t) => t.id).sort(), [...ledgerIds].sort());
    for (const t of bundle.ledger) assert.ok((t.accounts as string[]).includes(`user:${subject.uid}`));
    assert.deepEqual(
      bundle.withdrawals.map((w) => w.id),
      ["w-old"],
    );

    assert.deepEqual(
      bundle.following.map((d) => d.id),
      [friend.uid],
    );
    assert.deepEqual(bundle.followers.map((d) => d.id).sort(), [fan.uid, friend.uid].sort());
    assert.deepEqual(
      bundle.blocks.map((d) => d.id),
      [`${subject.uid}__${fan.uid}`],
    );
    assert.deepEqual(
      bundle.devices.map((d) => d.id),
      ["pixel-8"],
    );
    assert.equal(bundle.devices[0]?.pushToken, "fcm-token-ottoline");
    assert.equal(bundle.notifications.length, 1);
    assert.deepEqual(
      bundle.reportsFiled.map((r) => r.id),
      ["r1"],
      "only reports the caller filed",
    );

    assert.equal(bundle.kyc?.status, "pending");
    assert.deepEqual(bundle.kyc?.details, { legalName: LEGAL_NAME, dateOfBirth: "1988-03-09", documentNumber: DOCUMENT_NUMBER });
    assert.equal((bundle.kyc as Record<string, unknown>).encrypted, undefined, "ciphertexts are not part of the export");
    // Nothing about other users beyond the uids of edges the app shows anyway.
    assert.ok(!JSON.stringify(bundle).includes(friend.email));
  });

  it("is read-only, returns an empty bundle for a fresh account, and refuses input or anonymous callers", async () => {
    const { subject, fan } = await buildWorld();
    const before = await allPaths();
    const empty = await callInProcess(exportMyData, { user: fan });
    assert.equal(empty.bundle.kyc, null);
    assert.deepEqual(empty.bundle.devices, []);
    assert.deepEqual(empty.bundle.ledger, []);
    assert.deepEqual(
      empty.bundle.following.map((d) => d.id),
      [subject.uid],
    );
    await expectHttpsError(callInProcess(exportMyData, { user: subject, data: { uid: fan.uid } }), "invalid-argument");
    await expectHttpsError(callInProcess(exportMyData, {}), "unauthenticated");
    assert.deepEqual(await allPaths(), before);
  });
});
