import { Badge, Group, Loader, Stack, Table, Tabs, Text, TextInput, Title } from "@mantine/core";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useSearchParams } from "react-router";
import { api, unwrap, unwrapPage } from "../api/client";
import { Pager } from "../components/Pager";
import { useAuth } from "../auth/AuthProvider";
import { Problem } from "../components/Problem";
import { TableHead } from "../components/TableHead";
import { CsvFiles } from "./CsvFiles";
import { StockMoves, useWarehouses } from "./StockMoves";
import { Stocktake } from "./Stocktake";

const PAGE = 50;

function Levels() {
  const { t } = useTranslation();
  const [text, setText] = useState("");
  const [page, setPage] = useState(1);
  const search = text.trim() || undefined;
  const stock = useQuery({
    queryKey: ["stock", search, page],
    queryFn: () =>
      unwrapPage(
        api.GET("/api/inventory/stock", { params: { query: { search, limit: PAGE, offset: (page - 1) * PAGE } } }),
      ),
    placeholderData: keepPreviousData,
  });
  const rows = stock.data?.rows ?? [];
  const warehouses = useWarehouses();
  const code = new Map((warehouses.data ?? []).map((w) => [w.id, w.code]));
  return (
    <Stack>
      <TextInput
        aria-label={t("stock.search")}
        placeholder={t("stock.search")}
        value={text}
        onChange={(e) => {
          setText(e.currentTarget.value);
          setPage(1);
        }}
        maw={360}
      />
      <Problem error={stock.error} />
      {stock.isPending && <Loader />}
      <Table striped withTableBorder>
        <TableHead
          columns={[
            t("stock.sku"),
            t("moves.warehouse"),
            t("stock.onHand"),
            t("stock.reserved"),
            t("stock.quarantined"),
            t("stock.available"),
            t("stock.bins"),
          ]}
        />
        <Table.Tbody>
          {rows.map((row) => (
            <Table.Tr key={`${row.item_id}-${row.warehouse_id}`}>
              <Table.Td>{row.sku}</Table.Td>
              <Table.Td>{code.get(row.warehouse_id) ?? "…"}</Table.Td>
              <Table.Td>{row.on_hand}</Table.Td>
              <Table.Td>{row.reserved}</Table.Td>
              <Table.Td>{row.quarantined}</Table.Td>
              <Table.Td fw={700}>{row.available}</Table.Td>
              <Table.Td>
                <Group gap={4}>
                  {row.bins.map((bin) => (
                    <Badge key={bin.bin_id} variant="light" size="sm">
                      {bin.bin_code}: {bin.on_hand}
                    </Badge>
                  ))}
                </Group>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Pager page={page} size={PAGE} total={stock.data?.total ?? 0} onChange={setPage} />
    </Stack>
  );
}

function LowStock() {
  const { t } = useTranslation();
  const low = useQuery({
    queryKey: ["low-stock"],
    queryFn: () => unwrap(api.GET("/api/inventory/analytics/low-stock")),
  });
  if (low.error) return <Problem error={low.error} />;
  if (low.isPending) return <Loader />;
  if (low.data.length === 0) return <Text c="dimmed">{t("stock.noneLow")}</Text>;
  return (
    <Table striped withTableBorder>
      <TableHead
        columns={[
          t("stock.sku"),
          t("stock.available"),
          t("stock.onOrder"),
          t("stock.threshold"),
          t("stock.shortfall"),
        ]}
      />
      <Table.Tbody>
        {low.data.map((row) => (
          <Table.Tr key={row.item_id}>
            <Table.Td>
              {row.sku} <Text span size="xs" c="dimmed">{row.name}</Text>
            </Table.Td>
            <Table.Td>{row.available}</Table.Td>
            <Table.Td>{row.on_order}</Table.Td>
            <Table.Td>{row.threshold}</Table.Td>
            <Table.Td c={row.shortfall > 0 ? "red.9" : undefined}>
              {row.shortfall > 0 ? row.shortfall : t("stock.coveredByOrders")}
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

export function Stock() {
  const { t } = useTranslation();
  const { can } = useAuth();
  // The tab is in the address: a reload or a bookmark comes back to it.
  const [params, setParams] = useSearchParams();
  return (
    <Stack>
      <Title order={1} size="h2">
        {t("stock.title")}
      </Title>
      <Tabs
        value={params.get("tab") ?? "levels"}
        onChange={(tab) => setParams(tab && tab !== "levels" ? { tab } : {}, { replace: true })}
        keepMounted={false}
      >
        <Tabs.List>
          <Tabs.Tab value="levels">{t("stock.levels")}</Tabs.Tab>
          {can("stock:move") && <Tabs.Tab value="moves">{t("stock.moves")}</Tabs.Tab>}
          {can("stock:move") && <Tabs.Tab value="stocktake">{t("stock.stocktake")}</Tabs.Tab>}
          <Tabs.Tab value="low">{t("stock.low")}</Tabs.Tab>
          {can("stock:move") && <Tabs.Tab value="files">{t("stock.files")}</Tabs.Tab>}
        </Tabs.List>
        <Tabs.Panel value="levels" pt="md">
          <Levels />
        </Tabs.Panel>
        <Tabs.Panel value="moves" pt="md">
          <StockMoves />
        </Tabs.Panel>
        <Tabs.Panel value="stocktake" pt="md">
          <Stocktake />
        </Tabs.Panel>
        <Tabs.Panel value="files" pt="md">
          <CsvFiles />
        </Tabs.Panel>
        <Tabs.Panel value="low" pt="md">
          <LowStock />
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}
