import { Group, Loader, SegmentedControl, Stack, Tabs, Text, Title } from "@mantine/core";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useMemo } from "react";
import { useTranslation } from "react-i18next";
import { useSearchParams } from "react-router";
import { api, unwrap } from "../api/client";
import { Problem } from "../components/Problem";
import { DeliveryTab } from "./analytics/DeliveryTab";
import { InventoryTab } from "./analytics/InventoryTab";
import { day, lastDays, PERIODS, type Period } from "./analytics/period";
import { ProductionTab } from "./analytics/ProductionTab";
import { QualityTab } from "./analytics/QualityTab";

const GROUPS = ["production", "delivery", "quality", "inventory"] as const;
type Group = (typeof GROUPS)[number];

function useFigures(group: Group, period: Period) {
  const query = { params: { query: period.query } };
  return useQuery({
    queryKey: ["analytics", group, period.query],
    queryFn: async () => {
      switch (group) {
        case "production":
          return { group, figures: await unwrap(api.GET("/api/analytics/production", query)) } as const;
        case "delivery":
          return { group, figures: await unwrap(api.GET("/api/analytics/delivery", query)) } as const;
        case "quality":
          return { group, figures: await unwrap(api.GET("/api/analytics/quality", query)) } as const;
        case "inventory":
          return { group, figures: await unwrap(api.GET("/api/analytics/inventory", query)) } as const;
      }
    },
    placeholderData: keepPreviousData,
  });
}

/** The figures the workshop decides by, over the last 7, 30, 90 or 365 days. */
export function Analytics() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const group: Group = GROUPS.find((g) => g === params.get("group")) ?? "production";
  const days = Number(params.get("days")) || 30;
  const period = useMemo(() => lastDays(days), [days]);
  const figures = useFigures(group, period);
  const shown = figures.data?.group === group ? figures.data : undefined;
  const choose = (key: string, value: string) =>
    setParams((now) => {
      now.set(key, value);
      return now;
    });
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={1} size="h2">
          {t("analytics.title")}
        </Title>
        <SegmentedControl
          aria-label={t("analytics.period")}
          value={String(days)}
          onChange={(value) => choose("days", value)}
          data={PERIODS.map((n) => ({ value: String(n), label: t("analytics.days", { count: n }) }))}
        />
      </Group>
      <Text c="dimmed" size="sm">
        {t("analytics.over", { since: day(period.query.since), until: day(period.query.until) })}
      </Text>
      <Tabs value={group} onChange={(value) => value && choose("group", value)}>
        <Tabs.List>
          {GROUPS.map((g) => (
            <Tabs.Tab key={g} value={g}>
              {t(`analytics.${g}`)}
            </Tabs.Tab>
          ))}
        </Tabs.List>
      </Tabs>
      <Problem error={figures.error} />
      {!shown && figures.isFetching && <Loader />}
      {shown?.group === "production" && <ProductionTab figures={shown.figures} period={period} />}
      {shown?.group === "delivery" && <DeliveryTab figures={shown.figures} period={period} />}
      {shown?.group === "quality" && <QualityTab figures={shown.figures} period={period} />}
      {shown?.group === "inventory" && <InventoryTab figures={shown.figures} period={period} />}
    </Stack>
  );
}
