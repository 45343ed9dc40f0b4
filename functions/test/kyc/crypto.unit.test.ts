import "../support/kyc-key.js";
import assert from "node:assert/strict";
import { DecryptionError, decryptField, encryptField, parseKey, personalDataDigest } from "../../src/kyc/crypto.js";
import { TEST_KYC_KEY } from "../support/kyc-key.js";

const key = parseKey(TEST_KYC_KEY);

function flipByte(encoded: string, part: 1 | 2 | 3, index = 0): string {
  const parts = encoded.split(":");
  const bytes = Buffer.from(parts[part] as string, "base64");
  bytes[index] = (bytes[index] as number) ^ 0x01;
  parts[part] = bytes.toString("base64");
  return parts.join(":");
}

describe("kyc: field encryption (AES-256-GCM)", () => {
  it("round-trips, in the v1:iv:tag:ciphertext format with a fresh 12-byte IV each time", () => {
    const a = encryptField(key, "uid-1", "legalName", "Zoë Müller-Łukasz");
    const b = encryptField(key, "uid-1", "legalName", "Zoë Müller-Łukasz");
    assert.match(a, /^v1:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$/);
    const [, iv, tag] = a.split(":") as [string, string, string];
    assert.equal(Buffer.from(iv, "base64").length, 12);
    assert.equal(Buffer.from(tag, "base64").length, 16);
    assert.notEqual(a, b, "two encryptions of one value must differ (random IV)");
    assert.equal(decryptField(key, "uid-1", "legalName", a), "Zoë Müller-Łukasz");
    assert.equal(decryptField(key, "uid-1", "legalName", b), "Zoë Müller-Łukasz");
  });

  it("detects tampering: one flipped bit in the ciphertext, the tag or the IV fails decryption", () => {
    const sealed = encryptField(key, "uid-1", "documentNumber", "X1234567");
    for (const part of [1, 2, 3] as const) {
      assert.throws(() => decryptField(key, "uid-1", "documentNumber", flipByte(sealed, part)), DecryptionError, `part ${part}`);
    }
    assert.throws(() => decryptField(key, "uid-1", "documentNumber", sealed.replace(/^v1/, "v0")), DecryptionError);
    assert.throws(() => decryptField(key, "uid-1", "documentNumber", "not-a-ciphertext"), DecryptionError);
  });

  it("binds the ciphertext to its uid and field (AAD): swapped values do not decrypt", () => {
    const sealed = encryptField(key, "alice", "dateOfBirth", "1990-01-01");
    assert.throws(() => decryptField(key, "bob", "dateOfBirth", sealed), DecryptionError);
    assert.throws(() => decryptField(key, "alice", "legalName", sealed), DecryptionError);
    // Length-prefixed AAD: shifting a separator between uid and field does not collide.
    const tricky = encryptField(key, "a:b", "c", "value");
    assert.throws(() => decryptField(key, "a", "b:c", tricky), DecryptionError);
  });

  it("refuses a wrong key and a key that is not 32 bytes", () => {
    const sealed = encryptField(key, "uid-1", "legalName", "Alice");
    const other = parseKey(Buffer.alloc(32, 9).toString("base64"));
    assert.throws(() => decryptField(other, "uid-1", "legalName", sealed), DecryptionError);
    assert.throws(() => parseKey(Buffer.alloc(16).toString("base64")), /32 bytes/);
  });

  it("never contains the plaintext, in clear or in base64", () => {
    const secret = "Alexandra Plaintext-Person";
    const sealed = encryptField(key, "uid-1", "legalName", secret);
    assert.ok(!sealed.includes(secret));
    assert.ok(!sealed.includes(Buffer.from(secret).toString("base64").slice(0, 12)));
    assert.ok(!sealed.includes("Alexandra"));
  });

  it("fingerprints personal data with a keyed digest (stable, uid-bound, not a plain hash)", () => {
    const data = { legalName: "Alice", dateOfBirth: "1990-01-01", documentNumber: "X1" };
    assert.equal(personalDataDigest(key, "u", data), personalDataDigest(key, "u", data));
    assert.notEqual(personalDataDigest(key, "u", data), personalDataDigest(key, "v", data));
    assert.notEqual(personalDataDigest(key, "u", data), personalDataDigest(parseKey(Buffer.alloc(32, 1).toString("base64")), "u", data));
  });
});
