/**
 * KYC: identity verification needed before withdrawals. kyc/{uid} holds the status (read by the
 * wallet domain: withdrawals require "approved"), the document type and Storage paths, and the
 * personal data, each field AES-256-GCM encrypted (see crypto.ts). Every read of decrypted data by
 * staff is written to the audit log before the data is returned.
 */
import type { DocumentData, Transaction } from "firebase-admin/firestore";
import { db, firestoreValues } from "../kernel/app.js";
import { recordAudit } from "../kernel/audit.js";
import { Collections } from "../kernel/collections.js";
import { fail } from "../kernel/errors.js";
import type { Caller } from "../kernel/guards.js";
import { runIdempotent } from "../kernel/idempotency.js";
import { log } from "../kernel/logger.js";
import { notifyAfterCommit } from "../notifications/after-commit.js";
import { recordAdminInteraction } from "../wallet/interactions.js";
import { KYC_ENCRYPTION_KEY } from "./config.js";
import { DecryptionError, decryptPersonalData, encryptPersonalData, type KycPersonalData, parseKey, personalDataDigest } from "./crypto.js";
import type {
  GetKycDetailsRequest,
  GetKycDetailsResponse,
  GetMyKycResponse,
  KycDetails,
  KycStatus,
  ReviewKycRequest,
  ReviewKycResponse,
  SubmitKycRequest,
  SubmitKycResponse,
} from "./schema.js";

/** Read per request (a secret is only available at run time), decoded once per value. */
let cachedKey: { raw: string; key: Buffer } | undefined;
export function kycKey(): Buffer {
  const raw = KYC_ENCRYPTION_KEY.value();
  if (!raw) throw new Error("KYC_ENCRYPTION_KEY is not configured");
  if (cachedKey?.raw !== raw) cachedKey = { raw, key: parseKey(raw) };
  return cachedKey.key;
}

export function kycRef(uid: string) {
  return db().collection(Collections.kyc).doc(uid);
}

const iso = (value: unknown): string | null => (value as { toDate?: () => Date } | null | undefined)?.toDate?.().toISOString() ?? null;

/** Decrypts a kyc document's personal data; a tampered or swapped ciphertext is data loss, not a 500. */
export function decryptKycDocument(uid: string, data: DocumentData): KycPersonalData {
  try {
    return decryptPersonalData(kycKey(), uid, data.encrypted ?? {});
  } catch (err) {
    if (err instanceof DecryptionError) {
      log.error("kyc ciphertext failed authentication", { uid });
      return fail("data-loss", "The stored verification data could not be read; ask the user to resubmit.");
    }
    throw err;
  }
}

function toDetails(uid: string, data: DocumentData): KycDetails {
  return {
    uid,
    status: data.status as KycStatus,
    documentType: data.documentType,
    documentPaths: data.documentPaths ?? [],
    submittedAt: iso(data.submittedAt),
    reviewedBy: data.reviewedBy ?? null,
    reviewedAt: iso(data.reviewedAt),
    reviewReason: data.reviewReason ?? null,
    details: decryptKycDocument(uid, data),
  };
}

export async function submitKyc(caller: Caller, request: SubmitKycRequest): Promise<SubmitKycResponse> {
  // Files must be the caller's own uploads (Storage rules let a user write only under kyc/{uid}/).
  const ownPrefix = `kyc/${caller.uid}/`;
  const foreign = request.documentPaths.filter((p) => !p.startsWith(ownPrefix));
  if (foreign.length) {
    fail("invalid-argument", `documentPaths must be under ${ownPrefix}`, {
      issues: [{ path: "documentPaths", message: `must be under ${ownPrefix}`, code: "custom" }],
    });
  }
  const key = kycKey();
  const personal: KycPersonalData = {
    legalName: request.legalName,
    dateOfBirth: request.dateOfBirth,
    documentNumber: request.documentNumber,
  };
  // Encrypted outside the transaction: fresh IVs on a transaction retry would be harmless anyway.
  const encrypted = encryptPersonalData(key, caller.uid, personal);
  const { FieldValue } = firestoreValues();

  const { result } = await runIdempotent(
    {
      scope: "kyc.submit",
      key: request.requestId,
      owner: caller.uid,
      // Never the personal data itself in the idempotency record: a keyed digest of it.
      payload: {
        documentType: request.documentType,
        documentPaths: request.documentPaths,
        personal: personalDataDigest(key, caller.uid, personal),
      },
    },
    async (tx: Transaction) => {
      const ref = kycRef(caller.uid);
      const current = await tx.get(ref);
      const status = current.get("status") as KycStatus | undefined;
      if (status === "pending") fail("failed-precondition", "A verification is already under review.", { status });
      if (status === "approved") fail("failed-precondition", "Your identity is already verified.", { status });
      // A first submission, or a new one after a rejection: the document is replaced entirely.
      tx.set(ref, {
        uid: caller.uid,
        status: "pending",
        documentType: request.documentType,
        documentPaths: request.documentPaths,
        encrypted,
        submittedAt: FieldValue.serverTimestamp(),
        submissions: ((current.get("submissions") as number | undefined) ?? 0) + 1,
        reviewedBy: null,
        reviewedAt: null,
        reviewReason: null,
      });
      return { status: "pending" as const, documentType: request.documentType };
    },
  );
  log.info("kyc submitted", { uid: caller.uid, documentType: request.documentType });
  return result;
}

