import { assertFails, assertSucceeds, type RulesTestEnvironment } from "@firebase/rules-unit-testing";
import { collection, deleteDoc, doc, getDoc, getDocs, setDoc, Timestamp } from "firebase/firestore";
import { firestoreRulesEnvironment } from "../support/rules.js";

describe("rules: following feed entries", () => {
  let env: RulesTestEnvironment;

  before(async () => {
    env = await firestoreRulesEnvironment("demo-feeds-rules");
  });
  after(() => env.cleanup());

  beforeEach(async () => {
    await env.clearFirestore();
    await env.withSecurityRulesDisabled(async (context) => {
      await setDoc(doc(context.firestore(), "users/fan/feed/p1"), {
        postId: "p1",
        authorUid: "ann",
        visibility: "public",
        createdAt: Timestamp.now(),
      });
    });
  });

  const as = (uid: string) => env.authenticatedContext(uid).firestore();

  it("the owner reads their feed; nobody else does, signed in or not", async () => {
    await assertSucceeds(getDoc(doc(as("fan"), "users/fan/feed/p1")));
    await assertSucceeds(getDocs(collection(as("fan"), "users/fan/feed")));
    await assertFails(getDoc(doc(as("ann"), "users/fan/feed/p1")));
    await assertFails(getDocs(collection(as("ann"), "users/fan/feed")));
    await assertFails(getDoc(doc(env.unauthenticatedContext().firestore(), "users/fan/feed/p1")));
  });

  it("no client writes feed entries, not even the owner", async () => {
    const entry = { postId: "p2", authorUid: "ann", visibility: "public", createdAt: Timestamp.now() };
    await assertFails(setDoc(doc(as("fan"), "users/fan/feed/p2"), entry));
    await assertFails(setDoc(doc(as("ann"), "users/fan/feed/p2"), entry));
    await assertFails(setDoc(doc(as("fan"), "users/fan/feed/p1"), { ...entry, postId: "p1" }));
    await assertFails(deleteDoc(doc(as("fan"), "users/fan/feed/p1")));
  });
});
