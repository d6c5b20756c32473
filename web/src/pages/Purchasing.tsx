import {
  Anchor,
  Badge,
  Button,
  Group,
  Loader,
  NumberInput,
  SegmentedControl,
  Select,
  Stack,
  Table,
  Tabs,
  Text,
  TextInput,
  Title,
} from "@mantine/core";
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { money, when } from "../format";
import { Link, useParams } from "react-router";
import { api, newKey, unwrap, unwrapPage, type PurchaseOrder, type Schemas } from "../api/client";
import { Pager } from "../components/Pager";
import { useAuth } from "../auth/AuthProvider";
import { ConfirmButton } from "../components/ConfirmButton";
import { Problem } from "../components/Problem";
import { TableHead } from "../components/TableHead";
import { done } from "../notify";
import { useBins } from "./StockMoves";
import { Suggestions, Suppliers } from "./Suppliers";

type Tab = Schemas["PurchaseOrderStatus"] | "late";
const TABS: Tab[] = ["draft", "sent", "confirmed", "partially_received", "late", "received"];

function StatusBadge({ po }: { po: PurchaseOrder }) {
  const { t } = useTranslation();
  return (
    <Group gap={4} data-testid="po-status">
      <Badge variant="light">{t(`poStatus.${po.status}`)}</Badge>
      {po.is_late && <Badge color="red">{t("poStatus.late")}</Badge>}
    </Group>
  );
}

