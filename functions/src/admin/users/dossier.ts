/**
 * getUserDossier: everything staff need about one account, each part read with a bounded query: profile
 * and standing, Auth facts, devices, balances, the newest ledger page (finance and admins), reports
 * against it (a count aggregate and the newest 10), the ban and its history, the newest staff notes.
 */
import type { DocumentSnapshot } from "firebase-admin/firestore";
import { devicesOf } from "../../identity/devices.js";
import type { BanHistoryEntry } from "../../identity/schema.js";
import { banRef, findAuthUser } from "../../kernel/account.js";
import { db } from "../../kernel/app.js";
import { Collections } from "../../kernel/collections.js";
import { pageByTime } from "../../kernel/cursor.js";
import { isoOf, millisOf, numberOf } from "../../kernel/fields.js";
import type { Caller } from "../../kernel/guards.js";
import { requireUserInScope } from "../../kernel/staff-scope.js";
import { userAccount } from "../../wallet/accounts.js";
import { ledgerHistoryOf } from "../../wallet/history.js";
import { readBalances } from "../../wallet/ledger.js";
import { listUserNotes } from "./notes.js";
import type { ListUserLedgerResponse, ReportSummary, UidRequest, UserDossier, UserPageRequest } from "./schema.js";
import { summaryOf } from "./summaries.js";

const LEDGER_PAGE = 20;
const LATEST_REPORTS = 10;
const BAN_HISTORY_SHOWN = 20;
const NOTES_SHOWN = 10;

/** Ledger pages are for finance and admins (requireRole lets admins through; this mirrors it for the dossier). */
const seesLedger = (caller: Caller): boolean => caller.roles.includes("finance") || caller.roles.includes("admin");

function reportsAgainst(uid: string) {
  return db().collection(Collections.reports).where("targetType", "==", "user").where("targetId", "==", uid);
}

function banHistoryEntry(doc: DocumentSnapshot): BanHistoryEntry {
  return {
    action: doc.get("action"),
    reason: doc.get("reason"),
    actorUid: doc.get("actorUid"),
    at: isoOf(doc.get("at")),
    expiresAt: isoOf(doc.get("expiresAt")),
  };
}

const nullableString = (value: unknown): string | null => (typeof value === "string" ? value : null);
const nullableNumber = (value: unknown): number | null => (typeof value === "number" ? value : null);

export async function getUserDossier(caller: Caller, { uid }: UidRequest): Promise<UserDossier> {
  const profile = await requireUserInScope(caller, uid);
  const banHistory = banRef(uid).collection(Collections.banHistory);
  const [ban, authUser, devices, wallet, ledger, reportCount, reports, history, notes] = await Promise.all([
    banRef(uid).get(),
    findAuthUser(uid),
    devicesOf(uid),
    readBalances(userAccount(uid)),
    seesLedger(caller) ? ledgerHistoryOf(uid, { limit: LEDGER_PAGE }) : Promise.resolve(null),
    reportsAgainst(uid).count().get(),
    pageByTime(reportsAgainst(uid), "createdAt", { limit: LATEST_REPORTS }),
    pageByTime(banHistory, "at", { limit: BAN_HISTORY_SHOWN }),
    listUserNotes(caller, { uid, limit: NOTES_SHOWN }, profile),
  ]);
  const expiresAtMs = millisOf(ban.get("expiresAt"));
  return {
    summary: summaryOf(profile, ban),
    profile: {
      bio: nullableString(profile.get("bio")),
      language: nullableString(profile.get("language")),
      level: nullableNumber(profile.get("level")),
      followersCount: nullableNumber(profile.get("followersCount")),
      followingCount: nullableNumber(profile.get("followingCount")),
    },
    auth: authUser
      ? {
          email: authUser.email ?? null,
          phoneNumber: authUser.phoneNumber ?? null,
          disabled: authUser.disabled,
          providers: authUser.providerData.map((p) => p.providerId),
          createdAt: authUser.metadata.creationTime ? new Date(authUser.metadata.creationTime).toISOString() : null,
          lastSignInAt: authUser.metadata.lastSignInTime ? new Date(authUser.metadata.lastSignInTime).toISOString() : null,
        }
      : null,
    devices,
    wallet,
    ledger,
    reports: {
      count: numberOf(reportCount.data().count),
      latest: reports.docs.map(
        (doc): ReportSummary => ({
          reportId: doc.id,
          reporterUid: doc.get("reporterUid"),
          reason: doc.get("reason"),
          status: doc.get("status"),
          createdAt: isoOf(doc.get("createdAt")),
        }),
      ),
    },
    bans: {
      current: ban.exists
        ? { kind: ban.get("kind"), reason: ban.get("reason"), expiresAt: expiresAtMs === null ? null : new Date(expiresAtMs).toISOString() }
        : null,
      history: history.docs.map(banHistoryEntry),
    },
    notes,
  };
}

/** Further pages of the account's ledger, as the account itself sees it (finance and admins). */
export async function listUserLedger(caller: Caller, request: UserPageRequest): Promise<ListUserLedgerResponse> {
  await requireUserInScope(caller, request.uid);
  return ledgerHistoryOf(request.uid, { limit: request.limit, cursor: request.cursor });
}
