import assert from "node:assert/strict";
import { HttpsError } from "firebase-functions/v2/https";
import { z } from "zod";
import { fingerprint, RequestIdSchema } from "../../src/kernel/idempotency.js";
import { rolesFromClaims } from "../../src/kernel/roles.js";
import { parse } from "../../src/kernel/validation.js";

describe("kernel: validation (unit)", () => {
  const schema = z.object({ name: z.string().min(2), tags: z.array(z.string()).max(2), nested: z.object({ n: z.number().int() }) }).strict();

  it("returns the parsed value when the payload is valid", () => {
    assert.deepEqual(parse(schema, { name: "ok", tags: [], nested: { n: 1 } }), { name: "ok", tags: [], nested: { n: 1 } });
  });

  it("turns every zod issue into invalid-argument with its field path", () => {
    assert.throws(
      () => parse(schema, { name: "x", tags: ["a", "b", "c"], nested: { n: 1.5 }, extra: true }),
      (err: unknown) => {
        assert.ok(err instanceof HttpsError);
        assert.equal(err.code, "invalid-argument");
        const paths = (err.details as { issues: { path: string }[] }).issues.map((i) => i.path).sort();
        assert.deepEqual(paths, ["(root)", "name", "nested.n", "tags"]);
        return true;
      },
    );
  });

  it("rejects a non-object payload at the root", () => {
    assert.throws(
      () => parse(schema, "hello"),
      (err: unknown) => err instanceof HttpsError && err.code === "invalid-argument",
    );
  });
});

describe("kernel: idempotency keys and roles (unit)", () => {
  it("fingerprints payloads independently of key order", () => {
    assert.equal(fingerprint({ a: 1, b: { c: [1, 2], d: "x" } }), fingerprint({ b: { d: "x", c: [1, 2] }, a: 1 }));
    assert.notEqual(fingerprint({ a: 1 }), fingerprint({ a: 2 }));
    assert.notEqual(fingerprint([1, 2]), fingerprint([2, 1]));
  });

  it("accepts UUID-like request ids and refuses short or path-like ones", () => {
    assert.ok(RequestIdSchema.safeParse("3f1c2a9e-7d4b-4c1e-9a55-0b6f2d8e1c11").success);
    assert.equal(RequestIdSchema.safeParse("short").success, false);
    assert.equal(RequestIdSchema.safeParse("../../wallets/x").success, false);
    assert.equal(RequestIdSchema.safeParse("a".repeat(129)).success, false);
  });

  it("reads only known roles from claims", () => {
    assert.deepEqual(rolesFromClaims({ roles: ["host", "wizard", 3, "admin"] }), ["host", "admin"]);
    assert.deepEqual(rolesFromClaims({ roles: "admin" }), []);
    assert.deepEqual(rolesFromClaims(undefined), []);
  });
});