export async function reviewKyc(actor: Caller, request: ReviewKycRequest): Promise<ReviewKycResponse> {
  if (request.uid === actor.uid) fail("permission-denied", "You cannot review your own verification.");
  const { FieldValue } = firestoreValues();
  const status = request.decision === "approve" ? ("approved" as const) : ("rejected" as const);
  let submission = 0;
  const { result, replayed } = await runIdempotent(
    { scope: "kyc.review", key: request.requestId, owner: actor.uid, payload: request },
    async (tx) => {
      const ref = kycRef(request.uid);
      const current = await tx.get(ref);
      if (!current.exists) fail("not-found", "No verification was submitted by this user.");
      const previous = current.get("status") as KycStatus;
      if (previous !== "pending") fail("failed-precondition", `This verification was already decided (${previous}).`, { status: previous });
      submission = (current.get("submissions") as number | undefined) ?? 0;
      const now = FieldValue.serverTimestamp();
      tx.update(ref, { status, reviewedBy: actor.uid, reviewedAt: now, reviewReason: request.reason });
      // The approver may not then approve this user's withdrawals (four eyes, wallet/interactions.ts).
      if (status === "approved") recordAdminInteraction(tx, request.uid, actor.uid, "kycApproved");
      recordAudit(tx, {
        action: "kyc.reviewed",
        actorUid: actor.uid,
        targetUid: request.uid,
        before: previous,
        after: status,
        reason: request.reason,
        requestId: request.requestId,
      });
      return { uid: request.uid, status };
    },
  );
  if (!replayed) {
    log.info("kyc reviewed", { actorUid: actor.uid, targetUid: request.uid, status });
    // Each submission is decided once: its number names the decision.
    await notifyAfterCommit({
      recipient: request.uid,
      type: status === "approved" ? "kyc-approved" : "kyc-rejected",
      data: status === "approved" ? {} : { reason: request.reason },
      dedupeKey: `submission-${submission}`,
    });
  }
  return result;
}

/** Staff access to decrypted personal data: the audit entry is committed before anything is returned. */
export async function getKycDetails(actor: Caller, request: GetKycDetailsRequest): Promise<GetKycDetailsResponse> {
  const snapshot = await kycRef(request.uid).get();
  if (!snapshot.exists || !snapshot.get("encrypted")) fail("not-found", "No verification data for this user.");
  const details = toDetails(request.uid, snapshot.data() ?? {});
  const audit = db().batch();
  recordAudit(audit, {
    action: "kyc.viewed",
    actorUid: actor.uid,
    targetUid: request.uid,
    details: { actorRoles: actor.roles, fields: ["legalName", "dateOfBirth", "documentNumber"] },
  });
  await audit.commit();
  log.info("kyc details viewed", { actorUid: actor.uid, targetUid: request.uid });
  return details;
}

export async function getMyKyc(caller: Caller): Promise<GetMyKycResponse> {
  const snapshot = await kycRef(caller.uid).get();
  if (!snapshot.exists || !snapshot.get("encrypted")) return { status: "none" };
  const { status, documentType, submittedAt, reviewedAt, reviewReason, details } = toDetails(caller.uid, snapshot.data() ?? {});
  return { status, documentType, submittedAt, reviewedAt, reviewReason, details };
}
