import { Accordion, Badge, Group, Loader, Stack, Table, Text, Title } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api, unwrap, type Schemas } from "../api/client";
import { useItems } from "../api/lists";
import { Problem } from "../components/Problem";
import { TableHead } from "../components/TableHead";

/** What would be bought now, per supplier, and what is held back and why. */
export function Suggestions() {
  const { t } = useTranslation();
  const suggestions = useQuery({
    queryKey: ["purchase-orders", "suggestions"],
    queryFn: () => unwrap(api.GET("/api/purchasing/suggestions")),
  });
  if (suggestions.error) return <Problem error={suggestions.error} />;
  if (suggestions.isPending) return <Loader />;
  const { suppliers, held } = suggestions.data;
  return (
    <Stack>
      {suppliers.length === 0 && <Text c="dimmed">{t("suppliers.nothingToBuy")}</Text>}
      {suppliers.map((supplier) => (
        <Stack key={supplier.supplier_id} gap={4}>
          <Title order={3} size="h5">
            {supplier.supplier_name} — {supplier.total}
          </Title>
          <Table withTableBorder>
            <Table.Tbody>
              {supplier.lines.map((line) => (
                <Table.Tr key={line.item_id}>
                  <Table.Td>{line.sku}</Table.Td>
                  <Table.Td>{line.quantity}</Table.Td>
                  <Table.Td>{line.unit_price}</Table.Td>
                  <Table.Td>{line.expected_date ?? "—"}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Stack>
      ))}
      {held.length > 0 && (
        <Stack gap={4}>
          <Title order={3} size="h5">
            {t("suppliers.held")}
          </Title>
          {held.map((line) => (
            <Text key={line.item_id} size="sm">
              {line.quantity} × {line.sku}: {line.reason}
            </Text>
          ))}
        </Stack>
      )}
    </Stack>
  );
}

function SupplierDetail({ supplier, skus }: { supplier: Schemas["SupplierOut"]; skus: Map<string, string> }) {
  const { t } = useTranslation();
  const path = { params: { path: { supplier_id: supplier.id } } };
  const offers = useQuery({
    queryKey: ["offers", supplier.id],
    queryFn: () => unwrap(api.GET("/api/purchasing/suppliers/{supplier_id}/items", path)),
  });
  const performance = useQuery({
    queryKey: ["performance", supplier.id],
    queryFn: () => unwrap(api.GET("/api/purchasing/suppliers/{supplier_id}/performance", path)),
  });
  return (
    <Stack gap="xs">
      <Text size="sm">
        {supplier.email ?? ""} {supplier.phone ?? ""} · {supplier.payment_terms ?? ""} · {supplier.currency}
      </Text>
      {performance.data && (
        <Text size="sm" data-testid="performance">
          {t("suppliers.onTime", {
            rate: performance.data.on_time_rate === null ? "—" : `${Math.round(Number(performance.data.on_time_rate) * 100)} %`,
          })}{" "}
          · {t("suppliers.leadTime", { days: performance.data.average_lead_time_days ?? "—" })}
        </Text>
      )}
      <Problem error={offers.error ?? performance.error} />
      <Table withTableBorder>
        <TableHead
          columns={[
            t("stock.sku"),
            t("purchasing.price"),
            t("suppliers.moq"),
            t("suppliers.pack"),
            t("suppliers.lead"),
          ]}
        />
        <Table.Tbody>
          {offers.data?.map((offer) => (
            <Table.Tr key={offer.id}>
              <Table.Td>
                {skus.get(offer.item_id) ?? "…"} {offer.preferred && <Badge size="xs">{t("suppliers.preferred")}</Badge>}
              </Table.Td>
              <Table.Td>{offer.unit_price}</Table.Td>
              <Table.Td>{offer.min_order_qty}</Table.Td>
              <Table.Td>{offer.pack_size}</Table.Td>
              <Table.Td>{offer.lead_time_days}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Stack>
  );
}

export function Suppliers() {
  const { t } = useTranslation();
  const suppliers = useQuery({ queryKey: ["suppliers"], queryFn: () => unwrap(api.GET("/api/purchasing/suppliers")) });
  const items = useItems();
  const skus = new Map((items.data?.items ?? []).map((item) => [item.id, item.sku]));
  if (suppliers.error) return <Problem error={suppliers.error} />;
  if (suppliers.isPending) return <Loader />;
  return (
    <Accordion variant="separated">
      {suppliers.data.map((supplier) => (
        <Accordion.Item key={supplier.id} value={supplier.id}>
          <Accordion.Control>
            <Group>
              <Text fw={600}>{supplier.name}</Text>
              <Badge color={supplier.status === "active" ? "green" : "red"} variant="light">
                {t(`suppliers.status.${supplier.status}`)}
              </Badge>
              {supplier.rating !== null && <Text size="sm">★ {supplier.rating}</Text>}
            </Group>
          </Accordion.Control>
          <Accordion.Panel>
            <SupplierDetail supplier={supplier} skus={skus} />
          </Accordion.Panel>
        </Accordion.Item>
      ))}
    </Accordion>
  );
}
