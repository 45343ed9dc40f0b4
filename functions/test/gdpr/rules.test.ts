import { assertFails, assertSucceeds, type RulesTestEnvironment } from "@firebase/rules-unit-testing";
import { deleteDoc, doc, getDoc, setDoc } from "firebase/firestore";
import { firestoreRulesEnvironment } from "../support/rules.js";

describe("rules: kyc and gdprDeletions", () => {
  let env: RulesTestEnvironment;

  before(async () => {
    env = await firestoreRulesEnvironment("demo-rules-gdpr");
  });
  after(() => env.cleanup());

  beforeEach(async () => {
    await env.clearFirestore();
    await env.withSecurityRulesDisabled(async (context) => {
      const db = context.firestore();
      await setDoc(doc(db, "kyc/alice"), { status: "pending", encrypted: { legalName: "v1:a:b:c" } });
      await setDoc(doc(db, "gdprDeletions/alice"), { step: "profile", status: "running" });
    });
  });

  const alice = () => env.authenticatedContext("alice").firestore();
  const bob = () => env.authenticatedContext("bob").firestore();
  const admin = () => env.authenticatedContext("root", { roles: ["admin"] }).firestore();
  const moderator = () => env.authenticatedContext("mod", { roles: ["moderator"] }).firestore();

  it("kyc documents are server-only: not even the owner or staff read them from a client", async () => {
    for (const db of [alice(), bob(), moderator(), admin()]) await assertFails(getDoc(doc(db, "kyc/alice")));
    await assertFails(setDoc(doc(alice(), "kyc/alice"), { status: "approved" }));
    await assertFails(setDoc(doc(admin(), "kyc/bob"), { status: "approved" }));
  });

  it("the owner watches their deletion progress; nobody else reads it and no client writes it", async () => {
    await assertSucceeds(getDoc(doc(alice(), "gdprDeletions/alice")));
    await assertFails(getDoc(doc(bob(), "gdprDeletions/alice")));
    await assertFails(setDoc(doc(alice(), "gdprDeletions/alice"), { step: "done" }));
    await assertFails(deleteDoc(doc(alice(), "gdprDeletions/alice")));
  });
});
