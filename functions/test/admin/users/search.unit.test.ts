import assert from "node:assert/strict";
import { guessField } from "../../../src/admin/users/search.js";
import { actionScopes } from "../../../src/kernel/audit.js";

describe("admin/users: what a query names, and audit action scopes (unit)", () => {
  for (const [query, field] of [
    ["ana@example.com", "email"],
    ["+5511987654321", "phone"],
    ["LnoaSsHKhugps3EAMSVUH1a2iA1F", "uid"],
    ["ana_09", "username"],
    ["Ana.Rocha", "username"],
    ["Anabel Rocha", "displayName"],
    ["+55 11", "displayName"],
  ] as const) {
    it(`"${query}" is searched as ${field}`, () => assert.equal(guessField(query), field));
  }

  it("an action's scopes are its dotted prefixes, itself included", () => {
    assert.deepEqual(actionScopes("wallet.withdrawal.approve"), ["wallet", "wallet.withdrawal", "wallet.withdrawal.approve"]);
    assert.deepEqual(actionScopes("identity.ban"), ["identity", "identity.ban"]);
  });
});
