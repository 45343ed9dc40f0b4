/**
 * Entry checks of a stream and stream passwords. Passwords are stored only as scrypt hashes in
 * streamSecrets/{id} (server only); wrong attempts are counted per (stream, user) in Redis so a
 * password cannot be guessed by brute force through joinStream.
 */
import { randomBytes, scrypt as scryptCallback, timingSafeEqual } from "node:crypto";
import { promisify } from "node:util";
import { fail } from "../kernel/errors.js";
import type { Caller } from "../kernel/guards.js";
import { log } from "../kernel/logger.js";
import { redis } from "../kernel/redis.js";
import { readBan } from "../identity/blocking.js";
import { isBanActive } from "../identity/policy.js";
import { followerRef, isBlockedPair } from "../social/refs.js";
import { VenuePaths } from "../venues/paths.js";
import type { LiveConfig } from "./schema.js";
import { isStaff, readValue, type StoredStream, streamSecretRef, streamVenue } from "./store.js";

const scrypt = promisify(scryptCallback) as (password: string, salt: Buffer, keylen: number, options: object) => Promise<Buffer>;
const SCRYPT = { N: 16_384, r: 8, p: 1, keylen: 32 };

/** "scrypt$N$r$p$salt$hash" (base64 parts), so parameters can be raised later without breaking old hashes. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scrypt(password.normalize("NFKC"), salt, SCRYPT.keylen, { N: SCRYPT.N, r: SCRYPT.r, p: SCRYPT.p });
  return ["scrypt", SCRYPT.N, SCRYPT.r, SCRYPT.p, salt.toString("base64"), hash.toString("base64")].join("$");
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split("$");
  if (scheme !== "scrypt" || !salt || !hash) return false;
  const expected = Buffer.from(hash, "base64");
  const actual = await scrypt(password.normalize("NFKC"), Buffer.from(salt, "base64"), expected.length, {
    N: Number(n),
    r: Number(r),
    p: Number(p),
  });
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

interface StreamSecrets {
  passwordHash?: string | null;
  invitedUids?: string[];
}

export async function readSecrets(streamId: string): Promise<StreamSecrets> {
  return ((await streamSecretRef(streamId).get()).data() ?? {}) as StreamSecrets;
}

const attemptsKey = (streamId: string, uid: string) => `live:{s:${streamId}}:pw:${uid}`;

/** Wrong attempts so far; Redis down fails open (the per-uid callable limit still bounds guessing). */
async function failedAttempts(streamId: string, uid: string): Promise<number> {
  const client = redis();
  if (!client) return 0;
  try {
    return Number((await client.get<number>(attemptsKey(streamId, uid))) ?? 0);
  } catch (err) {
    log.warn("password attempt counter unavailable", { streamId, error: String(err) });
    return 0;
  }
}

async function recordFailedAttempt(streamId: string, uid: string, windowSeconds: number): Promise<void> {
  const client = redis();
  if (!client) return;
  try {
    const pipeline = client.multi();
    pipeline.incr(attemptsKey(streamId, uid));
    pipeline.expire(attemptsKey(streamId, uid), windowSeconds, "NX");
    await pipeline.exec();
  } catch (err) {
    log.warn("password attempt not counted", { streamId, error: String(err) });
  }
}

async function checkPassword(stream: StoredStream, uid: string, password: string | undefined, config: LiveConfig, secrets: StreamSecrets) {
  if (!password) fail("permission-denied", "This stream needs a password.", { reason: "password-required" });
  const windowSeconds = config.passwordWindowMinutes * 60;
  if ((await failedAttempts(stream.id, uid)) >= config.passwordAttempts) {
    fail("resource-exhausted", "Too many wrong passwords. Try again later.", { reason: "password-attempts", retryAfterSeconds: windowSeconds });
  }
  if (!secrets.passwordHash || !(await verifyPassword(password, secrets.passwordHash))) {
    await recordFailedAttempt(stream.id, uid, windowSeconds);
    fail("permission-denied", "Wrong password.", { reason: "wrong-password" });
  }
}

/** Active stream ban: bans/{venueKey}/{uid} = untilMs. */
export async function streamBanUntil(streamId: string, uid: string, nowMs = Date.now()): Promise<number | null> {
  const until = await readValue<number>(VenuePaths.banOf(streamVenue(streamId), uid));
  return typeof until === "number" && until > nowMs ? until : null;
}

/**
 * May `caller` enter `stream`? Staff pass (they moderate every venue); the host passes. Everyone else:
 * not suspended, no block with the host either way, not banned from the stream, and the visibility
 * rule: private = invited by the host, followers = follows the host, password = the right password.
 */
export async function assertMayEnter(caller: Caller, stream: StoredStream, password: string | undefined, config: LiveConfig): Promise<void> {
  if (caller.uid === stream.hostUid || isStaff(caller.roles)) return;
  const nowMs = Date.now();
  const needsSecrets = stream.visibility === "private" || stream.visibility === "password";
  const [ban, blocked, bannedUntil, follows, secrets] = await Promise.all([
    readBan(caller.uid),
    isBlockedPair(caller.uid, stream.hostUid),
    streamBanUntil(stream.id, caller.uid, nowMs),
    stream.visibility === "followers" ? followerRef(stream.hostUid, caller.uid).get() : null,
    needsSecrets ? readSecrets(stream.id) : ({} as StreamSecrets),
  ]);
  if (isBanActive(ban, nowMs)) fail("permission-denied", "This account is suspended.", { reason: "suspended" });
  if (blocked) fail("permission-denied", "You cannot join this stream.", { reason: "blocked" });
  if (bannedUntil !== null) {
    fail("permission-denied", "You are banned from this stream.", { reason: "banned", until: new Date(bannedUntil).toISOString() });
  }
  switch (stream.visibility) {
    case "public":
      return;
    case "private":
      if (!(secrets.invitedUids ?? []).includes(caller.uid)) fail("permission-denied", "This stream is private.", { reason: "not-invited" });
      return;
    case "followers":
      if (!follows?.exists) fail("permission-denied", "This stream is for followers of the host.", { reason: "followers-only" });
      return;
    case "password":
      await checkPassword(stream, caller.uid, password, config, secrets);
      return;
  }
}
