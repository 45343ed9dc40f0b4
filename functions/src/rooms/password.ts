/**
 * Room passwords are stored only as salted scrypt hashes, in rooms/{roomId}/private/lock (no client
 * reads it): "scrypt$N$r$p$salt$hash" (base64), so the cost can be raised later without breaking old hashes.
 */
import { randomBytes, type ScryptOptions, scrypt, timingSafeEqual } from "node:crypto";

const COST = { N: 16_384, r: 8, p: 1 } as const;
const KEY_LENGTH = 32;

function derive(password: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password.normalize("NFKC"), salt, KEY_LENGTH, options, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

export async function hashRoomPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, COST);
  return `scrypt$${COST.N}$${COST.r}$${COST.p}$${salt.toString("base64")}$${key.toString("base64")}`;
}

/** Constant-time comparison; a malformed stored hash never matches. */
export async function verifyRoomPassword(password: string, stored: unknown): Promise<boolean> {
  if (typeof stored !== "string") return false;
  const [scheme, n, r, p, salt, hash] = stored.split("$");
  if (scheme !== "scrypt" || !salt || !hash) return false;
  const expected = Buffer.from(hash, "base64");
  const options = { N: Number(n), r: Number(r), p: Number(p), maxmem: 64 * 1024 * 1024 };
  if (![options.N, options.r, options.p].every((v) => Number.isSafeInteger(v) && v > 0) || expected.length !== KEY_LENGTH) return false;
  const key = await derive(password, Buffer.from(salt, "base64"), options);
  return timingSafeEqual(key, expected);
}
