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

interface Pending {
  searchUsers: { input: Loose; output: Page };
  getUserDossier: { input: { uid: string }; output: Loose };
  listUserLedger: { input: Loose; output: Page };
  addUserNote: { input: Loose; output: Loose };
  listUserNotes: { input: Loose; output: Page };
  bulkSanction: { input: Loose; output: Loose };
  listAuditLog: { input: Loose; output: Page };
  listModerationQueue: { input: Loose; output: Page };
  getModerationItem: { input: Loose; output: Loose };
  takeModerationAction: { input: Loose; output: Loose };
  listAppeals: { input: Loose; output: Page };
  decideAppeal: { input: Loose; output: Loose };
  getModerationMetrics: { input: Loose; output: Loose };
  getFinanceReport: { input: Loose; output: Loose };
  recomputeFinanceDay: { input: Loose; output: Loose };
  exportFinanceCsv: { input: Loose; output: Loose };
  listWithdrawalQueue: { input: Loose; output: Page };
  listKycQueue: { input: Loose; output: Page };
  listReconciliationReports: { input: Loose; output: Page };
  getLiveOverview: { input: Loose; output: Loose };
  listLiveVenues: { input: Loose; output: Page };
  staffEndStream: { input: Loose; output: Loose };
  staffCloseRoom: { input: Loose; output: Loose };
  listConfigs: { input: Loose; output: Loose };
  getConfig: { input: Loose; output: Loose };
  updateConfig: { input: Loose; output: Loose };
  listConfigVersions: { input: Loose; output: Page };
  getMyFeatureFlags: { input: Loose; output: Loose };
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
