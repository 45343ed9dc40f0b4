/**
 * Calls from the pages. Names in the contract are typed by it; the operations callables still being
 * built on other branches are declared in Pending with the loose shape every list shares (a page of
 * rows and a cursor), and pick up the contract's types as soon as it carries them.
 */
import { type CallableInput, type CallableName, type CallableOutput, refusalReason } from "@live-platform/client";

/** A cursor-paged list as the operations callables return it. */
export interface Page<Row = Record<string, unknown>> {
  items: Row[];
  nextCursor: string | null;
}

type Loose = Record<string, unknown>;

/** Until the slices land in main: the fields the pages use, as their branches' schemas declare them. */
type Cursor = { cursor?: string | null; limit?: number };
type Summary = {
  uid: string;
  displayName: string | null;
  username?: string | null;
  roles?: string[];
  standing?: { state: string; until: string | null };
};
interface Pending {
  searchUsers: {
    input: { query: string } & Cursor;
    output: { users: (Summary & { createdAt: string | null; country: string | null })[]; nextCursor: string | null };
  };
  getUserDossier: { input: { uid: string }; output: { summary: Summary & { roles: string[] }; [key: string]: unknown } };
  listUserLedger: {
    input: { uid: string } & Cursor;
    output: Page<{ id: string; type: string; amounts: Partial<Record<"coins" | "diamonds", number>>; createdAt: string | null }>;
  };
  addUserNote: { input: { uid: string; text: string; requestId: string }; output: Loose };
  listUserNotes: { input: { uid: string } & Cursor; output: Page<{ noteId: string; text: string; authorUid: string; createdAt: string | null }> };
  listAuditLog: {
    input: { action?: string; actorUid?: string; targetUid?: string } & Cursor;
    output: Page<{ id: string; action: string; actorUid: string; targetUid: string | null; reason: string | null; at: string | null }>;
  };
  listModerationQueue: { input: { status?: "open" | "actioned" | "dismissed" } & Cursor; output: Page<ModerationItem> };
  getModerationItem: { input: { itemId: string }; output: { item: ModerationItem; report: unknown; flag: unknown; recentSanctions: unknown[] } };
  takeModerationAction: {
    input: {
      itemId: string;
      action: "dismiss" | "warn" | "remove-content" | "mute" | "suspend" | "ban" | "escalate";
      reason: string;
      requestId: string;
    };
    output: { outcome: string };
  };
  listAppeals: {
    input: Cursor;
    output: {
      appeals: { appealId: string; subjectUid: string; text: string; sanctionActorUid: string; status: string }[];
      nextCursor: string | null;
    };
  };
  decideAppeal: { input: { appealId: string; decision: "uphold" | "overturn"; reason: string; requestId: string }; output: { status: string } };
  getModerationMetrics: { input: { from: string; to: string }; output: Loose };
  getFinanceReport: {
    input: { from: string; to: string };
    output: { days: { day: string; figures: Record<string, number> }[]; totals: Record<string, number> };
  };
  recomputeFinanceDay: { input: { day: string; requestId: string }; output: { matches: boolean } };
  exportFinanceCsv: { input: { from: string; to: string }; output: { filename: string; csv: string } };
  listWithdrawalQueue: {
    input: Cursor;
    output: Page<{
      withdrawalId: string;
      uid: string;
      status: string;
      diamonds: number;
      payoutCents: number;
      createdAt: string | null;
      reviewedBy: string | null;
      user: { displayName: string | null };
      kycStatus: string;
    }>;
  };
  listKycQueue: {
    input: Cursor;
    output: Page<{ uid: string; status: string; documentType: string | null; submittedAt: string | null; user: { displayName: string | null } }>;
  };
  listReconciliationReports: {
    input: Cursor;
    output: Page<{ reportId: string; ok: boolean; trigger: string; mismatchCount: number; startedAt: string | null }>;
  };
  getLiveOverview: {
    input: Record<string, never>;
    output: {
      liveStreams: number;
      openRooms: number;
      viewers: number;
      giftsPerMinute: { minute: string; coins: number; count: number }[];
      topPerformers: { uid: string; displayName: string | null; coins: number }[];
    };
  };
  listLiveVenues: { input: { kind: "stream" | "room" } & Cursor; output: Page<{ kind: "stream" | "room"; id: string; title: string }> };
  staffEndStream: { input: { streamId: string; reason: string; requestId: string }; output: Loose };
  staffCloseRoom: { input: { roomId: string; reason: string; requestId: string }; output: Loose };
  listConfigs: { input: Record<string, never>; output: { configs: { id: string; description: string; version: number }[] } };
  getConfig: { input: { id: string }; output: { version: number; value: unknown; raw: Record<string, unknown>; issues: string[] | null } };
  updateConfig: {
    input: { id: string; value: Record<string, unknown>; expectedVersion: number; reason: string; requestId: string };
    output: { version: number };
  };
  listConfigVersions: {
    input: { id: string } & Cursor;
    output: { versions: { version: number; actorUid: string; reason: string; at: string | null }[]; nextCursor: string | null };
  };
  getMyFeatureFlags: { input: Record<string, never>; output: { flags: Record<string, boolean> } };
}

interface ModerationItem {
  itemId: string;
  kind: string;
  source: string;
  subjectUid: string | null;
  reason: string;
  priority: number;
  status: string;
  createdAt: string | null;
}

export type ApiName = CallableName | keyof Pending;
export type ApiInput<N extends ApiName> = N extends CallableName ? CallableInput<N> : N extends keyof Pending ? Pending[N]["input"] : never;
export type ApiOutput<N extends ApiName> = N extends CallableName ? CallableOutput<N> : N extends keyof Pending ? Pending[N]["output"] : never;

/** A message for an operator: the server's message, with the refusal reason when there is one. */
export function describeError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const reason = refusalReason(error);
  return reason ? `${message} (${reason})` : message;
}

/** A fresh idempotency key per operator action. */
export function newRequestId(): string {
  return crypto.randomUUID();
}
