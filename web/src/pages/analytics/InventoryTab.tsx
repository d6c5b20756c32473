import { Badge, Paper, SimpleGrid, Stack, Table, Text, Title } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api, unwrap, type Schemas } from "../../api/client";
import { Problem } from "../../components/Problem";
import { TableHead } from "../../components/TableHead";
import { FigureTable } from "./FigureTable";
import { amount, num, type Period } from "./period";

const ABC = ["A", "B", "C"] as const;
const XYZ = ["X", "Y", "Z"] as const;
// Dark enough for white letters on any row (WCAG contrast).
const CELL_COLOUR: Record<string, string> = { A: "teal.9", B: "orange.9", C: "gray.7" };

/** The nine cells: how many items are valuable and steady (AX) ... cheap and erratic (CZ). */
function Matrix({ cells }: { cells: Record<string, number> }) {
  const { t } = useTranslation();
  return (
    <Paper withBorder p="md">
      <Title order={3} size="h5" mb="sm">
        {t("analytics.matrix")}
      </Title>
      <Table withTableBorder withColumnBorders ta="center" aria-label={t("analytics.matrix")}>
        <TableHead columns={["", ...XYZ.map((x) => `${x} — ${t(`analytics.xyz${x}`)}`)]} />
        <Table.Tbody>
          {ABC.map((a) => (
            <Table.Tr key={a}>
              <Table.Th>
                {a} — {t(`analytics.abc${a}`)}
              </Table.Th>
              {XYZ.map((x) => (
                <Table.Td key={x}>
                  <Badge size="lg" variant="filled" color={CELL_COLOUR[a]}>
                    {cells[`${a}${x}`] ?? 0}
                  </Badge>
                </Table.Td>
              ))}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Text size="xs" c="dimmed" mt="xs">
        {t("analytics.matrixHint")}
      </Text>
    </Paper>
  );
}

export function InventoryTab({ figures, period }: { figures: Schemas["InventoryFigures"]; period: Period }) {
  const { t } = useTranslation();
  const dead = useQuery({
    queryKey: ["analytics", "dead-stock"],
    queryFn: () => unwrap(api.GET("/api/analytics/inventory/dead-stock", { params: { query: { days: 90 } } })),
  });
  return (
    <Stack>
      <SimpleGrid cols={{ base: 1, lg: 2 }}>
        <Matrix cells={figures.matrix} />
        <FigureTable
          title={t("analytics.categories")}
          rows={figures.categories}
          rowKey={(r) => r.category}
          csv="/api/analytics/inventory/categories.csv"
          period={period}
          columns={[
            { title: t("analytics.category"), cell: (r) => r.category },
            { title: t("analytics.items"), cell: (r) => r.items, numeric: true },
            { title: t("analytics.consumptionValue"), cell: (r) => amount(r.consumption_value), numeric: true },
            { title: t("analytics.averageValue"), cell: (r) => amount(r.average_value), numeric: true },
            { title: t("analytics.turnover"), cell: (r) => num(r.turnover), numeric: true },
          ]}
        />
      </SimpleGrid>
      <FigureTable
        title={t("analytics.itemsTitle")}
        rows={figures.items}
        rowKey={(r) => r.item_id}
        csv="/api/analytics/inventory/items.csv"
        period={period}
        limit={50}
        columns={[
          { title: t("stock.sku"), cell: (r) => r.sku },
          { title: t("analytics.class"), cell: (r) => <Badge variant="filled" color={CELL_COLOUR[r.abc]}>{`${r.abc}${r.xyz}`}</Badge> },
          { title: t("analytics.consumed"), cell: (r) => num(r.consumed, 0), numeric: true },
          { title: t("analytics.consumptionValue"), cell: (r) => amount(r.consumption_value), numeric: true },
          { title: t("analytics.averageHeld"), cell: (r) => num(r.average_on_hand, 1), numeric: true },
          { title: t("analytics.turnover"), cell: (r) => num(r.turnover), numeric: true },
          { title: t("analytics.daysOfSupply"), cell: (r) => num(r.days_of_supply, 0), numeric: true },
          { title: t("analytics.variation"), cell: (r) => num(r.variation), numeric: true },
        ]}
      />
      <Problem error={dead.error} />
      <FigureTable
        title={t("analytics.deadStock")}
        rows={dead.data ?? []}
        rowKey={(r) => r.item_id}
        csv="/api/analytics/inventory/dead-stock.csv"
        empty={t("analytics.noDeadStock")}
        columns={[
          { title: t("stock.sku"), cell: (r) => r.sku },
          { title: t("analytics.name"), cell: (r) => r.name },
          { title: t("stock.onHand"), cell: (r) => r.on_hand, numeric: true },
          { title: t("analytics.value"), cell: (r) => amount(r.value), numeric: true },
          { title: t("analytics.lastMoved"), cell: (r) => (r.last_movement_at ? r.last_movement_at.slice(0, 10) : "—") },
        ]}
      />
    </Stack>
  );
}
