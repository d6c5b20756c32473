import { Button, Group, Paper, Stack, Table, Text, Title } from "@mantine/core";
import { useMutation } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { Problem } from "../../components/Problem";
import { TableHead } from "../../components/TableHead";
import { downloadFile } from "../../download";
import type { Period } from "./period";

export type Column<R> = { title: ReactNode; cell: (row: R) => ReactNode; numeric?: boolean };

/** A table of figures with its CSV (the same rows, from the API's `.csv` twin). */
export function FigureTable<R>({
  title,
  rows,
  columns,
  csv,
  period,
  rowKey,
  limit,
  empty,
}: {
  title: string;
  rows: R[];
  columns: Column<R>[];
  csv?: string;
  period?: Period;
  rowKey: (row: R) => string;
  limit?: number;
  empty?: string;
}) {
  const { t } = useTranslation();
  const exporting = useMutation({
    mutationFn: (path: string) => downloadFile(path, path.split("/").slice(-2).join("-"), period?.query),
  });
  const shown = limit ? rows.slice(0, limit) : rows;
  return (
    <Paper withBorder p="md">
      <Stack gap="xs">
        <Group justify="space-between">
          <Title order={3} size="h5">
            {title}
          </Title>
          {csv && (
            <Button size="xs" variant="default" loading={exporting.isPending} onClick={() => exporting.mutate(csv)}>
              {t("analytics.csv")}
            </Button>
          )}
        </Group>
        <Problem error={exporting.error} />
        {rows.length === 0 ? (
          <Text c="dimmed" size="sm">
            {empty ?? t("analytics.none")}
          </Text>
        ) : (
          <Table.ScrollContainer minWidth={400}>
            <Table striped withTableBorder>
              <TableHead columns={columns.map((c) => c.title)} />
              <Table.Tbody>
                {shown.map((row) => (
                  <Table.Tr key={rowKey(row)}>
                    {columns.map((column, n) => (
                      <Table.Td key={n} ta={column.numeric ? "right" : undefined}>
                        {column.cell(row)}
                      </Table.Td>
                    ))}
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
        {limit && rows.length > limit && (
          <Text c="dimmed" size="xs">
            {t("analytics.more", { shown: limit, count: rows.length })}
          </Text>
        )}
      </Stack>
    </Paper>
  );
}

/** One figure, large, with what it is. */
export function Kpi({ label, value, hint }: { label: string; value: ReactNode; hint?: string }) {
  return (
    <Paper withBorder p="md" miw={160}>
      <Text size="xs" c="dimmed" tt="uppercase" fw={700}>
        {label}
      </Text>
      <Text size="xl" fw={700}>
        {value}
      </Text>
      {hint && (
        <Text size="xs" c="dimmed">
          {hint}
        </Text>
      )}
    </Paper>
  );
}

/** A chart under its title, or a line saying there is nothing to draw. */
export function ChartPanel({
  title,
  empty,
  emptyText,
  children,
}: {
  title: string;
  empty: boolean;
  emptyText?: string;
  children: ReactNode;
}) {
  const { t } = useTranslation();
  return (
    <Paper withBorder p="md">
      <Title order={3} size="h5" mb="sm">
        {title}
      </Title>
      {empty ? (
        <Text c="dimmed" size="sm">
          {emptyText ?? t("analytics.none")}
        </Text>
      ) : (
        children
      )}
    </Paper>
  );
}
