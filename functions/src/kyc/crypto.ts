/**
 * Field-level encryption of KYC personal data with AES-256-GCM (node:crypto).
 *
 * Format: "v1:<iv>:<tag>:<ciphertext>", each part base64. A fresh random 12-byte IV per field and
 * write; the 16-byte auth tag makes any change to IV, tag or ciphertext fail decryption. The uid and
 * the field name are bound as additional authenticated data, so a ciphertext copied to another user's
 * document, or to another field of the same document, does not decrypt. "v1" names the format and key
 * generation, leaving room for key rotation (v2 with a new key, re-encrypt lazily on read).
 */
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from "node:crypto";

const FORMAT = "v1";
const ALGORITHM = "aes-256-gcm";
const IV_BYTES = 12;
const TAG_BYTES = 16;

export const ENCRYPTED_FIELDS = ["legalName", "dateOfBirth", "documentNumber"] as const;
export type EncryptedField = (typeof ENCRYPTED_FIELDS)[number];

/** A ciphertext that is malformed, tampered with, or bound to another uid/field. */
export class DecryptionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DecryptionError";
  }
}

/** Decodes the configured key; anything but exactly 32 bytes is a deployment error, refused loudly. */
export function parseKey(base64Key: string): Buffer {
  const key = Buffer.from(base64Key.trim(), "base64");
  if (key.length !== 32) throw new Error(`KYC_ENCRYPTION_KEY must be 32 bytes, base64-encoded (got ${key.length} bytes)`);
  return key;
}

function aad(uid: string, field: string): Buffer {
  // Length-prefixed parts: ("a:b", "c") and ("a", "b:c") must not produce the same AAD.
  return Buffer.from(`kyc/${FORMAT}/${uid.length}:${uid}/${field.length}:${field}`, "utf8");
}

export function encryptField(key: Buffer, uid: string, field: string, plaintext: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad(uid, field));
  const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  const tag = cipher.getAuthTag();
  return [FORMAT, iv.toString("base64"), tag.toString("base64"), ciphertext.toString("base64")].join(":");
}

export function decryptField(key: Buffer, uid: string, field: string, encoded: string): string {
  const parts = typeof encoded === "string" ? encoded.split(":") : [];
  if (parts.length !== 4 || parts[0] !== FORMAT) throw new DecryptionError("unsupported ciphertext format");
  const [, ivB64, tagB64, dataB64] = parts as [string, string, string, string];
  const iv = Buffer.from(ivB64, "base64");
  const tag = Buffer.from(tagB64, "base64");
  if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) throw new DecryptionError("malformed ciphertext");
  try {
    const decipher = createDecipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(aad(uid, field));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(Buffer.from(dataB64, "base64")), decipher.final()]).toString("utf8");
  } catch {
    throw new DecryptionError("ciphertext failed authentication");
  }
}

export type KycPersonalData = Record<EncryptedField, string>;

export function encryptPersonalData(key: Buffer, uid: string, data: KycPersonalData): KycPersonalData {
  return {
    legalName: encryptField(key, uid, "legalName", data.legalName),
    dateOfBirth: encryptField(key, uid, "dateOfBirth", data.dateOfBirth),
    documentNumber: encryptField(key, uid, "documentNumber", data.documentNumber),
  };
}

export function decryptPersonalData(key: Buffer, uid: string, encrypted: Partial<Record<EncryptedField, unknown>>): KycPersonalData {
  const read = (field: EncryptedField) => decryptField(key, uid, field, encrypted[field] as string);
  return { legalName: read("legalName"), dateOfBirth: read("dateOfBirth"), documentNumber: read("documentNumber") };
}

/**
 * A keyed digest of the personal data, for idempotency fingerprints: a plain hash of a birth date or
 * document number could be brute-forced from the idempotency record, a keyed one cannot.
 */
export function personalDataDigest(key: Buffer, uid: string, data: KycPersonalData): string {
  return createHmac("sha256", key)
    .update(JSON.stringify([uid, data.legalName, data.dateOfBirth, data.documentNumber]))
    .digest("hex");
}
