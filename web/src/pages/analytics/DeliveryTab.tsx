import { BarChart } from "@mantine/charts";
import { Anchor, Group, Stack } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import type { Schemas } from "../../api/client";
import { ChartPanel, FigureTable, Kpi, type Column } from "./FigureTable";
import { num, percent, type Period } from "./period";

type Row = Schemas["DeliveryRow"];

export function DeliveryTab({ figures, period }: { figures: Schemas["DeliveryFigures"]; period: Period }) {
  const { t } = useTranslation();
  const rowColumns = (group: Column<Row>): Column<Row>[] => [
    group,
    { title: t("analytics.shipped"), cell: (r) => r.shipped, numeric: true },
    { title: t("analytics.onTimeCount"), cell: (r) => r.on_time, numeric: true },
    { title: t("analytics.onTimeRate"), cell: (r) => percent(r.on_time_rate), numeric: true },
    { title: t("analytics.daysLate"), cell: (r) => num(r.average_days_late, 1), numeric: true },
  ];
  return (
    <Stack>
      <Group>
        <Kpi label={t("analytics.onTimeRate")} value={percent(figures.total.on_time_rate)} />
        <Kpi label={t("analytics.shipped")} value={figures.total.shipped} />
        <Kpi label={t("analytics.daysLate")} value={num(figures.total.average_days_late, 1)} />
        <Kpi label={t("analytics.atRisk")} value={figures.at_risk.length} />
      </Group>
      <ChartPanel title={t("analytics.byWeek")} empty={figures.by_week.length === 0}>
        <BarChart
          h={240}
          data={figures.by_week.map((w) => ({ week: w.group, onTime: w.on_time, late: w.shipped - w.on_time }))}
          dataKey="week"
          type="stacked"
          withLegend
          yAxisProps={{ allowDecimals: false }}
          series={[
            { name: "onTime", label: t("analytics.onTime"), color: "teal.6" },
            { name: "late", label: t("analytics.late"), color: "red.6" },
          ]}
        />
      </ChartPanel>
      <FigureTable
        title={t("analytics.byWeekTable")}
        rows={figures.by_week}
        rowKey={(r) => r.group}
        csv="/api/analytics/delivery/by-week.csv"
        period={period}
        columns={rowColumns({ title: t("analytics.week"), cell: (r) => r.group })}
      />
      <FigureTable
        title={t("analytics.byPriority")}
        rows={figures.by_priority}
        rowKey={(r) => r.group}
        csv="/api/analytics/delivery/by-priority.csv"
        period={period}
        columns={rowColumns({ title: t("order.priority"), cell: (r) => t(`priority.${r.group}`) })}
      />
      <FigureTable
        title={t("analytics.atRisk")}
        rows={figures.at_risk}
        rowKey={(r) => r.order_id}
        csv="/api/analytics/delivery/at-risk.csv"
        period={period}
        columns={[
          {
            title: t("analytics.order"),
            cell: (r) => (
              <Anchor component={Link} to={`/orders/${r.number}`}>
                {r.number}
              </Anchor>
            ),
          },
          { title: t("analytics.customer"), cell: (r) => r.customer },
          { title: t("order.priority"), cell: (r) => t(`priority.${r.priority}`) },
          { title: t("analytics.stage"), cell: (r) => (r.stage ? t(`stage.${r.stage}`) : "—") },
          { title: t("analytics.due"), cell: (r) => r.due_date },
        ]}
      />
      <FigureTable
        title={t("analytics.suppliers")}
        rows={figures.suppliers}
        rowKey={(r) => r.supplier_id}
        csv="/api/analytics/delivery/suppliers.csv"
        period={period}
        columns={[
          { title: t("analytics.name"), cell: (r) => r.name },
          { title: t("analytics.lines"), cell: (r) => r.lines, numeric: true },
          { title: t("analytics.onTimeRate"), cell: (r) => percent(r.on_time_rate), numeric: true },
          { title: t("analytics.leadTime"), cell: (r) => num(r.average_lead_time_days, 1), numeric: true },
          { title: t("analytics.pastPromise"), cell: (r) => num(r.average_days_past_promise, 1), numeric: true },
        ]}
      />
    </Stack>
  );
}