export function PurchaseOrders() {
  const { t } = useTranslation();
  return (
    <Stack>
      <Title order={1} size="h2">
        {t("purchasing.title")}
      </Title>
      <Tabs defaultValue="orders" keepMounted={false}>
        <Tabs.List>
          <Tabs.Tab value="orders">{t("purchasing.orders")}</Tabs.Tab>
          <Tabs.Tab value="suggestions">{t("purchasing.suggestions")}</Tabs.Tab>
          <Tabs.Tab value="suppliers">{t("purchasing.suppliers")}</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="orders" pt="md">
          <PurchaseOrderList />
        </Tabs.Panel>
        <Tabs.Panel value="suggestions" pt="md">
          <Suggestions />
        </Tabs.Panel>
        <Tabs.Panel value="suppliers" pt="md">
          <Suppliers />
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}

const PAGE = 25;

function PurchaseOrderList() {
  const { t } = useTranslation();
  const [tab, setTab] = useState<Tab>("draft");
  const [text, setText] = useState("");
  const [page, setPage] = useState(1);
  const search = text.trim() || undefined;
  const paged = useQuery({
    queryKey: ["purchase-orders", tab, search, page],
    queryFn: () =>
      unwrapPage(
        api.GET("/api/purchasing/purchase-orders", {
          params: {
            query: {
              ...(tab === "late" ? { late: true } : { status: tab }),
              search,
              limit: PAGE,
              offset: (page - 1) * PAGE,
            },
          },
        }),
      ),
    placeholderData: keepPreviousData,
  });
  const list = { ...paged, data: paged.data?.rows };
  return (
    <Stack>
      <SegmentedControl
        aria-label={t("purchasing.byStatus")}
        value={tab}
        onChange={(value) => {
          setTab(value as Tab);
          setPage(1);
        }}
        data={TABS.map((value) => ({ value, label: t(`poStatus.${value}`) }))}
      />
      <TextInput
        aria-label={t("purchasing.search")}
        placeholder={t("purchasing.search")}
        value={text}
        onChange={(e) => {
          setText(e.currentTarget.value);
          setPage(1);
        }}
        maw={360}
      />
      <Problem error={list.error} />
      {list.isPending && <Loader />}
      {list.data?.length === 0 && <Text c="dimmed">{t("purchasing.none")}</Text>}
      {!!list.data?.length && (
        <Table striped withTableBorder>
          <TableHead
            columns={[
              t("purchasing.number"),
              t("purchasing.supplier"),
              t("order.status"),
              t("purchasing.expected"),
              t("purchasing.lines"),
              t("purchasing.total"),
            ]}
          />
          <Table.Tbody>
            {list.data?.map((po) => (
              <Table.Tr key={po.id}>
                <Table.Td>
                  <Anchor component={Link} to={`/purchasing/${po.number}`}>
                    {po.number}
                  </Anchor>
                </Table.Td>
                <Table.Td>{po.supplier_name}</Table.Td>
                <Table.Td>
                  <StatusBadge po={po} />
                </Table.Td>
                <Table.Td>{po.expected_date ?? "—"}</Table.Td>
                <Table.Td>{po.lines.map((line) => `${line.quantity} × ${line.sku}`).join(", ")}</Table.Td>
                <Table.Td>{money(po.total, po.currency)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      <Pager page={page} size={PAGE} total={paged.data?.total ?? 0} onChange={setPage} />
    </Stack>
  );
}

function Receive({ po }: { po: PurchaseOrder }) {
  const { t } = useTranslation();
  const queries = useQueryClient();
  const open = po.lines.filter((line) => line.received_quantity < line.quantity);
  const [counts, setCounts] = useState<Record<string, number>>(() =>
    Object.fromEntries(open.map((line) => [line.item_id, line.quantity - line.received_quantity])),
  );
  const [note, setNote] = useState("");
  const [bin, setBin] = useState<string | null>(null);
  const bins = useBins(po.warehouse_id);
  // One key per delivery being booked: a retry after a timeout books it once.
  const [key, setKey] = useState(newKey);
  const receive = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST("/api/purchasing/purchase-orders/{po_id}/receive", {
          params: { path: { po_id: po.id }, header: { "Idempotency-Key": key } },
          body: {
            reference: note.trim() || null,
            bin_id: bin,
            // Only the lines still open, at most what is still to come.
            lines: open
              .map((line) => ({
                item_id: line.item_id,
                quantity: Math.min(counts[line.item_id] ?? 0, line.quantity - line.received_quantity),
              }))
              .filter((line) => line.quantity > 0),
          },
        }),
      ),
    onSuccess: () => {
      setKey(newKey());
      setNote("");
      done(t("purchasing.booked"));
      void queries.invalidateQueries({ queryKey: ["purchase-order"] });
    },
  });
  if (open.length === 0) return null;
  return (
    <Stack gap="xs" component="section" aria-label={t("purchasing.receive")}>
      <Title order={2} size="h4">
        {t("purchasing.receive")}
      </Title>
      {open.map((line) => (
        <NumberInput
          key={line.item_id}
          label={t("purchasing.receiveLine", { sku: line.sku, left: line.quantity - line.received_quantity })}
          min={0}
          max={line.quantity - line.received_quantity}
          value={counts[line.item_id] ?? 0}
          onChange={(value) => setCounts((c) => ({ ...c, [line.item_id]: Number(value) || 0 }))}
          w={320}
        />
      ))}
      <Select
        label={t("purchasing.intoBin")}
        placeholder={t("purchasing.receivingBin")}
        clearable
        value={bin}
        onChange={setBin}
        data={(bins.data ?? []).map((b) => ({ value: b.id, label: b.code }))}
        w={320}
      />
      <TextInput label={t("purchasing.deliveryNote")} value={note} onChange={(e) => setNote(e.currentTarget.value)} w={320} />
      <Button w={320} loading={receive.isPending} onClick={() => receive.mutate()}>
        {t("purchasing.book")}
      </Button>
      <Problem error={receive.error} />
    </Stack>
  );
}

export function PurchaseOrderPage() {
  const { t } = useTranslation();
  const { number = "" } = useParams();
  const { can } = useAuth();
  const queries = useQueryClient();
  const po = useQuery({
    queryKey: ["purchase-order", number],
    queryFn: () =>
      unwrap(api.GET("/api/purchasing/purchase-orders/{po_id}", { params: { path: { po_id: number } } })),
  });
  const step = useMutation({
    mutationFn: (what: "send" | "confirm") => {
      const params = { params: { path: { po_id: po.data!.id } } };
      return unwrap(
        what === "send"
          ? api.POST("/api/purchasing/purchase-orders/{po_id}/send", params)
          : api.POST("/api/purchasing/purchase-orders/{po_id}/confirm", params),
      );
    },
    onSuccess: (changed) => {
      done(t(`poStatus.${changed.status}`));
      void queries.invalidateQueries({ queryKey: ["purchase-order"] });
    },
  });
  if (po.isPending) return <Loader />;
  if (po.error) return <Problem error={po.error} />;
  const p = po.data;
  const manage = can("purchasing:manage");
  const receive = can("purchasing:receive") && ["sent", "confirmed", "partially_received"].includes(p.status);
  return (
    <Stack>
      <Group>
        <Title order={1} size="h2">
          {p.number}
        </Title>
        <StatusBadge po={p} />
      </Group>
      <Text>
        {p.supplier_name} · {t("purchasing.expected")}: {p.expected_date ?? "—"} · {t("purchasing.total")}: {money(p.total, p.currency)}
      </Text>
      {p.notes && <Text c="dimmed">{p.notes}</Text>}
      <Group>
        {manage && p.status === "draft" && (
          <ConfirmButton
            label={t("purchasing.send")}
            question={t("purchasing.sendQuestion", { supplier: p.supplier_name })}
            loading={step.isPending}
            onConfirm={() => step.mutate("send")}
          />
        )}
        {manage && p.status === "sent" && (
          <Button onClick={() => step.mutate("confirm")} loading={step.isPending}>
            {t("purchasing.confirm")}
          </Button>
        )}
      </Group>
      <Problem error={step.error} />
      <Table withTableBorder data-testid="po-lines">
        <TableHead
          columns={[
            t("stock.sku"),
            t("order.quantity"),
            t("purchasing.received"),
            t("purchasing.price"),
            t("purchasing.waitingOrders"),
          ]}
        />
        <Table.Tbody>
          {p.lines.map((line) => (
            <Table.Tr key={line.item_id}>
              <Table.Td>{line.sku}</Table.Td>
              <Table.Td>{line.quantity}</Table.Td>
              <Table.Td>{line.received_quantity}</Table.Td>
              <Table.Td>{money(line.unit_price, p.currency)}</Table.Td>
              <Table.Td>
                {line.orders.map((demand) => (
                  <Anchor key={demand.order_id} component={Link} to={`/orders/${demand.order_number}`} mr="xs">
                    {demand.order_number} ({demand.waiting_for})
                  </Anchor>
                ))}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {receive && <Receive key={p.id + p.lines.map((l) => l.received_quantity).join()} po={p} />}
      {p.receipts.length > 0 && (
        <Stack gap={2}>
          <Title order={2} size="h4">
            {t("purchasing.receipts")}
          </Title>
          {p.receipts.map((receipt, index) => (
            <Text key={index} size="sm">
              {when(receipt.received_at)} — {receipt.quantity} × {receipt.sku} →{" "}
              {receipt.bin_code ?? t("purchasing.receivingBin")}
              {receipt.reference ? ` · ${t("purchasing.deliveryNote")}: ${receipt.reference}` : ""}
              {receipt.received_by ? ` (${receipt.received_by})` : ""}
            </Text>
          ))}
        </Stack>
      )}
    </Stack>
  );
}
