import { Button, Group, NumberInput, SegmentedControl, Select, Stack, Text, TextInput } from "@mantine/core";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { api, newKey, unwrap, type Schemas } from "../api/client";
import { useItems } from "../api/lists";
import { Problem } from "../components/Problem";

type Kind = Schemas["MovementType"];

export function useWarehouses() {
  return useQuery({
    queryKey: ["warehouses"],
    queryFn: () => unwrap(api.GET("/api/inventory/warehouses")),
    staleTime: 300_000,
  });
}

export function useBins(warehouseId: string | null) {
  return useQuery({
    queryKey: ["bins", warehouseId],
    queryFn: () =>
      unwrap(api.GET("/api/inventory/warehouses/{warehouse_id}/bins", { params: { path: { warehouse_id: warehouseId! } } })),
    enabled: !!warehouseId,
  });
}

/** Receive, issue or transfer: an item found by SKU or by scanning its barcode. */
export function StockMoves() {
  const { t } = useTranslation();
  const queries = useQueryClient();
  const [kind, setKind] = useState<Kind>("RECEIPT");
  const [item, setItem] = useState<string | null>(null);
  const [barcode, setBarcode] = useState("");
  const [warehouse, setWarehouse] = useState<string | null>(null);
  const [bin, setBin] = useState<string | null>(null);
  const [toWarehouse, setToWarehouse] = useState<string | null>(null);
  const [toBin, setToBin] = useState<string | null>(null);
  const [quantity, setQuantity] = useState<number>(1);
  const [reason, setReason] = useState("");
  const [key, setKey] = useState(newKey);
  const [scanError, setScanError] = useState<unknown>(null);
  const items = useItems();
  const warehouses = useWarehouses();
  const bins = useBins(warehouse);
  const toBins = useBins(toWarehouse);
  const move = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST("/api/inventory/move", {
          params: { header: { "Idempotency-Key": key } },
          body: {
            movement_type: kind,
            item_id: item!,
            warehouse_id: warehouse!,
            quantity,
            reason,
            bin_id: bin,
            to_warehouse_id: kind === "TRANSFER" ? toWarehouse : null,
            to_bin_id: kind === "TRANSFER" ? toBin : null,
          },
        }),
      ),
    onSuccess: () => {
      setKey(newKey());
      setReason("");
      void queries.invalidateQueries({ queryKey: ["stock"] });
    },
  });

  async function scan() {
    setScanError(null);
    try {
      const found = await unwrap(
        api.GET("/api/inventory/items/by-barcode/{code}", { params: { path: { code: barcode.trim() } } }),
      );
      setItem(found.id);
      setBarcode("");
    } catch (error) {
      setScanError(error);
    }
  }

  const binOptions = (list: Schemas["BinOut"][] | undefined) => (list ?? []).map((b) => ({ value: b.id, label: b.code }));
  const whOptions = (warehouses.data ?? []).map((w) => ({ value: w.id, label: `${w.code} — ${w.name}` }));
  return (
    <Stack maw={560}>
      <SegmentedControl
        aria-label={t("moves.kind")}
        value={kind}
        onChange={(value) => {
          setKind(value as Kind);
          setKey(newKey());
          move.reset();
        }}
        data={(["RECEIPT", "ISSUE", "TRANSFER"] as const).map((value) => ({ value, label: t(`moves.${value}`) }))}
      />
      <TextInput
        label={t("moves.barcode")}
        value={barcode}
        onChange={(e) => setBarcode(e.currentTarget.value)}
        onKeyDown={(e) => {
          if (e.key === "Enter") void scan();
        }}
      />
      <Problem error={scanError} />
      <Select
        label={t("stock.sku")}
        searchable
        value={item}
        onChange={setItem}
        data={(items.data?.items ?? []).map((i) => ({ value: i.id, label: `${i.sku} — ${i.name}` }))}
      />
      <Group grow>
        <Select label={t("moves.warehouse")} value={warehouse} onChange={(v) => { setWarehouse(v); setBin(null); }} data={whOptions} />
        <Select label={t("moves.bin")} clearable value={bin} onChange={setBin} data={binOptions(bins.data)} />
      </Group>
      {kind === "TRANSFER" && (
        <Group grow>
          <Select label={t("moves.toWarehouse")} value={toWarehouse} onChange={(v) => { setToWarehouse(v); setToBin(null); }} data={whOptions} />
          <Select label={t("moves.toBin")} clearable value={toBin} onChange={setToBin} data={binOptions(toBins.data)} />
        </Group>
      )}
      <NumberInput label={t("order.quantity")} min={1} value={quantity} onChange={(v) => setQuantity(Number(v) || 0)} />
      <TextInput label={t("order.reason")} required value={reason} onChange={(e) => setReason(e.currentTarget.value)} />
      <Button size="md" disabled={!item || !warehouse || !reason.trim() || quantity < 1} loading={move.isPending} onClick={() => move.mutate()}>
        {t(`moves.book${kind}`)}
      </Button>
      {move.isSuccess && <Text role="status">{t("moves.booked")}</Text>}
      <Problem error={move.error} />
    </Stack>
  );
}
