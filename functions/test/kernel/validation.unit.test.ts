import assert from "node:assert/strict";
import { HttpsError } from "firebase-functions/v2/https";
import { z } from "zod";
import { fingerprint, RequestIdSchema } from "../../src/kernel/idempotency.js";
import { isDemotion, rolesFromClaims } from "../../src/kernel/roles.js";
import { CursorSchema, KeySafeIdSchema, KeySafeUidSchema, keySafeId, nullMeansDefaults, parse } from "../../src/kernel/validation.js";

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

describe("kernel: shared schemas (unit)", () => {
  const accepts = (schema: z.ZodType, value: unknown) => schema.safeParse(value).success;

  it("key-safe ids: letters, digits, _ and - only, 1 to 128 characters", () => {
    for (const id of ["a", "Z9", "room_1-b", "x".repeat(128)]) assert.equal(accepts(KeySafeIdSchema, id), true, id);
    // Each of . $ # [ ] / would break an RTDB key or a Firestore path; ':' would name another wallet.
    for (const id of ["", "x".repeat(129), "a.b", "a$b", "a#b", "a[b", "a]b", "a/b", "agency:x", "a b", "é", 7, null]) {
      assert.equal(accepts(KeySafeIdSchema, id), false, String(id));
    }
  });

  it("key-safe ids take their own maximum and name the field in the message", () => {
    const short = keySafeId({ max: 4, label: "roomId" });
    assert.equal(accepts(short, "abcd"), true);
    assert.equal(accepts(short, "abcde"), false);
    const issue = short.safeParse("a.b").error?.issues[0];
    assert.equal(issue?.message, "roomId may contain letters, digits, _ and - only");
    assert.equal(KeySafeUidSchema.safeParse("u/1").error?.issues[0]?.message, "uid may contain letters, digits, _ and - only");
  });

  it("cursors: never empty (omit it for the first page), at most 512 characters", () => {
    assert.equal(accepts(CursorSchema, "c"), true);
    assert.equal(accepts(CursorSchema, "c".repeat(512)), true);
    assert.equal(accepts(CursorSchema, "c".repeat(513)), false);
    assert.equal(CursorSchema.safeParse("").error?.issues[0]?.message, "cursor must not be empty: omit it for the first page");
  });

  it("nullMeansDefaults: null and undefined both mean every default; anything else is parsed as given", () => {
    const schema = nullMeansDefaults(z.object({ limit: z.number().int().default(20), cursor: CursorSchema.optional() }).strict());
    assert.deepEqual(parse(schema, null), { limit: 20 });
    assert.deepEqual(parse(schema, undefined), { limit: 20 });
    assert.deepEqual(parse(schema, {}), { limit: 20 });
    assert.deepEqual(parse(schema, { limit: 5, cursor: "c" }), { limit: 5, cursor: "c" });
    assert.throws(
      () => parse(schema, { limit: 5, extra: 1 }),
      (err: unknown) => err instanceof HttpsError && err.code === "invalid-argument",
    );
    assert.throws(
      () => parse(schema, "all"),
      (err: unknown) => err instanceof HttpsError && err.code === "invalid-argument",
    );
    assert.throws(
      () => parse(schema, 0),
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

  it("a demotion takes a privilege away; replacing the baseline viewer role is none", () => {
    assert.equal(isDemotion(["viewer"], ["host"]), false);
    assert.equal(isDemotion([], ["host"]), false);
    assert.equal(isDemotion(["host", "reseller"], ["host", "reseller", "admin"]), false);
    assert.equal(isDemotion(["host", "reseller"], ["host"]), true);
    assert.equal(isDemotion(["viewer", "moderator"], ["viewer"]), true);
  });
});
