import { BarChart } from "@mantine/charts";
import { Group, SimpleGrid, Stack } from "@mantine/core";
import { useTranslation } from "react-i18next";
import type { Schemas } from "../../api/client";
import { ChartPanel, FigureTable, Kpi, type Column } from "./FigureTable";
import { everyDay, hours, percent, type Period } from "./period";

type Oee = Schemas["OeeRow"];

export function ProductionTab({ figures, period }: { figures: Schemas["ProductionFigures"]; period: Period }) {
  const { t } = useTranslation();
  const stage = (s: string) => t(`stage.${s}`);
  const oeeColumns: Column<Oee>[] = [
    { title: t("analytics.name"), cell: (r) => r.name },
    { title: t("analytics.availability"), cell: (r) => percent(r.availability), numeric: true },
    { title: t("analytics.performance"), cell: (r) => percent(r.performance), numeric: true },
    { title: t("analytics.quality"), cell: (r) => percent(r.quality), numeric: true },
    { title: t("analytics.oee"), cell: (r) => <b>{percent(r.oee)}</b>, numeric: true },
    { title: t("analytics.planned"), cell: (r) => hours(r.planned_seconds), numeric: true },
    { title: t("analytics.run"), cell: (r) => hours(r.run_seconds), numeric: true },
    { title: t("analytics.units"), cell: (r) => r.units, numeric: true },
  ];
  const overall = figures.overall;
  return (
    <Stack>
      <Group>
        <Kpi label={t("analytics.oee")} value={percent(overall.oee)} hint={t("analytics.oeeHint")} />
        <Kpi label={t("analytics.availability")} value={percent(overall.availability)} />
        <Kpi label={t("analytics.performance")} value={percent(overall.performance)} />
        <Kpi label={t("analytics.quality")} value={percent(overall.quality)} />
        <Kpi
          label={t("analytics.bottleneck")}
          value={figures.bottleneck ? stage(figures.bottleneck) : "—"}
          hint={t("analytics.bottleneckHint")}
        />
      </Group>
      <SimpleGrid cols={{ base: 1, lg: 2 }}>
        <ChartPanel title={t("analytics.wip")} empty={figures.wip.length === 0} emptyText={t("analytics.noneNow")}>
          <BarChart
            h={240}
            data={figures.wip.map((w) => ({ stage: stage(w.stage), orders: w.orders }))}
            dataKey="stage"
            yAxisProps={{ allowDecimals: false }}
            series={[{ name: "orders", label: t("analytics.orders"), color: "blue.6" }]}
          />
        </ChartPanel>
        <ChartPanel title={t("analytics.throughput")} empty={figures.throughput.length === 0}>
          <BarChart
            h={240}
            data={everyDay(figures.throughput, period.query.since.slice(0, 10), period.query.until.slice(0, 10))}
            dataKey="day"
            withLegend
            series={[
              { name: "orders", label: t("analytics.orders"), color: "teal.6" },
              { name: "units", label: t("analytics.units"), color: "gray.5" },
            ]}
          />
        </ChartPanel>
      </SimpleGrid>
      <FigureTable
        title={t("analytics.stageTimes")}
        rows={figures.stages}
        rowKey={(r) => r.stage}
        csv="/api/analytics/production/stages.csv"
        period={period}
        columns={[
          { title: t("analytics.stage"), cell: (r) => stage(r.stage) },
          { title: t("analytics.passes"), cell: (r) => r.passes, numeric: true },
          { title: t("analytics.queueP50"), cell: (r) => hours(r.queue_p50_seconds), numeric: true },
          { title: t("analytics.queueP90"), cell: (r) => hours(r.queue_p90_seconds), numeric: true },
          { title: t("analytics.workP50"), cell: (r) => hours(r.work_p50_seconds), numeric: true },
          { title: t("analytics.workP90"), cell: (r) => hours(r.work_p90_seconds), numeric: true },
          { title: t("analytics.leadP50"), cell: (r) => hours(r.lead_p50_seconds), numeric: true },
          { title: t("analytics.leadP90"), cell: (r) => hours(r.lead_p90_seconds), numeric: true },
        ]}
      />
      <FigureTable
        title={t("analytics.equipment")}
        rows={figures.equipment}
        rowKey={(r) => r.name}
        csv="/api/analytics/production/equipment.csv"
        period={period}
        columns={[{ title: t("analytics.station"), cell: (r: Oee) => r.station ?? "—" }, ...oeeColumns]}
      />
      <FigureTable
        title={t("analytics.stations")}
        rows={figures.stations}
        rowKey={(r) => r.name}
        csv="/api/analytics/production/stations.csv"
        period={period}
        columns={oeeColumns}
      />
      <FigureTable
        title={t("analytics.workers")}
        rows={figures.workers}
        rowKey={(r) => r.worker_id}
        csv="/api/analytics/production/workers.csv"
        period={period}
        columns={[
          { title: t("analytics.person"), cell: (r) => r.name },
          { title: t("analytics.passes"), cell: (r) => r.passes, numeric: true },
          { title: t("analytics.busy"), cell: (r) => hours(r.busy_seconds), numeric: true },
          { title: t("analytics.planned"), cell: (r) => hours(r.planned_seconds), numeric: true },
          { title: t("analytics.utilisation"), cell: (r) => percent(r.utilisation), numeric: true },
        ]}
      />
    </Stack>
  );
}
