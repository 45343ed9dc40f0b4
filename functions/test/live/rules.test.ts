import assert from "node:assert/strict";
import { assertFails, assertSucceeds, type RulesTestEnvironment } from "@firebase/rules-unit-testing";
import { get, push, ref, remove, set, update } from "firebase/database";
import { collection, deleteDoc, doc, getDoc, getDocs, orderBy, query, setDoc, updateDoc, where } from "firebase/firestore";
import { denied, firestoreRulesEnvironment, useRtdbClients } from "../support/rules.js";
import { stackAdmin, useCleanStack } from "../support/stack.js";

describe("rules: live streams (firestore.rules)", () => {
  let env: RulesTestEnvironment;

  before(async () => {
    env = await firestoreRulesEnvironment("demo-live-rules");
  });
  after(() => env.cleanup());

  beforeEach(async () => {
    await env.clearFirestore();
    await env.withSecurityRulesDisabled(async (context) => {
      const db = context.firestore();
      const stream = { hostUid: "luna", status: "ended", visibility: "public", startedAt: new Date(1_000), analytics: { diamondsEarned: 250 } };
      await setDoc(doc(db, "streams/s1"), stream);
      await setDoc(doc(db, "streams/s2"), { ...stream, status: "live", startedAt: new Date(2_000) });
      await setDoc(doc(db, "streams/other"), { ...stream, hostUid: "noah" });
      await setDoc(doc(db, "streams/s1/ranking/mia"), { uid: "mia", coins: 500, rank: 1 });
      await setDoc(doc(db, "streamSecrets/s2"), { passwordHash: "scrypt$...", invitedUids: ["mia"] });
      await setDoc(doc(db, "liveHosts/luna"), { streamId: "s2" });
    });
  });

  const as = (uid: string, claims: Record<string, unknown> = {}) => env.authenticatedContext(uid, claims).firestore();
  const anonymous = () => env.unauthenticatedContext().firestore();
  const moderator = () => as("mod", { roles: ["moderator"] });
  const admin = () => as("root", { roles: ["admin"] });

  it("stream documents: the host and staff read them; viewers and anonymous users do not (discovery is the callable)", async () => {
    await assertSucceeds(getDoc(doc(as("luna"), "streams/s1")));
    await assertSucceeds(getDoc(doc(moderator(), "streams/s1")));
    await assertSucceeds(getDoc(doc(admin(), "streams/other")));
    await assertFails(getDoc(doc(as("mia"), "streams/s2")));
    await assertFails(getDoc(doc(anonymous(), "streams/s2")));
    await assertFails(getDocs(query(collection(as("mia"), "streams"), where("status", "==", "live"))));
  });

  it("the host's own history is a client query (hostUid == uid, newest first); nobody else's", async () => {
    const history = await assertSucceeds(
      getDocs(query(collection(as("luna"), "streams"), where("hostUid", "==", "luna"), orderBy("startedAt", "desc"))),
    );
    assert.deepEqual(
      history.docs.map((d) => d.id),
      ["s2", "s1"],
    );
    await assertFails(getDocs(query(collection(as("luna"), "streams"), where("hostUid", "==", "noah"))));
    await assertSucceeds(getDocs(query(collection(moderator(), "streams"), where("hostUid", "==", "noah"))));
  });

  it("final rankings: the host and staff read them", async () => {
    await assertSucceeds(getDoc(doc(as("luna"), "streams/s1/ranking/mia")));
    await assertSucceeds(getDocs(collection(moderator(), "streams/s1/ranking")));
    await assertFails(getDoc(doc(as("mia"), "streams/s1/ranking/mia")));
    await assertFails(getDocs(collection(as("noah"), "streams/s1/ranking")));
  });

  it("secrets and the live lock are server only; no client writes anything of a stream", async () => {
    for (const db of [as("luna"), as("mia"), admin(), anonymous()]) {
      await assertFails(getDoc(doc(db, "streamSecrets/s2")));
      await assertFails(getDoc(doc(db, "liveHosts/luna")));
    }
    for (const db of [as("luna"), moderator(), admin()]) {
      await assertFails(updateDoc(doc(db, "streams/s2"), { title: "mine" }));
      await assertFails(setDoc(doc(db, "streams/new"), { hostUid: "luna", status: "live" }));
      await assertFails(deleteDoc(doc(db, "streams/s1")));
      await assertFails(setDoc(doc(db, "streams/s1/ranking/luna"), { coins: 1_000_000, rank: 1 }));
      await assertFails(setDoc(doc(db, "liveHosts/luna"), { streamId: "x" }));
      await assertFails(setDoc(doc(db, "streamSecrets/s2"), { invitedUids: ["luna"] }));
    }
  });
});

