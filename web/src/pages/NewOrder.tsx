import { Alert, Button, Group, Modal, NumberInput, Select, Stack, Table, Text, TextInput } from "@mantine/core";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useNavigate } from "react-router";
import { api, newKey, unwrap, type Priority } from "../api/client";
import { today } from "../board";
import { priorityOptions } from "../api/lists";
import { Problem } from "../components/Problem";
import { TableHead } from "../components/TableHead";

/** Take an order: the product's BOM against stock before it is sent, one order per intent. */
export function NewOrder({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const queries = useQueryClient();
  const [sku, setSku] = useState<string | null>(null);
  const [quantity, setQuantity] = useState<number>(1);
  const [customer, setCustomer] = useState("");
  const [priority, setPriority] = useState<Priority>("NORMAL");
  const [due, setDue] = useState(() => today(new Date(Date.now() + 21 * 86_400_000)));
  // One key per filled-in form: a double click or a retry takes one order.
  const [key, setKey] = useState(newKey);

  const products = useQuery({
    queryKey: ["products"],
    queryFn: () => unwrap(api.GET("/api/production/products")),
    enabled: opened,
  });
  const coverage = useQuery({
    queryKey: ["coverage", sku, quantity],
    queryFn: () =>
      unwrap(
        api.GET("/api/production/products/{sku}/coverage", {
          params: { path: { sku: sku! }, query: { quantity } },
        }),
      ),
    enabled: opened && !!sku && quantity > 0,
  });
  const create = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST("/api/production/orders", {
          body: { product_sku: sku!, quantity, customer, priority, due_date: due },
          params: { header: { "Idempotency-Key": key } },
        }),
      ),
    onSuccess: (order) => {
      void queries.invalidateQueries({ queryKey: ["orders"] });
      setKey(newKey());
      setCustomer("");
      onClose();
      navigate(`/orders/${order.number}`);
    },
  });

  const covered = coverage.data && coverage.data.lines.every((line) => line.short === 0);
  return (
    <Modal closeButtonProps={{ "aria-label": t("common.close") }} opened={opened} onClose={onClose} title={t("newOrder.title")} size="lg">
      <form
        onSubmit={(event) => {
          event.preventDefault();
          create.mutate();
        }}
      >
        <Stack>
          <Select
            label={t("order.product")}
            required
            searchable
            value={sku}
            onChange={setSku}
            data={(products.data ?? []).map((p) => ({ value: p.sku, label: `${p.sku} — ${p.name}` }))}
          />
          <Group grow>
            <NumberInput
              label={t("order.quantity")}
              required
              min={1}
              max={10000}
              allowDecimal={false}
              allowNegative={false}
              clampBehavior="strict"
              value={quantity}
              onChange={(v) => setQuantity(Number(v) || 0)}
              error={quantity < 1 ? t("newOrder.quantityPositive") : undefined}
            />
            <Select
              label={t("order.priority")}
              value={priority}
              onChange={(v) => v && setPriority(v as Priority)}
              data={priorityOptions(t)}
            />
          </Group>
          <TextInput label={t("order.customer")} required value={customer} onChange={(e) => setCustomer(e.currentTarget.value)} />
          <TextInput
            label={t("order.dueDate")}
            type="date"
            required
            min={today()}
            value={due}
            onChange={(e) => setDue(e.currentTarget.value)}
            error={due && due < today() ? t("newOrder.dueInThePast") : undefined}
          />
          {coverage.data && (
            <>
              <Alert color={covered ? "green" : "orange"} data-testid="coverage">
                {covered ? t("newOrder.covered") : t("newOrder.short")}
              </Alert>
              <Table striped withTableBorder>
                <TableHead
                  columns={[
                    t("stock.sku"),
                    t("newOrder.needed"),
                    t("stock.available"),
                    t("newOrder.awaited"),
                    t("newOrder.shortBy"),
                  ]}
                />
                <Table.Tbody>
                  {coverage.data.lines.map((line) => (
                    <Table.Tr key={line.sku}>
                      <Table.Td>
                        {line.sku} <Text span c="dimmed" size="xs">{line.name}</Text>
                      </Table.Td>
                      <Table.Td>{line.needed}</Table.Td>
                      <Table.Td>{line.available}</Table.Td>
                      <Table.Td>{line.awaited || "—"}</Table.Td>
                      <Table.Td c={line.short ? "red.9" : undefined} fw={line.short ? 700 : undefined}>{line.short || "—"}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </>
          )}
          <Problem error={create.error ?? coverage.error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t("common.cancel")}
            </Button>
            <Button
              type="submit"
              loading={create.isPending}
              disabled={!sku || quantity < 1 || !customer.trim() || !due || due < today()}
            >
              {t("newOrder.submit")}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
