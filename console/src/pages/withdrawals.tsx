/**
 * Withdrawals and KYC: the pending queues, approve or reject with a reason. A withdrawal under the
 * four-eyes rule needs a second admin: the queue shows who approved first.
 */
import { Button, Stack, Tabs } from "@mantine/core";
import { useCallback, useState } from "react";
import { newRequestId } from "../api";
import { PagedTable, show } from "../paged-table";
import { useCall } from "../session";
import { PageTitle, ReasonForm } from "./parts";

type Row = Record<string, unknown>;

/** Who gave the first of two approvals, in whichever shape the queue reports it. */
function firstApprover(row: Row): unknown {
  const first = (row.firstApproval ?? (Array.isArray(row.approvals) ? row.approvals[0] : null)) as Row | string | null;
  if (first && typeof first === "object") return first.by ?? first.uid ?? first.reviewerUid;
  return first ?? row.firstApprovedBy;
}

export function WithdrawalsPage() {
  return (
    <Stack>
      <PageTitle>Withdrawals and KYC</PageTitle>
      <Tabs defaultValue="withdrawals" keepMounted={false}>
        <Tabs.List>
          <Tabs.Tab value="withdrawals">Withdrawals</Tabs.Tab>
          <Tabs.Tab value="kyc">KYC</Tabs.Tab>
          <Tabs.Tab value="reconciliation">Reconciliation</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="withdrawals" pt="sm">
          <WithdrawalQueue />
        </Tabs.Panel>
        <Tabs.Panel value="kyc" pt="sm">
          <KycQueue />
        </Tabs.Panel>
        <Tabs.Panel value="reconciliation" pt="sm">
          <ReconciliationReports />
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}

function WithdrawalQueue() {
  const call = useCall();
  const [selected, setSelected] = useState<Row | null>(null);
  const [version, setVersion] = useState(0);
  const load = useCallback((cursor: string | null) => call("listWithdrawalQueue", { limit: 20, ...(cursor ? { cursor } : {}) }), [call]);
  const id = (row: Row) => String(row.withdrawalId ?? row.id);
  const decide = (decision: "approve" | "reject") => (reason: string) =>
    call("reviewWithdrawal", { withdrawalId: id(selected ?? {}), decision, reason, requestId: newRequestId() }).finally(() =>
      setVersion((v) => v + 1),
    );
  return (
    <Stack>
      <PagedTable<Row>
        key={version}
        caption="Pending withdrawals, oldest first"
        load={load}
        rowKey={id}
        columns={[
          { label: "Withdrawal", render: (row) => show(id(row)) },
          { label: "User", render: (row) => show(row.uid) },
          { label: "Diamonds", render: (row) => show(row.diamonds) },
          { label: "Payout (cents)", render: (row) => show(row.payoutCents) },
          { label: "Status", render: (row) => show(row.status) },
          { label: "First approval by", render: (row) => show(firstApprover(row)) },
          { label: "Requested", render: (row) => show(row.createdAt) },
          {
            label: "Review",
            render: (row) => (
              <Button size="xs" variant={selected && id(selected) === id(row) ? "filled" : "default"} onClick={() => setSelected(row)}>
                Review {id(row)}
              </Button>
            ),
          },
        ]}
        empty="No withdrawal waits for review."
      />
      {selected && (
        <ReasonForm
          key={id(selected)}
          title={`Withdrawal ${id(selected)} of ${show(selected.uid)}`}
          actions={[
            { label: "Approve", color: "green", run: decide("approve") },
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
  const load = useCallback((cursor: string | null) => call("listKycQueue", { limit: 20, ...(cursor ? { cursor } : {}) }), [call]);
  const uid = (row: Row) => String(row.uid ?? row.id);
  const decide = (decision: "approve" | "reject") => (reason: string) =>
    call("reviewKyc", { uid: uid(selected ?? {}), decision, reason, requestId: newRequestId() }).finally(() => setVersion((v) => v + 1));
  return (
    <Stack>
      <PagedTable<Row>
        key={version}
        caption="KYC submissions waiting for review"
        load={load}
        rowKey={uid}
        columns={[
          { label: "User", render: (row) => show(uid(row)) },
          { label: "Status", render: (row) => show(row.status) },
          { label: "Country", render: (row) => show(row.country) },
          { label: "Submitted", render: (row) => show(row.submittedAt ?? row.createdAt) },
          {
            label: "Review",
            render: (row) => (
              <Button size="xs" variant="default" onClick={() => setSelected(row)}>
                Review {uid(row)}
              </Button>
            ),
          },
        ]}
        empty="No KYC submission waits for review."
      />
      {selected && (
        <ReasonForm
          key={uid(selected)}
          title={`KYC of ${uid(selected)}`}
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
  const load = useCallback((cursor: string | null) => call("listReconciliationReports", { limit: 20, ...(cursor ? { cursor } : {}) }), [call]);
  return (
    <PagedTable<Row>
      caption="Daily reconciliation reports"
      load={load}
      rowKey={(row) => String(row.id ?? row.day)}
      columns={[
        { label: "Day", render: (row) => show(row.day ?? row.id) },
        { label: "Result", render: (row) => show(row.ok ?? row.status) },
        { label: "Mismatches", render: (row) => show(row.mismatches) },
      ]}
    />
  );
}
