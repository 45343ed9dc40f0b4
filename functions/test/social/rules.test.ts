import { assertFails, assertSucceeds, type RulesTestEnvironment } from "@firebase/rules-unit-testing";
import { collection, deleteDoc, doc, getDoc, getDocs, query, setDoc, where } from "firebase/firestore";
import { firestoreRulesEnvironment } from "../support/rules.js";

describe("rules: social collections", () => {
  let env: RulesTestEnvironment;

  before(async () => {
    env = await firestoreRulesEnvironment("demo-social-rules");
  });
  after(() => env.cleanup());

  beforeEach(async () => {
    await env.clearFirestore();
    await env.withSecurityRulesDisabled(async (context) => {
      const db = context.firestore();
      await setDoc(doc(db, "users/open"), { uid: "open", roles: [] });
      await setDoc(doc(db, "users/friendsOnly"), { uid: "friendsOnly", privacy: { followers: "friends" } });
      await setDoc(doc(db, "users/hidden"), { uid: "hidden", privacy: { followers: "nobody" } });
      await setDoc(doc(db, "users/open/followers/bob"), { uid: "bob" });
      await setDoc(doc(db, "users/open/following/bob"), { uid: "bob" });
      await setDoc(doc(db, "users/friendsOnly/followers/bob"), { uid: "bob" });
      await setDoc(doc(db, "users/friendsOnly/following/bob"), { uid: "bob" });
      await setDoc(doc(db, "users/bob/following/friendsOnly"), { uid: "friendsOnly" });
      await setDoc(doc(db, "users/hidden/followers/bob"), { uid: "bob" });
      await setDoc(doc(db, "usernames/luna"), { uid: "open", username: "Luna" });
      await setDoc(doc(db, "blocks/alice__bob"), { blockerUid: "alice", blockedUid: "bob" });
      await setDoc(doc(db, "reports/r1"), { reporterUid: "alice", status: "open" });
    });
  });

  const as = (uid: string, claims: Record<string, unknown> = {}) => env.authenticatedContext(uid, claims).firestore();
  const anonymous = () => env.unauthenticatedContext().firestore();

  it("follow edges: readable per the owner's privacy.followers", async () => {
    await assertSucceeds(getDocs(collection(as("carol"), "users/open/followers")));
    await assertSucceeds(getDoc(doc(as("carol"), "users/open/following/bob")));
    await assertFails(getDocs(collection(anonymous(), "users/open/followers")));
    // friends: the owner and mutual followers only
    await assertSucceeds(getDocs(collection(as("friendsOnly"), "users/friendsOnly/followers")));
    await assertSucceeds(getDocs(collection(as("bob"), "users/friendsOnly/followers")));
    await assertFails(getDocs(collection(as("carol"), "users/friendsOnly/followers")));
    // nobody: the owner only
    await assertSucceeds(getDocs(collection(as("hidden"), "users/hidden/followers")));
    await assertFails(getDocs(collection(as("bob"), "users/hidden/followers")));
  });

  it("follow edges, usernames, blocks and reports are never client-writable", async () => {
    const alice = as("alice");
    const admin = as("root", { roles: ["admin"] });
    await assertFails(setDoc(doc(alice, "users/open/followers/alice"), { uid: "alice" }));
    await assertFails(setDoc(doc(alice, "users/alice/following/open"), { uid: "open" }));
    await assertFails(deleteDoc(doc(as("open"), "users/open/followers/bob")));
    await assertFails(setDoc(doc(alice, "usernames/alice"), { uid: "alice" }));
    await assertFails(deleteDoc(doc(as("open"), "usernames/luna")));
    await assertFails(setDoc(doc(alice, "blocks/alice__carol"), { blockerUid: "alice", blockedUid: "carol" }));
    await assertFails(deleteDoc(doc(alice, "blocks/alice__bob")));
    await assertFails(setDoc(doc(alice, "reports/r2"), { reporterUid: "alice", status: "open" }));
    await assertFails(setDoc(doc(admin, "reports/r1"), { status: "closed" }, { merge: true }));
    await assertFails(setDoc(doc(admin, "usernames/x"), { uid: "x" }));
  });

  it("usernames are readable when signed in; blocks only by their blocker", async () => {
    await assertSucceeds(getDoc(doc(as("carol"), "usernames/luna")));
    await assertFails(getDoc(doc(anonymous(), "usernames/luna")));
    await assertSucceeds(getDoc(doc(as("alice"), "blocks/alice__bob")));
    await assertSucceeds(getDocs(query(collection(as("alice"), "blocks"), where("blockerUid", "==", "alice"))));
    await assertFails(getDoc(doc(as("bob"), "blocks/alice__bob")));
    await assertFails(getDocs(collection(as("alice"), "blocks")));
  });

  it("reports are readable by moderators and admins only, not even by their reporter", async () => {
    await assertSucceeds(getDoc(doc(as("mod", { roles: ["moderator"] }), "reports/r1")));
    await assertSucceeds(getDocs(collection(as("root", { roles: ["admin"] }), "reports")));
    await assertFails(getDoc(doc(as("alice"), "reports/r1")));
    await assertFails(getDocs(collection(as("host", { roles: ["host"] }), "reports")));
  });
});
