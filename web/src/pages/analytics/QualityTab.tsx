import { BarChart } from "@mantine/charts";
import { Group, SimpleGrid, Stack } from "@mantine/core";
import { useTranslation } from "react-i18next";
import type { Schemas } from "../../api/client";
import { ChartPanel, FigureTable, Kpi } from "./FigureTable";
import { hours, percent, type Period } from "./period";

export function QualityTab({ figures, period }: { figures: Schemas["QualityFigures"]; period: Period }) {
  const { t } = useTranslation();
  const stage = (s: string) => t(`stage.${s}`);
  const whole = figures.first_pass.filter((r) => r.product_sku === "all");
  return (
    <Stack>
      <Group>
        {whole.map((r) => (
          <Kpi key={r.stage} label={`${t("analytics.firstPass")}: ${stage(r.stage)}`} value={percent(r.first_pass_yield)} />
        ))}
        {figures.defects.map((d) => (
          <Kpi key={d.stage} label={`${t("analytics.defectRate")}: ${stage(d.stage)}`} value={percent(d.defect_rate)} />
        ))}
        <Kpi
          label={t("analytics.timeInQc")}
          value={hours(figures.time_in_qc.p50_seconds)}
          hint={`p90 ${hours(figures.time_in_qc.p90_seconds)}`}
        />
      </Group>
      <SimpleGrid cols={{ base: 1, lg: 2 }}>
        <ChartPanel title={t("analytics.failingChecks")} empty={figures.failing_checks.length === 0}>
          <BarChart
            h={260}
            orientation="vertical"
            data={figures.failing_checks.slice(0, 10).map((c) => ({ check: c.check, failures: c.failures }))}
            dataKey="check"
            series={[{ name: "failures", label: t("analytics.failures"), color: "red.6" }]}
            yAxisProps={{ width: 160 }}
            xAxisProps={{ allowDecimals: false }}
          />
        </ChartPanel>
        <ChartPanel title={t("analytics.reworks")} empty={figures.reworks.length === 0}>
          <BarChart
            h={260}
            data={figures.reworks.map((r) => ({ reworks: String(r.reworks), orders: r.orders }))}
            dataKey="reworks"
            yAxisProps={{ allowDecimals: false }}
            series={[{ name: "orders", label: t("analytics.orders"), color: "orange.6" }]}
          />
        </ChartPanel>
      </SimpleGrid>
      <FigureTable
        title={t("analytics.firstPass")}
        rows={figures.first_pass}
        rowKey={(r) => `${r.stage}-${r.product_sku}`}
        csv="/api/analytics/quality/first-pass.csv"
        period={period}
        columns={[
          { title: t("analytics.stage"), cell: (r) => stage(r.stage) },
          { title: t("analytics.product"), cell: (r) => (r.product_sku === "all" ? t("analytics.all") : r.product_sku) },
          { title: t("analytics.units"), cell: (r) => r.units, numeric: true },
          { title: t("analytics.firstTime"), cell: (r) => r.passed_first_time, numeric: true },
          { title: t("analytics.firstPass"), cell: (r) => percent(r.first_pass_yield), numeric: true },
        ]}
      />
      <FigureTable
        title={t("analytics.failingChecks")}
        rows={figures.failing_checks}
        rowKey={(r) => r.check}
        csv="/api/analytics/quality/failing-checks.csv"
        period={period}
        columns={[
          { title: t("analytics.check"), cell: (r) => r.check },
          { title: t("analytics.failures"), cell: (r) => r.failures, numeric: true },
          { title: t("analytics.share"), cell: (r) => percent(r.share), numeric: true },
          { title: t("analytics.cumulative"), cell: (r) => percent(r.cumulative), numeric: true },
        ]}
      />
      <FigureTable
        title={t("analytics.inspectors")}
        rows={figures.inspectors}
        rowKey={(r) => r.inspector}
        csv="/api/analytics/quality/inspectors.csv"
        period={period}
        columns={[
          { title: t("analytics.person"), cell: (r) => r.inspector },
          { title: t("analytics.inspections"), cell: (r) => r.inspections, numeric: true },
          { title: t("analytics.passed"), cell: (r) => r.passed, numeric: true },
          { title: t("analytics.failed"), cell: (r) => r.failed, numeric: true },
        ]}
      />
    </Stack>
  );
}
