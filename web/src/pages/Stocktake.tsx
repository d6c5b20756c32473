import { Badge, Button, Group, NumberInput, Select, Stack, Table, Text, TextInput } from "@mantine/core";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { api, unwrap } from "../api/client";
import { ConfirmButton } from "../components/ConfirmButton";
import { Problem } from "../components/Problem";
import { TableHead } from "../components/TableHead";
import { done } from "../notify";
import { useWarehouses } from "./StockMoves";

/** Open a count, scan or pick a bin, enter what is there, review the differences, post. */
export function Stocktake() {
  const { t } = useTranslation();
  const queries = useQueryClient();
  const warehouses = useWarehouses();
  const [warehouse, setWarehouse] = useState<string | null>(null);
  const [chosen, setChosen] = useState<string | null>(null);
  const [binFilter, setBinFilter] = useState("");
  const [counts, setCounts] = useState<Record<string, number>>({});
  const open = useQuery({
    queryKey: ["stocktakes", "open"],
    queryFn: () => unwrap(api.GET("/api/inventory/stocktakes", { params: { query: { status: "open" } } })),
  });
  const current = open.data?.find((s) => s.id === chosen) ?? open.data?.[0];
  const refresh = () => void queries.invalidateQueries({ queryKey: ["stocktakes"] });
  const start = useMutation({
    mutationFn: () => unwrap(api.POST("/api/inventory/stocktakes", { body: { warehouse_id: warehouse!, note: "" } })),
    onSuccess: (made) => {
      setChosen(made.id);
      refresh();
    },
  });
  const path = { params: { path: { stocktake_id: current?.id ?? "" } } };
  const save = useMutation({
    mutationFn: () =>
      unwrap(
        api.PUT("/api/inventory/stocktakes/{stocktake_id}/counts", {
          ...path,
          body: {
            lines: Object.entries(counts).map(([line, counted]) => {
              const [item_id, bin_id] = line.split("|") as [string, string];
              return { item_id, bin_id, counted };
            }),
          },
        }),
      ),
    onSuccess: () => {
      setCounts({});
      refresh();
    },
  });
  const post = useMutation({
    mutationFn: () => unwrap(api.POST("/api/inventory/stocktakes/{stocktake_id}/post", path)),
    onSuccess: (posted) => {
      done(t("stocktake.posted", { number: posted.number }));
      setChosen(null);
      refresh();
      void queries.invalidateQueries({ queryKey: ["stock"] });
    },
  });
  const needle = binFilter.trim().toUpperCase();
  const lines = (current?.lines ?? []).filter((line) => !needle || line.bin_code.toUpperCase().includes(needle));
  return (
    <Stack>
      <Group align="end">
        <Select
          label={t("moves.warehouse")}
          value={warehouse}
          onChange={setWarehouse}
          data={(warehouses.data ?? []).map((w) => ({ value: w.id, label: `${w.code} — ${w.name}` }))}
        />
        <Button variant="light" disabled={!warehouse} loading={start.isPending} onClick={() => start.mutate()}>
          {t("stocktake.open")}
        </Button>
        {(open.data?.length ?? 0) > 1 && (
          <Select
            label={t("stocktake.which")}
            value={current?.id ?? null}
            onChange={setChosen}
            data={(open.data ?? []).map((s) => ({ value: s.id, label: s.number }))}
          />
        )}
      </Group>
      <Problem error={start.error ?? open.error} />
      {!current && <Text c="dimmed">{t("stocktake.none")}</Text>}
      {current && (
        <>
          <Group>
            <Text fw={700}>{current.number}</Text>
            <TextInput
              aria-label={t("stocktake.scanBin")}
              placeholder={t("stocktake.scanBin")}
              value={binFilter}
              onChange={(e) => setBinFilter(e.currentTarget.value)}
            />
          </Group>
          <Table striped withTableBorder>
            <TableHead
              columns={[
                t("stock.bins"),
                t("stock.sku"),
                t("stocktake.expected"),
                t("stocktake.counted"),
                t("stocktake.difference"),
              ]}
            />
            <Table.Tbody>
              {lines.map((line) => {
                const key = `${line.item_id}|${line.bin_id}`;
                return (
                  <Table.Tr key={key}>
                    <Table.Td>{line.bin_code}</Table.Td>
                    <Table.Td>{line.sku}</Table.Td>
                    <Table.Td>{line.expected}</Table.Td>
                    <Table.Td>
                      <NumberInput
                        aria-label={t("stocktake.countOf", { sku: line.sku, bin: line.bin_code })}
                        min={0}
                        w={110}
                        value={counts[key] ?? line.counted ?? ""}
                        onChange={(v) => setCounts((c) => ({ ...c, [key]: Number(v) || 0 }))}
                      />
                    </Table.Td>
                    <Table.Td>
                      {line.difference ? (
                        <Badge color={line.difference < 0 ? "red" : "blue"}>{line.difference > 0 ? `+${line.difference}` : line.difference}</Badge>
                      ) : (
                        "—"
                      )}
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
          <Group>
            <Button disabled={!Object.keys(counts).length} loading={save.isPending} onClick={() => save.mutate()}>
              {t("stocktake.save")}
            </Button>
            <ConfirmButton
              color="orange"
              label={t("stocktake.post")}
              question={t("stocktake.postQuestion")}
              loading={post.isPending}
              onConfirm={() => post.mutate()}
            />
          </Group>
          <Problem error={save.error ?? post.error} />
        </>
      )}
    </Stack>
  );
}
