import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { get, ref, set } from "firebase/database";
import { approveAgencyLeave, deleteAgency, postAgencyMessage, removeAgencyMember, requestAgencyLeave } from "../../src/agencies/callables.js";
import { agencyDataOf, eraseAgencyMembershipsOf } from "../../src/agencies/erasure.js";
import { releaseMember } from "../../src/agencies/membership.js";
import { rtdb } from "../../src/kernel/app.js";
import { expectHttpsError } from "../support/callables.js";
import { allPaths } from "../support/firestore.js";
import { denied, useRtdbClients } from "../support/rules.js";
import { approvedAgency, call, join, type Member, makeAccount, useCleanAgenciesStack } from "./support.js";

interface Posted {
  messageId: string;
  uid: string;
  text: string;
  at: number;
  masked: boolean;
}

async function refusal(promise: Promise<unknown>, code: Parameters<typeof expectHttpsError>[1], reason: string): Promise<void> {
  const err = await expectHttpsError(promise, code);
  assert.equal((err.details as { reason?: string } | undefined)?.reason, reason, err.message);
}

const post = (member: Member, agencyId: string, text: string, requestId = randomUUID()) =>
  call<Posted>(postAgencyMessage, member, { agencyId, text, requestId });
const messagesOf = async (agencyId: string) => ((await rtdb().ref(`agencyChat/${agencyId}/messages`).get()).val() ?? {}) as Record<string, Posted>;
const mirrored = async (agencyId: string, uid: string) => (await rtdb().ref(`agencyChat/${agencyId}/members/${uid}`).get()).val();

