/**
 * A table fed by a cursor-paged callable: "Next" follows the server's cursor, "Previous" goes back to the
 * cursor the shown page was loaded with. No total is ever asked for (the server never counts a collection).
 */
import { Alert, Button, Group, Loader, Table, Text } from "@mantine/core";
import { type ReactNode, useCallback, useEffect, useState } from "react";
import { describeError, type Page } from "./api";

export interface Column<Row> {
  label: string;
  render(row: Row): ReactNode;
}

export interface PagedTableProps<Row> {
  /** Loads the page after `cursor` (null: the first). Change its identity to start again from the first page. */
  load(cursor: string | null): Promise<Page<Row>>;
  columns: Column<Row>[];
  rowKey(row: Row): string;
  caption: string;
  empty?: string;
}

export function PagedTable<Row>({ load, columns, rowKey, caption, empty = "Nothing here." }: PagedTableProps<Row>) {
  // cursors[i] loaded page i; the last entry is the shown page's.
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const [page, setPage] = useState<Page<Row> | null>(null);
  const [error, setError] = useState<string | null>(null);
  // True from the first render: the first page is on its way.
  const [loading, setLoading] = useState(true);

  const showPage = useCallback(
    async (stack: (string | null)[]) => {
      setLoading(true);
      setError(null);
      try {
        setPage(await load(stack.at(-1) ?? null));
        setCursors(stack);
      } catch (err) {
        setError(describeError(err));
      } finally {
        setLoading(false);
      }
    },
    [load],
  );

  useEffect(() => {
    void showPage([null]);
  }, [showPage]);

  const rows = page?.items ?? [];
  return (
    <div>
      {error && (
        <Alert color="red" title="Could not load" mb="sm" role="alert">
          {error}
        </Alert>
      )}
      <Table striped highlightOnHover withTableBorder aria-busy={loading}>
        <Table.Caption>{caption}</Table.Caption>
        <Table.Thead>
          <Table.Tr>
            {columns.map((column) => (
              <Table.Th key={column.label}>{column.label}</Table.Th>
            ))}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((row) => (
            <Table.Tr key={rowKey(row)} data-row={rowKey(row)}>
              {columns.map((column) => (
                <Table.Td key={column.label}>{column.render(row)}</Table.Td>
              ))}
            </Table.Tr>
          ))}
          {!loading && rows.length === 0 && (
            <Table.Tr>
              <Table.Td colSpan={columns.length}>
                <Text c="dimmed">{empty}</Text>
              </Table.Td>
            </Table.Tr>
          )}
        </Table.Tbody>
      </Table>
      <Group mt="sm" gap="xs">
        <Button variant="default" disabled={loading || cursors.length <= 1} onClick={() => void showPage(cursors.slice(0, -1))}>
          Previous
        </Button>
        <Button variant="default" disabled={loading || !page?.nextCursor} onClick={() => void showPage([...cursors, page?.nextCursor ?? null])}>
          Next
        </Button>
        <Button variant="subtle" disabled={loading} onClick={() => void showPage(cursors)}>
          Refresh
        </Button>
        {loading && <Loader size="xs" aria-label="Loading" />}
        <Text size="sm" c="dimmed">
          Page {cursors.length}
        </Text>
      </Group>
    </div>
  );
}

/** A cell value for display: dates and nested values readable, missing ones as a dash. */
export function show(value: unknown): string {
  if (value === null || value === undefined || value === "") return "—";
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}
