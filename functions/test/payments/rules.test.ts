import { assertFails, assertSucceeds, type RulesTestEnvironment } from "@firebase/rules-unit-testing";
import { collection, deleteDoc, doc, getDoc, getDocs, query, setDoc, updateDoc, where } from "firebase/firestore";
import { firestoreRulesEnvironment } from "../support/rules.js";

describe("rules: payments back-office records", () => {
  let env: RulesTestEnvironment;

  before(async () => {
    env = await firestoreRulesEnvironment("demo-payments-rules");
  });
  after(() => env.cleanup());

  const paths = ["unmatchedPurchases/revenuecat:2000001", "pendingRefunds/revenuecat:2000002", "revenuecatTransfers/EVT-1"];

  beforeEach(async () => {
    await env.clearFirestore();
    await env.withSecurityRulesDisabled(async (context) => {
      // Each names alice somewhere, as the real records do (namedRecipient, to).
      for (const path of paths) await setDoc(doc(context.firestore(), path), { namedRecipient: "alice", to: ["alice"], provider: "revenuecat" });
    });
  });

  const alice = () => env.authenticatedContext("alice").firestore();
  const admin = () => env.authenticatedContext("root", { roles: ["admin"] }).firestore();
  const moderator = () => env.authenticatedContext("mod", { roles: ["moderator"] }).firestore();
  const anonymous = () => env.unauthenticatedContext().firestore();

  for (const path of paths) {
    const name = path.split("/")[0] as string;
    it(`${name}: admins read; nobody else, not even the account it names; no client writes`, async () => {
      await assertSucceeds(getDoc(doc(admin(), path)));
      await assertSucceeds(getDocs(collection(admin(), name)));
      for (const db of [alice(), moderator(), anonymous()]) {
        await assertFails(getDoc(doc(db, path)));
        await assertFails(getDocs(query(collection(db, name), where("namedRecipient", "==", "alice"))));
      }
      for (const db of [alice(), admin(), anonymous()]) {
        await assertFails(setDoc(doc(db, path), { forged: true }));
        await assertFails(updateDoc(doc(db, path), { forged: true }));
        await assertFails(deleteDoc(doc(db, path)));
        await assertFails(setDoc(doc(db, `${name}/new`), { forged: true }));
      }
    });
  }
});
