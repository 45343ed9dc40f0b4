/**
 * Venue passwords (password rooms and password streams), one implementation for both. A password is
 * stored only as a salted scrypt hash, server-only (rooms/{id}/private/lock, streamSecrets/{id}):
 * "scrypt$N$r$p$salt$hash" (base64), so the cost can be raised later without breaking old hashes.
 *
 * Guessing is budgeted by the kernel's attempt counter (kernel/attempts.ts): per venue, everyone together,
 * and per user on that venue, counted before the comparison and given back when the password was right.
 */
import { randomBytes, type ScryptOptions, scrypt, timingSafeEqual } from "node:crypto";
import { attemptWithinBudget } from "../kernel/attempts.js";
import { refuse } from "../kernel/errors.js";
import { type Venue, venueKey } from "./paths.js";
import type { VenueRefusal } from "./schema.js";

const COST = { N: 16_384, r: 8, p: 1 } as const;
const KEY_LENGTH = 32;

function derive(password: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password.normalize("NFKC"), salt, KEY_LENGTH, options, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

export async function hashVenuePassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, COST);
  return `scrypt$${COST.N}$${COST.r}$${COST.p}$${salt.toString("base64")}$${key.toString("base64")}`;
}

/** Constant-time comparison; a missing or malformed stored hash never matches. */
export async function verifyVenuePassword(password: string, stored: unknown): Promise<boolean> {
  if (typeof stored !== "string") return false;
  const [scheme, n, r, p, salt, hash] = stored.split("$");
  if (scheme !== "scrypt" || !salt || !hash) return false;
  const expected = Buffer.from(hash, "base64");
  const options = { N: Number(n), r: Number(r), p: Number(p), maxmem: 64 * 1024 * 1024 };
  if (![options.N, options.r, options.p].every((v) => Number.isSafeInteger(v) && v > 0) || expected.length !== KEY_LENGTH) return false;
  const key = await derive(password, Buffer.from(salt, "base64"), options);
  return timingSafeEqual(key, expected);
}

export interface PasswordAttemptLimits {
  /** Wrong passwords per window on one venue, by everyone together. */
  perVenue: number;
  /** Wrong passwords per window by one user on one venue. */
  perUser: number;
  windowSeconds: number;
}

/**
 * Admits `uid` past a venue's password or refuses: permission-denied (wrong-password), resource-exhausted
 * (password-attempts, retryAfterSeconds) once a budget is spent, unavailable when attempts cannot be counted.
 */
export async function checkVenuePassword(
  venue: Venue,
  uid: string,
  password: string,
  storedHash: unknown,
  limits: PasswordAttemptLimits,
): Promise<void> {
  const right = await attemptWithinBudget<VenueRefusal>(
    {
      name: "venue.password",
      windowSeconds: limits.windowSeconds,
      perSubject: limits.perVenue,
      perCaller: limits.perUser,
      reason: "password-attempts",
    },
    venueKey(venue),
    uid,
    () => verifyVenuePassword(password, storedHash),
  );
  if (!right) refuse<VenueRefusal>("permission-denied", "wrong-password", "Wrong password.");
}
