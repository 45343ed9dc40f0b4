/** The money queues of the console: withdrawals (with who asks and their KYC standing), KYC submissions, reconciliation reports. */
import type { DocumentSnapshot } from "firebase-admin/firestore";
import { banRef } from "../../kernel/account.js";
import { db } from "../../kernel/app.js";
import { Collections, userRef } from "../../kernel/collections.js";
import { pageByTime } from "../../kernel/cursor.js";
import { isoOf } from "../../kernel/fields.js";
import type { KycStatus } from "../../kyc/schema.js";
import type { WithdrawalStatus } from "../../wallet/schema.js";
import { firstApprovalOf } from "../../wallet/withdrawals.js";
import type {
  KycQueueRow,
  ListKycQueueRequest,
  ListKycQueueResponse,
  ListReconciliationReportsRequest,
  ListReconciliationReportsResponse,
  ListWithdrawalQueueRequest,
  ListWithdrawalQueueResponse,
  UserSummary,
} from "./schema.js";

const stringOr = (value: unknown): string | null => (typeof value === "string" ? value : null);

/** Profiles and ban records of the page's users, one round trip. */
async function userSummaries(uids: string[]): Promise<Map<string, UserSummary>> {
  const unique = [...new Set(uids)];
  if (!unique.length) return new Map();
  const snapshots = await db().getAll(...unique.flatMap((uid) => [userRef(uid), banRef(uid)]));
  return new Map(
    unique.map((uid, n) => {
      const [profile, ban] = [snapshots[2 * n] as DocumentSnapshot, snapshots[2 * n + 1] as DocumentSnapshot];
      return [uid, { uid, displayName: stringOr(profile.get("displayName")), banned: ban.exists }];
    }),
  );
}

/** Pending requests oldest first (the order they are worked); decided ones newest first. */
export async function listWithdrawalQueue(request: ListWithdrawalQueueRequest): Promise<ListWithdrawalQueueResponse> {
  const query = db().collection(Collections.withdrawals).where("status", "==", request.status);
  const page = await pageByTime(query, "createdAt", request, request.status === "pending" ? "asc" : "desc");
  const uids = page.docs.map((doc) => doc.get("uid") as string);
  const [users, kycs] = await Promise.all([
    userSummaries(uids),
    uids.length ? db().getAll(...uids.map((uid) => db().collection(Collections.kyc).doc(uid))) : Promise.resolve([]),
  ]);
  const items = page.docs.map((doc, n) => {
    const uid = doc.get("uid") as string;
    return {
      withdrawalId: doc.id,
      uid,
      status: doc.get("status") as WithdrawalStatus,
      diamonds: Number(doc.get("diamonds") ?? 0),
      feeDiamonds: Number(doc.get("feeDiamonds") ?? 0),
      payoutCents: Number(doc.get("payoutCents") ?? 0),
      payoutType: stringOr(doc.get("payoutMethod.type")),
      createdAt: isoOf(doc.get("createdAt")),
      reviewedBy: stringOr(doc.get("reviewedBy")),
      reviewedAt: isoOf(doc.get("reviewedAt")),
      firstApproval: firstApprovalOf(doc),
      user: users.get(uid) as UserSummary,
      kycStatus: ((kycs[n] as DocumentSnapshot | undefined)?.get("status") as KycStatus | undefined) ?? ("none" as const),
    };
  });
  return { items, nextCursor: page.nextCursor };
}

export async function listKycQueue(request: ListKycQueueRequest): Promise<ListKycQueueResponse> {
  const query = db().collection(Collections.kyc).where("status", "==", request.status);
  const page = await pageByTime(query, "submittedAt", request, request.status === "pending" ? "asc" : "desc");
  const users = await userSummaries(page.docs.map((doc) => doc.id));
  const items: KycQueueRow[] = page.docs.map((doc) => ({
    uid: doc.id,
    status: doc.get("status") as KycStatus,
    documentType: stringOr(doc.get("documentType")),
    submittedAt: isoOf(doc.get("submittedAt")),
    reviewedBy: stringOr(doc.get("reviewedBy")),
    reviewedAt: isoOf(doc.get("reviewedAt")),
    user: users.get(doc.id) as UserSummary,
  }));
  return { items, nextCursor: page.nextCursor };
}

export async function listReconciliationReports(request: ListReconciliationReportsRequest): Promise<ListReconciliationReportsResponse> {
  const page = await pageByTime(db().collection(Collections.reconciliationReports), "startedAt", request);
  const items = page.docs.map((doc) => ({
    reportId: doc.id,
    ok: doc.get("ok") === true,
    trigger: String(doc.get("trigger") ?? ""),
    checkedWallets: Number(doc.get("checkedWallets") ?? 0),
    checkedTransactions: Number(doc.get("checkedTransactions") ?? 0),
    mismatchCount: Number(doc.get("mismatchCount") ?? 0),
    mismatches: (doc.get("mismatches") ?? []) as unknown[],
    startedAt: isoOf(doc.get("startedAt")),
    finishedAt: isoOf(doc.get("finishedAt")),
    actorUid: stringOr(doc.get("actorUid")),
  }));
  return { items, nextCursor: page.nextCursor };
}
