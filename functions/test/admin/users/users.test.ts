/**
 * Staff user operations over HTTP (functions emulator): search, dossier, notes, bulk sanctions that end
 * the sanctioned accounts' venues and memberships, the audit log, country scope, and refusals for
 * viewers, for the wrong staff role and for malformed payloads.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import type {
  BulkSanctionResponse,
  ListAuditLogResponse,
  ListUserNotesResponse,
  SearchUsersResponse,
  UserDossier,
} from "../../../src/admin/users/schema.js";
import { callOverHttp } from "../../support/callables.js";
import { callOk, type SignedUp, signInAgain, signUp, useStackAdmin } from "../../support/e2e.js";
import { waitUntil } from "../../support/firestore.js";
import { type CallableCase, expectMalformedRefused } from "../../support/malformed.js";
import { useCleanStack } from "../../support/stack.js";

describe("admin/users: staff user operations and the audit log over HTTP", function () {
  this.timeout(240_000);
  useCleanStack();
  const stack = useStackAdmin();

  async function refusal(name: string, data: unknown, user: SignedUp): Promise<{ status: string; reason?: string }> {
    const reply = await callOverHttp(name, data, user.idToken);
    assert.ok(reply.error, `${name} should have been refused: ${JSON.stringify(reply.result)}`);
    const details = (reply.error as { details?: { reason?: string } }).details;
    return { status: reply.error.status, ...(details?.reason ? { reason: details.reason } : {}) };
  }

  async function profile(user: SignedUp, country: string, displayName: string, username: string): Promise<void> {
    await callOk("updateProfile", { country, displayName }, user);
    await callOk("setUsername", { username }, user);
  }

  /** One sign-up at a time: each goes through the blocking functions, and concurrent ones each start a worker. */
  async function signUpAll(...accounts: [string, Record<string, unknown>?][]): Promise<SignedUp[]> {
    const users: SignedUp[] = [];
    for (const [label, claims] of accounts) users.push(await signUp(stack, label, claims));
    return users;
  }

  const auditOf = async (targetUid: string) =>
    (await stack.firestore.collection("auditLog").where("targetUid", "==", targetUid).get()).docs.map((d) => d.get("action") as string).sort();

  it("search by uid, username prefix, e-mail and display-name prefix; the dossier; country scope; the ledger for finance only", async () => {
    const tag = randomUUID().slice(0, 6);
    const [admin, support, finance, brSupport, ana, carl] = await signUpAll(
      ["admin", { roles: ["admin"] }],
      ["support", { roles: ["support"] }],
      ["finance", { roles: ["finance"] }],
      ["brsupport", { roles: ["support"], staffCountries: ["BR"] }],
      ["ana"],
      ["carl"],
    );
    await profile(ana, "BR", "Anabel Rocha", `ana_${tag}`);
    await profile(carl, "IN", "Anand Kumar", `anx_${tag}`);
    await callOk("reportContent", { targetType: "user", targetId: ana.localId, reason: "spam", requestId: randomUUID() }, carl);
    await callOk(
      "adminAdjustBalance",
      { uid: ana.localId, currency: "coins", amount: 250, reason: "goodwill credit", requestId: randomUUID() },
      admin,
    );

    const uids = (r: SearchUsersResponse) => r.users.map((u) => u.uid);
    const byUid = await callOk<SearchUsersResponse>("searchUsers", { query: ana.localId }, support);
    assert.deepEqual([byUid.field, uids(byUid)], ["uid", [ana.localId]]);
    assert.deepEqual(
      [byUid.users[0]?.username, byUid.users[0]?.displayName, byUid.users[0]?.country, byUid.users[0]?.standing],
      [`ana_${tag}`, "Anabel Rocha", "BR", { state: "active", until: null }],
    );
    const byEmail = await callOk<SearchUsersResponse>("searchUsers", { query: carl.email }, support);
    assert.deepEqual([byEmail.field, uids(byEmail)], ["email", [carl.localId]]);
    const byUsername = await callOk<SearchUsersResponse>("searchUsers", { query: `AN`, field: "username", limit: 1 }, support);
    assert.deepEqual(uids(byUsername), [ana.localId]);
    const nextPage = await callOk<SearchUsersResponse>("searchUsers", { query: "AN", cursor: byUsername.nextCursor }, support);
    assert.deepEqual([nextPage.field, uids(nextPage)], ["username", [carl.localId]]);
    const byName = await callOk<SearchUsersResponse>("searchUsers", { query: "ana", field: "displayName" }, support);
    assert.deepEqual(uids(byName).sort(), [ana.localId, carl.localId].sort());
    assert.deepEqual((await callOk<SearchUsersResponse>("searchUsers", { query: "nobody@example.test" }, support)).users, []);

    // A support account scoped to Brazil sees Brazilians only.
    assert.deepEqual(uids(await callOk<SearchUsersResponse>("searchUsers", { query: "ana", field: "displayName" }, brSupport)), [ana.localId]);
    assert.deepEqual((await callOk<SearchUsersResponse>("searchUsers", { query: carl.localId, field: "uid" }, brSupport)).users, []);
    assert.deepEqual(await refusal("getUserDossier", { uid: carl.localId }, brSupport), {
      status: "PERMISSION_DENIED",
      reason: "out-of-country-scope",
    });
    assert.deepEqual(await refusal("addUserNote", { uid: carl.localId, text: "called in", requestId: randomUUID() }, brSupport), {
      status: "PERMISSION_DENIED",
      reason: "out-of-country-scope",
    });

    const forSupport = await callOk<UserDossier>("getUserDossier", { uid: ana.localId }, brSupport);
    assert.equal(forSupport.auth?.email, ana.email);
    assert.deepEqual(forSupport.auth?.providers, ["password"]);
    assert.equal(forSupport.wallet.coins, 250);
    assert.equal(forSupport.ledger, null, "the ledger is for finance and admins");
    assert.deepEqual([forSupport.reports.count, forSupport.reports.latest.map((r) => [r.reporterUid, r.reason])], [1, [[carl.localId, "spam"]]]);
    assert.deepEqual(forSupport.bans, { current: null, history: [] });

    const forFinance = await callOk<UserDossier>("getUserDossier", { uid: ana.localId }, finance);
    assert.deepEqual(
      forFinance.ledger?.items.map((i) => i.amounts),
      [{ coins: 250 }],
    );
    const ledgerPage = await callOk<{ items: unknown[] }>("listUserLedger", { uid: ana.localId }, finance);
    assert.equal(ledgerPage.items.length, 1);
    assert.deepEqual(await refusal("listUserLedger", { uid: ana.localId }, support), { status: "PERMISSION_DENIED" });
  });

  it("bulk suspension: each account suspended, taken out of its room, refused on its next call; one failure does not stop the rest; audited once on a retry", async () => {
    const [moderator, admin, owner, fan, bystander, host] = await signUpAll(
      ["moderator", { roles: ["moderator"] }],
      ["admin", { roles: ["admin"] }],
      ["owner"],
      ["fan"],
      ["bystander"],
      ["host", { roles: ["host"] }],
    );
    const { room } = await callOk<{ room: { id: string } }>("createRoom", { name: "Late lounge", requestId: randomUUID() }, owner);
    await callOk("enterRoom", { roomId: room.id, visitId: randomUUID() }, bystander);
    const venueKey = `room_${room.id}`;
    await waitUntil("the room listed for the sweep", async () => (await stack.db.ref(`venueIndex/${venueKey}`).get()).exists());
    const { room: otherRoom } = await callOk<{ room: { id: string } }>("createRoom", { name: "Other lounge", requestId: randomUUID() }, admin);
    await callOk("enterRoom", { roomId: otherRoom.id, visitId: randomUUID() }, fan);
    const otherKey = `room_${otherRoom.id}`;
    await waitUntil("the other room listed", async () => (await stack.db.ref(`venueIndex/${otherKey}`).get()).exists());
    assert.ok((await stack.db.ref(`members/${otherKey}/${fan.localId}`).get()).exists());

    const live = { requestId: randomUUID(), title: "late show", category: "chat", visibility: "public", country: "BR", region: "latam" };
    const { streamId } = await callOk<{ streamId: string }>("startStream", live, host);

    const request = {
      uids: [fan.localId, admin.localId, owner.localId, "no-such-account", host.localId],
      action: "suspend",
      durationMinutes: 30,
      reason: "coordinated spam",
      requestId: randomUUID(),
    };
    const expected = [
      { uid: fan.localId, ok: true },
      { uid: admin.localId, ok: false, code: "permission-denied", reason: "target-is-admin" },
      { uid: owner.localId, ok: true },
      { uid: "no-such-account", ok: false, code: "not-found" },
      { uid: host.localId, ok: true },
    ];
    assert.deepEqual((await callOk<BulkSanctionResponse>("bulkSanction", request, moderator)).outcomes, expected);

    // The fan left the other room; the owner's room is closed and its members gone.
    assert.equal((await stack.db.ref(`members/${otherKey}/${fan.localId}`).get()).exists(), false);
    assert.equal((await stack.firestore.doc(`rooms/${room.id}`).get()).get("status"), "closed");
    assert.equal((await stack.db.ref(`members/${venueKey}`).get()).exists(), false);
    assert.equal((await stack.firestore.doc(`rooms/${otherRoom.id}`).get()).get("status"), "open");
    // The suspended host's live stream is over.
    assert.equal((await stack.firestore.doc(`streams/${streamId}`).get()).get("status"), "ended");

    // The suspended fan's next call is refused (instances trust a standing for a few seconds at most).
    const refused = await waitUntil("the fan's calls refused", async () => {
      const reply = await callOverHttp("getMyProfile", null, fan.idToken);
      return reply.error ? reply.error : null;
    });
    assert.equal(refused.status, "PERMISSION_DENIED");
    assert.equal((refused as { details?: { reason?: string } }).details?.reason, "account-suspended");

    // A retry redoes nothing: the same outcomes, one audit entry and one history entry per account.
    assert.deepEqual((await callOk<BulkSanctionResponse>("bulkSanction", request, moderator)).outcomes, expected);
    assert.deepEqual(await auditOf(fan.localId), ["identity.suspension"]);
    assert.equal((await stack.firestore.collection(`bans/${fan.localId}/history`).get()).size, 1);
    const outbox = await stack.firestore.collection("notificationOutbox").where("recipient", "==", fan.localId).get();
    assert.deepEqual(
      outbox.docs.map((d) => d.get("type")),
      ["account-suspended"],
    );

    // Lifted in bulk: the history keeps both; the dossier shows them newest first.
    const lift = { uids: [fan.localId], action: "unban", reason: "appeal accepted", requestId: randomUUID() };
    assert.deepEqual((await callOk<BulkSanctionResponse>("bulkSanction", lift, moderator)).outcomes, [{ uid: fan.localId, ok: true }]);
    const dossier = await callOk<UserDossier>("getUserDossier", { uid: fan.localId }, moderator);
    assert.deepEqual(
      [dossier.summary.standing.state, dossier.bans.current, dossier.bans.history.map((h) => [h.action, h.actorUid, h.reason])],
      [
        "active",
        null,
        [
          ["lift", moderator.localId, "appeal accepted"],
          ["suspension", moderator.localId, "coordinated spam"],
        ],
      ],
    );

    // The audit log, newest first, filtered by action prefix and target; paged.
    const suspensions = await callOk<ListAuditLogResponse>("listAuditLog", { action: "identity.suspension" }, moderator);
    assert.deepEqual(suspensions.items.map((i) => i.targetUid).sort(), [fan.localId, owner.localId, host.localId].sort());
    const forFan = await callOk<ListAuditLogResponse>("listAuditLog", { action: "identity", targetUid: fan.localId, limit: 1 }, admin);
    assert.deepEqual([forFan.items.map((i) => i.action), forFan.nextCursor !== null], [["identity.liftBan"], true]);
    const older = await callOk<ListAuditLogResponse>(
      "listAuditLog",
      { action: "identity", targetUid: fan.localId, limit: 1, cursor: forFan.nextCursor },
      admin,
    );
    assert.deepEqual(
      older.items.map((i) => [i.action, i.actorUid]),
      [["identity.suspension", moderator.localId]],
    );

    // A suspension needs a duration; a ban takes none; both units at once are refused by banAccount.
    assert.deepEqual(await refusal("bulkSanction", { ...request, durationMinutes: undefined, requestId: randomUUID() }, moderator), {
      status: "INVALID_ARGUMENT",
      reason: "duration-required",
    });
    assert.deepEqual(await refusal("bulkSanction", { ...request, action: "ban", requestId: randomUUID() }, moderator), {
      status: "INVALID_ARGUMENT",
      reason: "duration-not-allowed",
    });
    const both = { uid: bystander.localId, reason: "spam", durationMinutes: 5, durationHours: 1, requestId: randomUUID() };
    assert.equal((await refusal("banAccount", both, moderator)).status, "INVALID_ARGUMENT");
  });

  it("a country-scoped moderator suspends and lifts within its countries, and is refused outside them (nothing written)", async () => {
    const [brModerator, ana, carl, stateless] = await signUpAll(
      ["brmoderator", { roles: ["moderator"], staffCountries: ["BR"] }],
      ["ana"],
      ["carl"],
      ["stateless"],
    );
    const tag = randomUUID().slice(0, 6);
    await profile(ana, "BR", "Ana Scope", `anas_${tag}`);
    await profile(carl, "IN", "Carl Scope", `carls_${tag}`);
    const suspend = (uid: string) => ({ uid, reason: "spam in rooms", durationMinutes: 30, requestId: randomUUID() });

    for (const outside of [carl, stateless]) {
      assert.deepEqual(await refusal("banAccount", suspend(outside.localId), brModerator), {
        status: "PERMISSION_DENIED",
        reason: "out-of-country-scope",
      });
      assert.equal((await stack.firestore.doc(`bans/${outside.localId}`).get()).exists, false);
      assert.deepEqual(await auditOf(outside.localId), []);
    }
    assert.deepEqual(await refusal("liftBan", { uid: carl.localId, reason: "appeal upheld", requestId: randomUUID() }, brModerator), {
      status: "PERMISSION_DENIED",
      reason: "out-of-country-scope",
    });

    const suspended = await callOk<{ kind: string }>("banAccount", suspend(ana.localId), brModerator);
    assert.equal(suspended.kind, "suspension");
    await callOk("liftBan", { uid: ana.localId, reason: "appeal upheld", requestId: randomUUID() }, brModerator);
    assert.deepEqual(await auditOf(ana.localId), ["identity.liftBan", "identity.suspension"]);
  });

  it("notes are written with an audit entry and paged; setUserRoles sets and clears a country scope (audited)", async () => {
    const [admin, support, target] = await signUpAll(["admin", { roles: ["admin"] }], ["support", { roles: ["support"] }], ["target"]);
    const requestId = randomUUID();
    const first = await callOk<{ noteId: string; text: string }>(
      "addUserNote",
      { uid: target.localId, text: "asked about a refund", requestId },
      support,
    );
    const replay = await callOk<{ noteId: string }>("addUserNote", { uid: target.localId, text: "asked about a refund", requestId }, support);
    assert.equal(replay.noteId, first.noteId);
    await callOk("addUserNote", { uid: target.localId, text: "refund explained", requestId: randomUUID() }, support);
    const page = await callOk<ListUserNotesResponse>("listUserNotes", { uid: target.localId, limit: 1 }, support);
    assert.deepEqual(
      page.items.map((n) => [n.text, n.authorUid]),
      [["refund explained", support.localId]],
    );
    const rest = await callOk<ListUserNotesResponse>("listUserNotes", { uid: target.localId, cursor: page.nextCursor }, support);
    assert.deepEqual(
      rest.items.map((n) => n.text),
      ["asked about a refund"],
    );
    assert.deepEqual(await auditOf(target.localId), ["users.note.add", "users.note.add"]);

    const scoped = await callOk<{ staffCountries: string[] | null }>(
      "setUserRoles",
      { uid: support.localId, roles: ["support"], staffCountries: ["IN", "BR"], reason: "regional desk", requestId: randomUUID() },
      admin,
    );
    assert.deepEqual(scoped.staffCountries, ["IN", "BR"]);
    assert.deepEqual((await stack.auth.getUser(support.localId)).customClaims?.staffCountries, ["IN", "BR"]);
    const audit = await stack.firestore.collection("auditLog").where("targetUid", "==", support.localId).get();
    assert.deepEqual(
      audit.docs.map((d) => [d.get("action"), d.get("details")]),
      [["users.setRoles", { staffCountries: { before: null, after: ["IN", "BR"] } }]],
    );
    // The scope reaches the support account's next token: the target (no country) is now out of it.
    assert.deepEqual(await refusal("getUserDossier", { uid: target.localId }, await signInAgain(support)), {
      status: "PERMISSION_DENIED",
      reason: "out-of-country-scope",
    });
    const cleared = await callOk<{ staffCountries: string[] | null }>(
      "setUserRoles",
      { uid: support.localId, roles: ["support"], staffCountries: [], reason: "back to global", requestId: randomUUID() },
      admin,
    );
    assert.equal(cleared.staffCountries, null);
    assert.equal((await stack.auth.getUser(support.localId)).customClaims?.staffCountries, undefined);
  });

  it("refuses viewers and the wrong staff roles, and malformed payloads (nothing written)", async () => {
    const [viewer, support, finance, moderator, target] = await signUpAll(
      ["viewer"],
      ["support", { roles: ["support"] }],
      ["finance", { roles: ["finance"] }],
      ["moderator", { roles: ["moderator"] }],
      ["target"],
    );
    const uid = target.localId;
    const bulk = { uids: [uid], action: "ban", reason: "spam ring", requestId: randomUUID() };
    const calls: [string, unknown, SignedUp[]][] = [
      ["searchUsers", { query: "someone" }, [viewer]],
      ["getUserDossier", { uid }, [viewer]],
      ["listUserLedger", { uid }, [viewer, support, moderator]],
      ["addUserNote", { uid, text: "hello", requestId: randomUUID() }, [viewer]],
      ["listUserNotes", { uid }, [viewer]],
      ["bulkSanction", bulk, [viewer, support, finance]],
      ["listAuditLog", {}, [viewer, support, finance]],
    ];
    for (const [name, data, refused] of calls) {
      for (const user of refused) assert.deepEqual(await refusal(name, data, user), { status: "PERMISSION_DENIED" }, `${name} as ${user.email}`);
    }
    assert.deepEqual(
      await stack.firestore
        .collection("auditLog")
        .get()
        .then((s) => s.size),
      0,
    );

    const cases: CallableCase[] = [
      {
        name: "searchUsers",
        base: { query: "ana", field: "username", cursor: "abc", limit: 10 },
        optional: ["field", "cursor", "limit"],
        more: [{ query: "" }, { query: "a", field: "nickname" }, { query: "a", limit: 0 }, { query: "a", cursor: "not-a-cursor" }],
      },
      { name: "getUserDossier", base: { uid }, more: [{ uid: "a/b" }] },
      { name: "listUserLedger", base: { uid, cursor: "abc", limit: 10 }, optional: ["cursor", "limit"], more: [{ uid, cursor: "garbage" }] },
      { name: "addUserNote", base: { uid, text: "note", requestId: randomUUID() }, more: [{ uid, text: "   ", requestId: randomUUID() }] },
      { name: "listUserNotes", base: { uid, cursor: "abc", limit: 10 }, optional: ["cursor", "limit"], more: [{ uid, limit: 101 }] },
      {
        name: "bulkSanction",
        base: { uids: [uid], action: "suspend", durationMinutes: 5, reason: "spam ring", requestId: randomUUID() },
        optional: ["durationMinutes"],
        more: [
          { uids: [], action: "ban", reason: "spam ring", requestId: randomUUID() },
          { uids: [uid, uid], action: "ban", reason: "spam ring", requestId: randomUUID() },
          { uids: Array.from({ length: 101 }, (_, i) => `u${i}`), action: "ban", reason: "spam ring", requestId: randomUUID() },
          { uids: [uid], action: "mute", reason: "spam ring", requestId: randomUUID() },
        ],
      },
      {
        name: "listAuditLog",
        base: { action: "identity", actorUid: uid, targetUid: uid, cursor: "abc", limit: 10 },
        optional: ["action", "actorUid", "targetUid", "cursor", "limit"],
        nullAllowed: false,
        more: [{ action: "identity..ban" }, { cursor: "garbage" }],
      },
    ];
    // Admins (every callable admits them) taking turns: bulkSanction allows 10 calls a minute per account.
    const callers = await signUpAll(["admin", { roles: ["admin"] }], ["admin2", { roles: ["admin"] }], ["admin3", { roles: ["admin"] }]);
    await expectMalformedRefused(stack.firestore, cases, callers);
  });
});
