import { assertFails, assertSucceeds, type RulesTestEnvironment } from "@firebase/rules-unit-testing";
import { collection, deleteDoc, doc, getDoc, getDocs, query, setDoc, updateDoc, where } from "firebase/firestore";
import { firestoreRulesEnvironment } from "../support/rules.js";

describe("rules: uploaded media records", () => {
  let env: RulesTestEnvironment;

  before(async () => {
    env = await firestoreRulesEnvironment("demo-media-rules");
  });
  after(() => env.cleanup());

  beforeEach(async () => {
    await env.clearFirestore();
    await env.withSecurityRulesDisabled(async (context) => {
      const db = context.firestore();
      await setDoc(doc(db, "media/m1"), {
        ownerUid: "ann",
        kind: "image",
        status: "ready",
        path: "uploads/ann/m1",
        contentType: "image/png",
        sizeBytes: 1024,
        purpose: "post",
        attachedTo: "posts/p1",
      });
      await setDoc(doc(db, "media/m2"), { ownerUid: "ann", kind: "image", status: "uploading", path: "uploads/ann/m2", sizeBytes: 10 });
      await setDoc(doc(db, "reviewQueue/media__m1"), { reason: "media-moderation", uid: "ann", status: "open" });
    });
  });

  const as = (uid: string, claims: Record<string, unknown> = {}) => env.authenticatedContext(uid, claims).firestore();

  it("nobody reads media records, not even their owner: apps see media through the posts, stories and messages that attach them", async () => {
    await assertFails(getDoc(doc(as("ann"), "media/m1")));
    await assertFails(getDoc(doc(as("bob"), "media/m1")));
    await assertFails(getDoc(doc(env.unauthenticatedContext().firestore(), "media/m1")));
    await assertFails(getDocs(query(collection(as("ann"), "media"), where("ownerUid", "==", "ann"))));
    await assertFails(getDocs(collection(as("ann"), "media")));
  });

  it("no client creates, finishes, re-attaches or deletes a media record; only admins read the moderation queue", async () => {
    const ann = as("ann");
    await assertFails(setDoc(doc(ann, "media/m3"), { ownerUid: "ann", kind: "image", status: "ready", path: "uploads/ann/m3" }));
    await assertFails(updateDoc(doc(ann, "media/m2"), { status: "ready", width: 10, height: 10 }));
    await assertFails(updateDoc(doc(ann, "media/m1"), { attachedTo: "posts/p2" }));
    await assertFails(deleteDoc(doc(ann, "media/m1")));
    await assertFails(getDoc(doc(ann, "reviewQueue/media__m1")));
    await assertFails(updateDoc(doc(as("admin", { roles: ["admin"] }), "reviewQueue/media__m1"), { status: "closed" }));
    await assertSucceeds(getDoc(doc(as("admin", { roles: ["admin"] }), "reviewQueue/media__m1")));
  });
});