describe("agencies: the agency channel (postAgencyMessage, RTDB rules, membership mirror)", function () {
  this.timeout(30_000);
  useCleanAgenciesStack();
  const client = useRtdbClients();

  let owner: Member;
  let host: Member;
  let stranger: Member;
  let agencyId: string;
  beforeEach(async () => {
    let admin: Member;
    [admin, owner, host, stranger] = await Promise.all([makeAccount(["admin"]), makeAccount(), makeAccount(), makeAccount()]);
    agencyId = await approvedAgency(owner, admin, { name: "Sun Agency" });
    await join(owner, host, agencyId);
  });

  it("approval and joining mirror the members; a member posts and every member reads it", async () => {
    assert.equal(await mirrored(agencyId, owner.uid), true);
    assert.equal(await mirrored(agencyId, host.uid), true);
    const posted = await post(host, agencyId, "  hello team  ");
    assert.equal(posted.text, "hello team");
    assert.equal(posted.masked, false);
    const read = (await get(ref(client(owner.uid), `agencyChat/${agencyId}/messages`))).val();
    assert.deepEqual(read, { [posted.messageId]: { uid: host.uid, text: "hello team", at: posted.at } });
  });

  it("a retried request writes the message once", async () => {
    const requestId = randomUUID();
    const first = await post(host, agencyId, "once", requestId);
    assert.deepEqual(await post(host, agencyId, "once", requestId), first);
    assert.equal(Object.keys(await messagesOf(agencyId)).length, 1);
  });

  it("a non-member can neither post nor read; clients cannot write the channel or the mirror", async () => {
    await refusal(post(stranger, agencyId, "let me in"), "permission-denied", "not-a-member");
    await denied(get(ref(client(stranger.uid), `agencyChat/${agencyId}/messages`)));
    await denied(get(ref(client(null), `agencyChat/${agencyId}/messages`)));
    await denied(set(ref(client(host.uid), `agencyChat/${agencyId}/messages/m1`), { uid: host.uid, text: "direct", at: Date.now() }));
    await denied(set(ref(client(stranger.uid), `agencyChat/${agencyId}/members/${stranger.uid}`), true));
    assert.equal((await get(ref(client(host.uid), `agencyChat/${agencyId}/members/${host.uid}`))).val(), true);
    await denied(get(ref(client(stranger.uid), `agencyChat/${agencyId}/members/${host.uid}`)));
    assert.deepEqual(await messagesOf(agencyId), {});
  });

  it("profanity is masked; a message that is nothing but profanity is refused and not written", async () => {
    const posted = await post(host, agencyId, "you are a fucking star");
    assert.equal(posted.masked, true);
    assert.ok(!/fuck/i.test(posted.text), posted.text);
    assert.match(posted.text, /\*+/);
    await refusal(post(host, agencyId, "fuck"), "invalid-argument", "text-not-allowed");
    assert.equal(Object.keys(await messagesOf(agencyId)).length, 1);
  });

  it("limits posting per member with resource-exhausted", async () => {
    for (let i = 0; i < 10; i++) await post(host, agencyId, `message ${i}`);
    await expectHttpsError(post(host, agencyId, "one too many"), "resource-exhausted");
    assert.equal(Object.keys(await messagesOf(agencyId)).length, 10);
  });

  it("malformed input is invalid-argument and writes nothing", async () => {
    const before = await allPaths();
    for (const data of [
      { agencyId, text: "", requestId: randomUUID() },
      { agencyId, text: "   ", requestId: randomUUID() },
      { agencyId, text: "x".repeat(501), requestId: randomUUID() },
      { agencyId, text: "hi" },
      { agencyId: "a/b", text: "hi", requestId: randomUUID() },
      { agencyId, text: 42, requestId: randomUUID() },
      { agencyId, text: "hi", requestId: randomUUID(), extra: true },
      null,
    ]) {
      await expectHttpsError(call(postAgencyMessage, host, data), "invalid-argument");
    }
    assert.deepEqual(await allPaths(), before);
    assert.equal((await rtdb().ref("agencyChat").child(agencyId).child("messages").get()).exists(), false);
    assert.equal((await rtdb().ref("agencyChatAuthors").get()).exists(), false);
  });

  it("removal revokes read access, and so does an approved leave", async () => {
    await post(owner, agencyId, "welcome");
    const hostReader = client(host.uid);
    await get(ref(hostReader, `agencyChat/${agencyId}/messages`));
    await call(removeAgencyMember, owner, { agencyId, uid: host.uid });
    assert.equal(await mirrored(agencyId, host.uid), null);
    await denied(get(ref(client(host.uid), `agencyChat/${agencyId}/messages`)));
    await refusal(post(host, agencyId, "still here?"), "permission-denied", "not-a-member");

    const other = await makeAccount();
    await join(owner, other, agencyId);
    await call(requestAgencyLeave, other, { agencyId });
    await call(approveAgencyLeave, owner, { agencyId, uid: other.uid });
    await denied(get(ref(client(other.uid), `agencyChat/${agencyId}/messages`)));
  });

  it("a lost mirror write is repaired: the member's next post restores it, a stale entry goes on a post or a retried release", async () => {
    await rtdb().ref(`agencyChat/${agencyId}/members/${host.uid}`).remove();
    await post(host, agencyId, "am I in?");
    assert.equal(await mirrored(agencyId, host.uid), true);
    await rtdb().ref(`agencyChat/${agencyId}/members/${stranger.uid}`).set(true);
    await refusal(post(stranger, agencyId, "sneaking"), "permission-denied", "not-a-member");
    assert.equal(await mirrored(agencyId, stranger.uid), null);

    await call(removeAgencyMember, owner, { agencyId, uid: host.uid });
    await rtdb().ref(`agencyChat/${agencyId}/members/${host.uid}`).set(true);
    assert.equal(await releaseMember(agencyId, host.uid, "removed"), false);
    assert.equal(await mirrored(agencyId, host.uid), null);
  });

  it("deleting the agency removes its channel", async () => {
    await post(host, agencyId, "bye");
    await call(deleteAgency, owner, { agencyId });
    assert.equal((await rtdb().ref(`agencyChat/${agencyId}`).get()).exists(), false);
  });

  it("the export carries the user's channel messages; account erasure deletes them (as venue chat does) and leaves the others'", async () => {
    const mine = await post(host, agencyId, "my words");
    const theirs = await post(owner, agencyId, "their words");
    const exported = (await agencyDataOf(host.uid)).channelMessages;
    assert.deepEqual(
      exported.map((m) => [m.agencyId, m.messageId, m.text]),
      [[agencyId, mine.messageId, "my words"]],
    );
    await eraseAgencyMembershipsOf(host.uid);
    assert.deepEqual(Object.keys(await messagesOf(agencyId)), [theirs.messageId]);
    assert.notEqual(mine.messageId, theirs.messageId);
    assert.equal(await mirrored(agencyId, host.uid), null);
    assert.equal((await rtdb().ref(`agencyChatAuthors/${host.uid}`).get()).exists(), false);
  });
});