describe("rules: live streams (database.rules.json)", () => {
  useCleanStack();
  const client = useRtdbClients();
  let admin: ReturnType<typeof stackAdmin>;
  const STREAM = "s1";

  beforeEach(async () => {
    admin = stackAdmin();
    await admin.db.ref().update({
      [`streams/${STREAM}/state`]: { hostUid: "luna", status: "live", title: "t", viewers: { current: 2, peak: 2 }, guestSlots: 3 },
      [`streams/${STREAM}/entrances/e1`]: { u: "mia", e: "sparkle", v: 1, t: 1 },
      [`streams/${STREAM}/guestQueue/mia`]: { kind: "request", at: 1 },
      [`streams/${STREAM}/guestQueue/noah`]: { kind: "invite", at: 1 },
      [`streams/${STREAM}/audience/mia`]: 1,
      [`members/stream_${STREAM}/luna`]: { role: "host", at: 1 },
      [`members/stream_${STREAM}/mia`]: { role: "viewer", at: 1 },
      [`members/stream_${STREAM}/noah`]: { role: "viewer", at: 1 },
    });
  });
  afterEach(() => admin.close());

  it("live state: any signed-in user reads it (the app shows 'ended' after members are cleared); anonymous users do not", async () => {
    assert.equal((await get(ref(client("stranger"), `streams/${STREAM}/state/hostUid`))).val(), "luna");
    assert.equal((await get(ref(client("mia"), `streams/${STREAM}/state`))).val().viewers.current, 2);
    await denied(get(ref(client(null), `streams/${STREAM}/state`)));
  });

  it("entrances: members read them; others do not", async () => {
    assert.ok((await get(ref(client("mia"), `streams/${STREAM}/entrances`))).exists());
    await denied(get(ref(client("stranger"), `streams/${STREAM}/entrances`)));
  });

  it("guest queue: the host reads all of it, a user their own entry only", async () => {
    assert.deepEqual(Object.keys((await get(ref(client("luna"), `streams/${STREAM}/guestQueue`))).val()).sort(), ["mia", "noah"]);
    assert.equal((await get(ref(client("mia"), `streams/${STREAM}/guestQueue/mia/kind`))).val(), "request");
    await denied(get(ref(client("mia"), `streams/${STREAM}/guestQueue`)));
    await denied(get(ref(client("mia"), `streams/${STREAM}/guestQueue/noah`)));
  });

  it("the audience markers and the stream root are not readable", async () => {
    await denied(get(ref(client("luna"), `streams/${STREAM}/audience`)));
    await denied(get(ref(client("mia"), `streams/${STREAM}/audience/mia`)));
    await denied(get(ref(client("luna"), `streams/${STREAM}`)));
    await denied(get(ref(client("luna"), "streams")));
  });

  it("clients write nothing of a stream: not the host, not members, not their own entries", async () => {
    const luna = client("luna");
    const mia = client("mia");
    await denied(set(ref(luna, `streams/${STREAM}/state/viewers/current`), 10_000));
    await denied(set(ref(luna, `streams/${STREAM}/state/guests/0`), { uid: "luna", at: 1 }));
    await denied(set(ref(luna, `streams/${STREAM}/state/pinned`), { text: "hi", by: "luna", at: 1 }));
    await denied(update(ref(mia, `streams/${STREAM}/state`), { status: "ended" }));
    await denied(set(ref(mia, `streams/${STREAM}/state/guests/1`), { uid: "mia", at: 1 }));
    await denied(set(ref(mia, `streams/${STREAM}/guestQueue/mia`), { kind: "invite", at: 1 }));
    await denied(remove(ref(mia, `streams/${STREAM}/guestQueue/mia`)));
    await denied(Promise.resolve(push(ref(mia, `streams/${STREAM}/entrances`), { u: "mia", e: "diamond-storm", v: 3, t: 1 })));
    await denied(set(ref(mia, `streams/${STREAM}/audience/mia`), null));
    await denied(set(ref(client("stranger"), `streams/new/state`), { hostUid: "stranger", status: "live" }));
    await denied(set(ref(mia, `members/stream_${STREAM}/mia/role`), "host"));
  });
});
