/**
 * Withdrawals and KYC: the pending queues, approve or reject with a reason. Finance works the withdrawals,
 * moderators the KYC submissions. A withdrawal under the four-eyes rule (its reviewer recently adjusted,
 * verified or granted the account) is refused to that reviewer: another member of staff approves it. A large
 * withdrawal is paid on its second approval: the queue says who approved it once, and the button asks for the second.
 */
import { Button, Stack, Tabs } from "@mantine/core";
import { useCallback, useState } from "react";
import { newRequestId, type Page } from "../api";
import { PagedTable, show } from "../paged-table";
import { useCall, useSession } from "../session";
import { PageTitle, ReasonForm } from "./parts";

type Row = Record<string, unknown>;

const displayName = (row: Row) => show((row.user as Row | undefined)?.displayName ?? row.uid);
const firstApprover = (row: Row) => (row.firstApproval as Row | null | undefined)?.uid;

export function WithdrawalsPage() {
  const roles = useSession().session?.roles ?? [];
  const isAdmin = roles.includes("admin");
  const money = isAdmin || roles.includes("finance");
  const kyc = isAdmin || roles.includes("moderator");
  return (
    <Stack>
      <PageTitle>Withdrawals and KYC</PageTitle>
      <Tabs defaultValue={money ? "withdrawals" : "kyc"} keepMounted={false}>
        <Tabs.List>
          {money && <Tabs.Tab value="withdrawals">Withdrawals</Tabs.Tab>}
          {kyc && <Tabs.Tab value="kyc">KYC</Tabs.Tab>}
          {money && <Tabs.Tab value="reconciliation">Reconciliation</Tabs.Tab>}
        </Tabs.List>
        {money && (
          <Tabs.Panel value="withdrawals" pt="sm">
            <WithdrawalQueue />
          </Tabs.Panel>
        )}
        {kyc && (
          <Tabs.Panel value="kyc" pt="sm">
            <KycQueue />
          </Tabs.Panel>
        )}
        {money && (
          <Tabs.Panel value="reconciliation" pt="sm">
            <ReconciliationReports />
          </Tabs.Panel>
        )}
      </Tabs>
    </Stack>
  );
}

function WithdrawalQueue() {
  const call = useCall();
  const [selected, setSelected] = useState<Row | null>(null);
  const [version, setVersion] = useState(0);
  const load = useCallback(
    async (cursor: string | null): Promise<Page<Row>> => {
      const page = await call("listWithdrawalQueue", { limit: 20, ...(cursor ? { cursor } : {}) });
      return { items: page.items as unknown as Row[], nextCursor: page.nextCursor };
    },
    [call],
  );
  const decide = (decision: "approve" | "reject") => (reason: string) =>
    call("reviewWithdrawal", { withdrawalId: String(selected?.withdrawalId), decision, reason, requestId: newRequestId() }).finally(() =>
      setVersion((v) => v + 1),
    );
  return (
    <Stack>
      <PagedTable<Row>
        key={version}
        caption="Pending withdrawals"
        load={load}
        rowKey={(row) => String(row.withdrawalId)}
        columns={[
          { label: "Withdrawal", render: (row) => show(row.withdrawalId) },
          { label: "User", render: displayName },
          { label: "Diamonds", render: (row) => show(row.diamonds) },
          { label: "Payout (cents)", render: (row) => show(row.payoutCents) },
          { label: "KYC", render: (row) => show(row.kycStatus) },
          { label: "Status", render: (row) => show(row.status) },
          {
            label: "Approvals",
            render: (row) => (firstApprover(row) ? `Approved once by ${show(firstApprover(row))}, needs a second reviewer` : show(null)),
          },
          { label: "Reviewed by", render: (row) => show(row.reviewedBy) },
          { label: "Requested", render: (row) => show(row.createdAt) },
          {
            label: "Review",
            render: (row) => (
              <Button size="xs" variant="default" onClick={() => setSelected(row)}>
                Review {show(row.withdrawalId)}
              </Button>
            ),
          },
        ]}
        empty="No withdrawal waits for review."
      />
      {selected && (
        <ReasonForm
          key={String(selected.withdrawalId)}
          title={`Withdrawal ${show(selected.withdrawalId)} of ${displayName(selected)}`}
          actions={[
            { label: firstApprover(selected) ? "Approve as second reviewer" : "Approve", color: "green", run: decide("approve") },
            { label: "Reject", color: "red", run: decide("reject") },
          ]}
        />
      )}
    </Stack>
  );
}

function KycQueue() {
  const call = useCall();
  const [selected, setSelected] = useState<Row | null>(null);
  const [version, setVersion] = useState(0);
  const load = useCallback(
    async (cursor: string | null): Promise<Page<Row>> => {
      const page = await call("listKycQueue", { limit: 20, ...(cursor ? { cursor } : {}) });
      return { items: page.items as unknown as Row[], nextCursor: page.nextCursor };
    },
    [call],
  );
  const decide = (decision: "approve" | "reject") => (reason: string) =>
    call("reviewKyc", { uid: String(selected?.uid), decision, reason, requestId: newRequestId() }).finally(() => setVersion((v) => v + 1));
  return (
    <Stack>
      <PagedTable<Row>
        key={version}
        caption="KYC submissions waiting for review"
        load={load}
        rowKey={(row) => String(row.uid)}
        columns={[
          { label: "User", render: displayName },
          { label: "uid", render: (row) => show(row.uid) },
          { label: "Document", render: (row) => show(row.documentType) },
          { label: "Status", render: (row) => show(row.status) },
          { label: "Submitted", render: (row) => show(row.submittedAt) },
          {
            label: "Review",
            render: (row) => (
              <Button size="xs" variant="default" onClick={() => setSelected(row)}>
                Review {show(row.uid)}
              </Button>
            ),
          },
        ]}
        empty="No KYC submission waits for review."
      />
      {selected && (
        <ReasonForm
          key={String(selected.uid)}
          title={`KYC of ${displayName(selected)}`}
          actions={[
            { label: "Approve", color: "green", run: decide("approve") },
            { label: "Reject", color: "red", run: decide("reject") },
          ]}
        />
      )}
    </Stack>
  );
}

function ReconciliationReports() {
  const call = useCall();
  const load = useCallback(
    async (cursor: string | null): Promise<Page<Row>> => {
      const page = await call("listReconciliationReports", { limit: 20, ...(cursor ? { cursor } : {}) });
      return { items: page.items as unknown as Row[], nextCursor: page.nextCursor };
    },
    [call],
  );
  return (
    <PagedTable<Row>
      caption="Reconciliation runs, newest first"
      load={load}
      rowKey={(row) => String(row.reportId)}
      columns={[
        { label: "Started", render: (row) => show(row.startedAt) },
        { label: "Trigger", render: (row) => show(row.trigger) },
        { label: "Balanced", render: (row) => (row.ok ? "yes" : "NO") },
        { label: "Mismatches", render: (row) => show(row.mismatchCount) },
      ]}
    />
  );
}
