import { assertFails, assertSucceeds, type RulesTestEnvironment } from "@firebase/rules-unit-testing";
import { deleteDoc, doc, getDoc, setDoc, updateDoc } from "firebase/firestore";
import { firestoreRulesEnvironment } from "../support/rules.js";

describe("rules: agencies, members, join requests and statements", () => {
  let env: RulesTestEnvironment;

  before(async () => {
    env = await firestoreRulesEnvironment("demo-agencies-rules");
  });
  after(() => env.cleanup());

  beforeEach(async () => {
    await env.clearFirestore();
    await env.withSecurityRulesDisabled(async (context) => {
      const db = context.firestore();
      await setDoc(doc(db, "agencies/open"), { id: "open", ownerUid: "olga", name: "Open", status: "active" });
      await setDoc(doc(db, "agencies/waiting"), { id: "waiting", ownerUid: "paul", name: "Waiting", status: "pending" });
      await setDoc(doc(db, "agencies/legacy"), { ownerUid: "lee", name: "Legacy" });
      await setDoc(doc(db, "agencies/open/members/hana"), { uid: "hana", agencyId: "open", role: "host" });
      await setDoc(doc(db, "agencies/open/requests/ivan"), { uid: "ivan", agencyId: "open", kind: "invitation" });
      await setDoc(doc(db, "agencyStatements/open__2026-W48"), { agencyId: "open", ownerUid: "olga", statement: { salary: 1 } });
    });
  });

  const as = (uid: string, roles: string[] = []) => env.authenticatedContext(uid, { roles }).firestore();
  const anonymous = () => env.unauthenticatedContext().firestore();

  it("agencies: active ones (and those without a status) to signed-in users; pending to the owner and admins", async () => {
    await assertSucceeds(getDoc(doc(as("stranger"), "agencies/open")));
    await assertSucceeds(getDoc(doc(as("stranger"), "agencies/legacy")));
    await assertFails(getDoc(doc(anonymous(), "agencies/open")));
    await assertFails(getDoc(doc(as("stranger"), "agencies/waiting")));
    await assertSucceeds(getDoc(doc(as("paul"), "agencies/waiting")));
    await assertSucceeds(getDoc(doc(as("root", ["admin"]), "agencies/waiting")));
  });

  it("members and join requests: the member or invitee, the owner and admins", async () => {
    for (const path of ["agencies/open/members/hana", "agencies/open/requests/ivan"]) {
      await assertSucceeds(getDoc(doc(as("olga"), path)));
      await assertSucceeds(getDoc(doc(as("root", ["admin"]), path)));
      await assertFails(getDoc(doc(as("stranger"), path)));
    }
    await assertSucceeds(getDoc(doc(as("hana"), "agencies/open/members/hana")));
    await assertSucceeds(getDoc(doc(as("ivan"), "agencies/open/requests/ivan")));
    await assertFails(getDoc(doc(as("hana"), "agencies/open/requests/ivan")));
  });

  it("statements: the owner and admins; hosts read their figures through the dashboard", async () => {
    await assertSucceeds(getDoc(doc(as("olga"), "agencyStatements/open__2026-W48")));
    await assertSucceeds(getDoc(doc(as("root", ["admin"]), "agencyStatements/open__2026-W48")));
    await assertFails(getDoc(doc(as("hana"), "agencyStatements/open__2026-W48")));
  });

  it("no client writes anything, not even the owner or an admin", async () => {
    for (const who of [as("olga"), as("hana"), as("root", ["admin"])]) {
      await assertFails(setDoc(doc(who, "agencies/mine"), { ownerUid: "olga", name: "Mine", status: "active" }));
      await assertFails(updateDoc(doc(who, "agencies/open"), { name: "Renamed" }));
      await assertFails(deleteDoc(doc(who, "agencies/open")));
      await assertFails(setDoc(doc(who, "agencies/open/members/olga2"), { uid: "olga2", role: "owner" }));
      await assertFails(updateDoc(doc(who, "agencies/open/members/hana"), { role: "manager" }));
      await assertFails(setDoc(doc(who, "agencies/open/requests/zed"), { uid: "zed", kind: "application" }));
      await assertFails(updateDoc(doc(who, "agencyStatements/open__2026-W48"), { statement: { salary: 1_000_000 } }));
      await assertFails(setDoc(doc(who, "users/hana"), { agencyId: "open" }));
    }
  });
});
