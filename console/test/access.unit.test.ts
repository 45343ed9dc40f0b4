import assert from "node:assert/strict";
import { pagesFor, staffRoles } from "../src/access.js";

describe("console: pages per staff role", () => {
  const labels = (roles: Parameters<typeof pagesFor>[0]) => pagesFor(roles).map((page) => page.label);

  it("reads only staff roles from the roles claim, whatever else it holds", () => {
    assert.deepEqual(staffRoles(["viewer", "host", "support", "finance", 3, null]), ["support", "finance"]);
    assert.deepEqual(staffRoles(undefined), []);
    assert.deepEqual(staffRoles("admin"), []);
  });

  it("shows admins every page, and each other role the pages its callables admit", () => {
    assert.equal(labels(["admin"]).length, 7);
    assert.deepEqual(labels(["support"]), ["Users", "Live now"]);
    assert.deepEqual(labels(["finance"]), ["Users", "Withdrawals & KYC", "Finance", "Configuration"]);
    assert.deepEqual(labels(["moderator"]), ["Users", "Moderation", "Withdrawals & KYC", "Live now", "Audit log"]);
    assert.deepEqual(labels(["support", "finance"]), ["Users", "Withdrawals & KYC", "Finance", "Live now", "Configuration"]);
    assert.deepEqual(labels([]), []);
  });
});
