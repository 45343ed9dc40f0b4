import assert from "node:assert/strict";
import { deleteMyAccount } from "../../src/gdpr/callables.js";
import { runAccountDeletion } from "../../src/gdpr/deletion.js";
import { resumeAccountDeletions } from "../../src/gdpr/jobs.js";
import { auth, db, rtdb } from "../../src/kernel/app.js";
import { postLedgerTransaction, readBalances } from "../../src/wallet/ledger.js";
import { callInProcess, expectHttpsError } from "../support/callables.js";
import { allPaths, docData } from "../support/firestore.js";
import { useCleanStack } from "../support/stack.js";
import { BIO, buildWorld, DOCUMENT_NUMBER, LEGAL_NAME, USERNAME, type World } from "./support.js";

/** Every stored document whose path or content mentions one of `needles`. */
async function documentsMentioning(needles: string[]): Promise<string[]> {
  const hits: string[] = [];
  for (const path of await allPaths()) {
    const text = `${path} ${JSON.stringify(await docData(path))}`.toLowerCase();
    if (needles.some((n) => text.includes(n.toLowerCase()))) hits.push(path);
  }
  return hits;
}

function personalNeedles(world: World): string[] {
  return [world.subject.email, "Ottoline", LEGAL_NAME, DOCUMENT_NUMBER, "1988-03-09", BIO, USERNAME, "fcm-token-ottoline", "ottoline.jpg"];
}

async function ledgerIdsNaming(uid: string): Promise<string[]> {
  return (await db().collection("ledger").where("accounts", "array-contains", `user:${uid}`).get()).docs.map((d) => d.id).sort();
}

