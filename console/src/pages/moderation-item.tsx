/**
 * One moderation item laid out for a decision: what was reported or flagged and about whom, the report
 * with its evidence or the flag as its domain wrote it, and the subject's sanctions within the ladder's
 * window (the step the next escalation takes follows from them).
 */
import type { CallableOutput } from "@live-platform/client";
import { Anchor, Badge, Group, Image, Paper, SimpleGrid, Stack, Table, Text } from "@mantine/core";
import type { ReactNode } from "react";
import { show } from "../paged-table";
import { RecordView, UserLink } from "./parts";

type ItemDetails = CallableOutput<"getModerationItem">;

function Facts({ caption, rows }: { caption: string; rows: [string, ReactNode][] }) {
  return (
    <Table withTableBorder variant="vertical" layout="fixed">
      <Table.Caption>{caption}</Table.Caption>
      <Table.Tbody>
        {rows.map(([label, value]) => (
          <Table.Tr key={label}>
            <Table.Th w={200} scope="row">
              {label}
            </Table.Th>
            <Table.Td>{value}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString() : "—");
const user = (uid: string | null) => (uid ? <UserLink uid={uid} /> : "—");

export function ModerationItemDetails({ details }: { details: ItemDetails }) {
  const { item, report, flag, recentSanctions } = details;
  const involved = item.relatedUids.length ? (
    <Group gap="xs">
      {item.relatedUids.map((uid) => (
        <UserLink key={uid} uid={uid} />
      ))}
    </Group>
  ) : (
    "—"
  );
  return (
    <Stack gap="sm" data-testid="moderation-item">
      <Group gap="xs">
        <Badge color={item.status === "open" ? "yellow" : item.status === "actioned" ? "red" : "gray"}>{item.status}</Badge>
        <Badge variant="outline">{item.kind}</Badge>
        <Badge variant="outline">{item.source}</Badge>
        <Text size="sm">priority {item.priority}</Text>
      </Group>
      <Facts
        caption={`Item ${item.itemId}`}
        rows={[
          ["Reason", item.reason],
          ["Subject", user(item.subjectUid)],
          ["Subject's country", show(item.subjectCountry)],
          ["Also involved", involved],
          ["Content", item.contentRef ? `${item.contentRef.type} ${item.contentRef.id}` : "—"],
          ["Raised from", item.sourceRef],
          ["Opened", when(item.createdAt)],
          ...(item.status === "open"
            ? []
            : ([
                ["Outcome", show(item.outcome)],
                ["Decided by", user(item.actorUid)],
                ["Decided", when(item.actionedAt)],
              ] as [string, ReactNode][])),
        ]}
      />
      {report && (
        <Paper withBorder p="sm">
          <Stack gap="xs">
            <Facts
              caption={`Report ${report.reportId}`}
              rows={[
                ["Reported by", user(report.reporterUid)],
                ["About", `${report.targetType} ${report.targetId}`],
                ["Reason", report.reason],
                ["In the reporter's words", report.details ?? "—"],
                ["Report status", report.status],
                ["Filed", when(report.createdAt)],
              ]}
            />
            {report.evidence.length > 0 && (
              <SimpleGrid cols={{ base: 2, md: 4 }} aria-label="Evidence">
                {report.evidence.map((evidence) => (
                  <Anchor key={evidence.url} href={evidence.url} target="_blank" rel="noreferrer">
                    {evidence.thumbnailUrl || evidence.kind === "image" ? (
                      <Image src={evidence.thumbnailUrl ?? evidence.url} alt={`Evidence: ${evidence.contentType}`} h={120} fit="contain" />
                    ) : (
                      `Evidence: ${evidence.contentType}`
                    )}
                  </Anchor>
                ))}
              </SimpleGrid>
            )}
          </Stack>
        </Paper>
      )}
      {flag && <RecordView record={flag} caption="The flag, as the domain that raised it wrote it" />}
      <Table withTableBorder striped>
        <Table.Caption>
          {recentSanctions.length
            ? `The subject's sanctions within the ladder's window (${recentSanctions.length}), newest first`
            : "The subject has no sanction within the ladder's window"}
        </Table.Caption>
        {recentSanctions.length > 0 && (
          <>
            <Table.Thead>
              <Table.Tr>
                {["Action", "Step", "Until", "By", "Reason", "Status", "When"].map((label) => (
                  <Table.Th key={label}>{label}</Table.Th>
                ))}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {recentSanctions.map((sanction) => (
                <Table.Tr key={sanction.sanctionId}>
                  <Table.Td>{sanction.action}</Table.Td>
                  <Table.Td>{sanction.step + 1}</Table.Td>
                  <Table.Td>{when(sanction.until)}</Table.Td>
                  <Table.Td>{user(sanction.actorUid)}</Table.Td>
                  <Table.Td>{sanction.reason}</Table.Td>
                  <Table.Td>{sanction.status}</Table.Td>
                  <Table.Td>{when(sanction.createdAt)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </>
        )}
      </Table>
    </Stack>
  );
}
