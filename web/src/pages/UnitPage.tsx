import { Anchor, Badge, Group, Loader, Stack, Table, Text, Title } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { Link, useParams } from "react-router";
import { api, unwrap } from "../api/client";
import { Problem } from "../components/Problem";
import { StageTimeline } from "../components/StageTimeline";
import { when } from "../format";
import { InspectionList } from "./Inspections";

/** A unit's whole story: its order, the components consumed, each stage, its inspections. */
export function UnitPage() {
  const { t } = useTranslation();
  const { serial = "" } = useParams();
  const unit = useQuery({
    queryKey: ["order", "unit", serial],
    queryFn: () => unwrap(api.GET("/api/production/units/{serial}", { params: { path: { serial } } })),
  });
  if (unit.isPending) return <Loader />;
  if (unit.error) return <Problem error={unit.error} />;
  const u = unit.data;
  return (
    <Stack>
      <Group>
        <Title order={1} size="h2">
          {u.serial}
        </Title>
        <Badge variant="outline">{t(`status.${u.order_status}`, { defaultValue: u.order_status })}</Badge>
      </Group>
      <Text>
        <Anchor component={Link} to={`/orders/${u.order_number}`}>
          {u.order_number}
        </Anchor>{" "}
        · {u.product_sku} · {u.customer} · {t("unit.shipped")}: {when(u.shipped_at)}
      </Text>
      <Title order={2} size="h4">
        {t("order.timeline")}
      </Title>
      <StageTimeline stages={u.stages} />
      <Title order={2} size="h4">
        {t("unit.components")}
      </Title>
      <Table withTableBorder>
        <Table.Tbody>
          {u.components.map((c) => (
            <Table.Tr key={`${c.sku}-${c.at}`}>
              <Table.Td>{c.sku}</Table.Td>
              <Table.Td>{c.name}</Table.Td>
              <Table.Td>{c.per_unit}</Table.Td>
              <Table.Td>{c.bin ?? ""}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <InspectionList done={u.inspections} />
    </Stack>
  );
}