describe("gdpr: deleteMyAccount", () => {
  useCleanStack();

  it("removes every piece of personal data, keeps the ledger, forfeits the balance, deletes the Auth user last", async () => {
    const world = await buildWorld({ coins: 500, diamonds: 70 });
    const { subject, friend, fan } = world;
    const uid = subject.uid;
    assert.ok((await documentsMentioning(personalNeedles(world))).length > 0, "the world does hold personal data before");

    const result = await callInProcess(deleteMyAccount, { user: subject, data: { confirm: "DELETE" } });
    assert.equal(result.status, "done");
    assert.equal(result.step, "done");
    assert.ok(result.forfeitTransactionId);

    assert.deepEqual(await documentsMentioning(personalNeedles(world)), [], "no document mentions the user's personal data");
    await assert.rejects(auth().getUser(uid), (err: { code?: string }) => err.code === "auth/user-not-found");

    const profile = await docData(`users/${uid}`);
    assert.equal(profile?.displayName, "deleted-user");
    assert.equal(profile?.photoURL, null);
    assert.equal(profile?.deleted, true);
    for (const gone of ["bio", "roles", "username", "usernameLower", "followersCount"]) assert.equal(profile?.[gone], undefined, gone);

    const paths = await allPaths();
    for (const prefix of [`users/${uid}/`, `usernames/`, `blocks/`]) {
      assert.deepEqual(
        paths.filter((p) => p.startsWith(prefix)),
        [],
        prefix,
      );
    }
    assert.deepEqual(await docData(`kyc/${uid}`).then((k) => Object.keys(k ?? {}).sort()), ["deleted", "deletedAt", "status", "uid"]);
    assert.equal((await docData(`kyc/${uid}`))?.status, "pending");
    assert.equal((await rtdb().ref(`status/${uid}`).get()).exists(), false);

    // Follow edges gone on both sides, the other side's counters adjusted.
    assert.equal(
      paths.some((p) => p.includes(`/followers/${uid}`) || p.includes(`/following/${uid}`)),
      false,
    );
    assert.equal((await docData(`users/${friend.uid}`))?.followersCount, 0);
    assert.equal((await docData(`users/${friend.uid}`))?.followingCount, 0);
    assert.equal((await docData(`users/${fan.uid}`))?.followingCount, 0);

    // Financial records stay, naming only the pseudonymous account id; the balance went to system:burn.
    const ledger = await ledgerIdsNaming(uid);
    assert.deepEqual(ledger, [...world.ledgerIds, result.forfeitTransactionId as string].sort());
    const forfeit = await docData(`ledger/${result.forfeitTransactionId}`);
    assert.equal(forfeit?.type, "admin.adjust");
    assert.deepEqual(forfeit?.meta, { reason: "account-deletion", targetUid: uid });
    assert.deepEqual(
      ((forfeit?.entries ?? []) as { account: string; currency: string; amount: number }[]).filter((e) => e.account === "system:burn"),
      [
        { account: "system:burn", currency: "coins", amount: 500 },
        { account: "system:burn", currency: "diamonds", amount: 70 },
      ],
    );
    const balances = await readBalances(`user:${uid}`);
    assert.deepEqual({ coins: balances.coins, diamonds: balances.diamonds, frozen: balances.frozen }, { coins: 0, diamonds: 0, frozen: true });
    assert.ok(await docData("withdrawals/w-old"), "withdrawal records are kept");
    assert.ok(await docData("reports/r1"), "reports filed are kept (they reference the uid only)");

    const record = await docData(`gdprDeletions/${uid}`);
    assert.equal(record?.status, "done");
    assert.equal(record?.step, "done");
    assert.ok(record?.startedAt && record?.updatedAt && record?.completedAt);

    // A second call (token still valid for a while) is a no-op.
    const again = await callInProcess(deleteMyAccount, { user: subject, data: { confirm: "DELETE" } });
    assert.equal(again.status, "done");
    assert.deepEqual(await ledgerIdsNaming(uid), ledger);
  });

  it("resumes after a crash at any recorded step, finishing the half-done step without double effects", async () => {
    const world = await buildWorld({ coins: 120, diamonds: 5 });
    const uid = world.subject.uid;

    // Crash 1: right after the balance was forfeited.
    const partial = await runAccountDeletion(uid, { stopAt: "followEdges" });
    assert.equal(partial.status, "running");
    assert.equal((await docData(`gdprDeletions/${uid}`))?.step, "followEdges");
    const forfeitedOnce = await ledgerIdsNaming(uid);
    assert.equal(forfeitedOnce.length, 3);
    assert.equal((await docData(`users/${uid}`))?.bio, BIO, "later steps have not run");

    // Crash 2: in the middle of the follow-edge step, one edge already removed on both sides (counter too).
    const { FieldValue } = await import("firebase-admin/firestore");
    const batch = db().batch();
    batch.delete(db().doc(`users/${uid}/followers/${world.fan.uid}`));
    batch.delete(db().doc(`users/${world.fan.uid}/following/${uid}`));
    batch.update(db().doc(`users/${world.fan.uid}`), { followingCount: FieldValue.increment(-1) });
    await batch.commit();

    // Crash 3: the forfeit step is replayed as if its record update had been lost.
    await db().doc(`gdprDeletions/${uid}`).update({ step: "forfeitBalance" });
    // A credit arriving meanwhile (e.g. a late refund) stays on the frozen wallet: forfeit is once per deletion.

    const finished = await callInProcess(deleteMyAccount, { user: world.subject, data: { confirm: "DELETE" } });
    assert.equal(finished.status, "done");
    assert.deepEqual(await ledgerIdsNaming(uid), forfeitedOnce, "the forfeit was not posted twice");
    assert.equal((await docData(`users/${world.fan.uid}`))?.followingCount, 0, "not decremented twice");
    assert.equal((await docData(`users/${world.friend.uid}`))?.followersCount, 0);
    assert.deepEqual(await documentsMentioning(personalNeedles(world)), []);
    await assert.rejects(auth().getUser(uid));
  });

  it("the scheduled job finishes deletions the user never came back to (stale only)", async () => {
    const world = await buildWorld({ coins: 1, diamonds: 1 });
    const uid = world.subject.uid;
    await runAccountDeletion(uid, { stopAt: "devices" });
    await (resumeAccountDeletions as unknown as { run(event: unknown): Promise<void> }).run({ scheduleTime: new Date().toISOString() });
    assert.equal((await docData(`gdprDeletions/${uid}`))?.step, "devices", "a deletion updated minutes ago is left to its runner");

    await db()
      .doc(`gdprDeletions/${uid}`)
      .update({ updatedAt: new Date(Date.now() - 60 * 60_000) });
    await (resumeAccountDeletions as unknown as { run(event: unknown): Promise<void> }).run({ scheduleTime: new Date().toISOString() });
    assert.equal((await docData(`gdprDeletions/${uid}`))?.status, "done");
    assert.deepEqual(await documentsMentioning(personalNeedles(world)), []);
  });

  it("forfeits only what is positive: a debt from a clawback stays, and does not block the deletion", async () => {
    const world = await buildWorld({ coins: 10, diamonds: 40 });
    const uid = world.subject.uid;
    const account = `user:${uid}` as const;
    await postLedgerTransaction({ type: "purchase.clawback", owner: "test", key: "refund-1", payload: { uid } }, async () => ({
      entries: [
        { account, currency: "coins", amount: -25 },
        { account: "system:mint", currency: "coins", amount: 25 },
      ],
      allowNegative: [account],
      ignoreSpendingLock: true,
      result: null,
    }));
    const result = await callInProcess(deleteMyAccount, { user: world.subject, data: { confirm: "DELETE" } });
    const forfeit = await docData(`ledger/${result.forfeitTransactionId}`);
    assert.deepEqual(forfeit?.entries, [
      { account, currency: "diamonds", amount: -40 },
      { account: "system:burn", currency: "diamonds", amount: 40 },
    ]);
    const balances = await readBalances(account);
    assert.deepEqual({ coins: balances.coins, diamonds: balances.diamonds }, { coins: -15, diamonds: 0 });
  });

  it("refuses while a withdrawal is pending, changing nothing", async () => {
    const world = await buildWorld();
    const uid = world.subject.uid;
    await db().doc("withdrawals/w-pending").set({ id: "w-pending", uid, status: "pending", diamonds: 50, createdAt: new Date() });
    const before = await allPaths();
    const walletBefore = await docData(`wallets/${uid}`);
    const err = await expectHttpsError(callInProcess(deleteMyAccount, { user: world.subject, data: { confirm: "DELETE" } }), "failed-precondition");
    assert.equal((err.details as { reason?: string }).reason, "pending-withdrawal");
    assert.deepEqual(await allPaths(), before);
    assert.deepEqual(await docData(`wallets/${uid}`), walletBefore);
    assert.equal((await auth().getUser(uid)).disabled, false);

    // Once the payout is settled, deletion proceeds.
    await db().doc("withdrawals/w-pending").update({ status: "paid" });
    assert.equal((await callInProcess(deleteMyAccount, { user: world.subject, data: { confirm: "DELETE" } })).status, "done");
  });

  it("needs the explicit confirmation and a signed-in caller; a zero balance posts nothing", async () => {
    const world = await buildWorld();
    const before = await allPaths();
    for (const data of [null, {}, { confirm: "delete" }, { confirm: "DELETE", uid: world.fan.uid }]) {
      await expectHttpsError(callInProcess(deleteMyAccount, { user: world.subject, data }), "invalid-argument");
    }
    await expectHttpsError(callInProcess(deleteMyAccount, { data: { confirm: "DELETE" } }), "unauthenticated");
    assert.deepEqual(await allPaths(), before);

    // The fan has no balance: nothing to forfeit, no ledger transaction.
    const result = await callInProcess(deleteMyAccount, { user: world.fan, data: { confirm: "DELETE" } });
    assert.equal(result.forfeitTransactionId, null);
    assert.deepEqual(await ledgerIdsNaming(world.fan.uid), []);
    assert.equal((await docData(`users/${world.subject.uid}`))?.followersCount, 1, "the subject lost the fan as a follower");
    assert.equal((await docData(`users/${world.subject.uid}`))?.bio, BIO, "other accounts untouched");
  });
});
