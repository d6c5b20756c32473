import {
  Anchor,
  Badge,
  Button,
  Card,
  Group,
  Loader,
  Select,
  SimpleGrid,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from "@mantine/core";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useParams } from "react-router";
import { api, unwrap, type Order, type Priority } from "../api/client";
import { useAuth } from "../auth/AuthProvider";
import { badges } from "../board";
import { ConfirmButton } from "../components/ConfirmButton";
import { priorityOptions } from "../api/lists";
import { Problem } from "../components/Problem";
import { InspectionHistory } from "./Inspections";
import { StageTimeline } from "../components/StageTimeline";
import { TableHead } from "../components/TableHead";
import { when } from "../format";
import { PRIORITY_COLOR } from "./Board";

export function useOrder(number: string) {
  return useQuery({
    queryKey: ["order", number],
    queryFn: () => unwrap(api.GET("/api/production/orders/{order_id}", { params: { path: { order_id: number } } })),
  });
}

function Actions({ order }: { order: Order }) {
  const { t } = useTranslation();
  const queries = useQueryClient();
  const [reason, setReason] = useState("");
  const path = { params: { path: { order_id: order.id } } };
  const done = () => {
    setReason("");
    void queries.invalidateQueries({ queryKey: ["order"] });
    void queries.invalidateQueries({ queryKey: ["orders"] });
  };
  const act = useMutation({
    mutationFn: async (what: "hold" | "resume" | "cancel" | Priority) => {
      if (what === "hold")
        return unwrap(api.POST("/api/production/orders/{order_id}/hold", { ...path, body: { reason } }));
      if (what === "resume") return unwrap(api.POST("/api/production/orders/{order_id}/resume", path));
      if (what === "cancel")
        return unwrap(api.POST("/api/production/orders/{order_id}/cancel", { ...path, body: { reason } }));
      return unwrap(api.PATCH("/api/production/orders/{order_id}", { ...path, body: { priority: what } }));
    },
    onSuccess: done,
  });
  const closed = order.status === "completed" || order.status === "cancelled";
  if (closed) return null;
  return (
    <Card withBorder component="section" aria-label={t("order.actions")}>
      <Stack gap="xs">
        <Title order={2} size="h5">
          {t("order.actions")}
        </Title>
        <Group align="end">
          <Select
            label={t("order.priority")}
            value={order.priority}
            onChange={(value) => value && value !== order.priority && act.mutate(value as Priority)}
            data={priorityOptions(t)}
            w={160}
          />
          <TextInput
            label={t("order.reason")}
            value={reason}
            onChange={(e) => setReason(e.currentTarget.value)}
            description={t("order.reasonHint")}
            w={260}
          />
          {order.on_hold ? (
            <Button variant="light" onClick={() => act.mutate("resume")}>
              {t("order.resume")}
            </Button>
          ) : (
            <Button variant="light" color="gray" disabled={!reason.trim()} onClick={() => act.mutate("hold")}>
              {t("order.hold")}
            </Button>
          )}
          <ConfirmButton
            color="red"
            variant="outline"
            disabled={!reason.trim()}
            label={t("order.cancel")}
            question={t("order.cancelQuestion", { number: order.number })}
            onConfirm={() => act.mutate("cancel")}
          />
        </Group>
        <Problem error={act.error} />
      </Stack>
    </Card>
  );
}

export function OrderPage() {
  const { t } = useTranslation();
  const { number = "" } = useParams();
  const { can } = useAuth();
  const order = useOrder(number);
  const about = useQuery({ queryKey: ["about"], queryFn: () => unwrap(api.GET("/api/about")), staleTime: Infinity });
  if (order.isPending) return <Loader />;
  if (order.error) return <Problem error={order.error} />;
  const o = order.data;
  const workflowUrl = about.data
    ? `${about.data.temporal_ui_url}/namespaces/${about.data.temporal_namespace}/workflows/${o.workflow_id}`
    : null;
  return (
    <Stack>
      <Group justify="space-between">
        <Group>
          <Title order={1} size="h2">
            {o.number}
          </Title>
          <Badge color={PRIORITY_COLOR[o.priority]}>{t(`priority.${o.priority}`)}</Badge>
          <Badge variant="outline" data-testid="order-stage">
            {o.stage ? t(`stage.${o.stage}`) : t(`status.${o.status}`)}
          </Badge>
          {badges(o).map((name) => (
            <Badge key={name} variant="light" color="orange">
              {name === "rework" ? t("badge.rework", { count: o.rework_count }) : t(`badge.${name}`)}
            </Badge>
          ))}
        </Group>
        {workflowUrl && (
          <Anchor href={workflowUrl} target="_blank" rel="noreferrer">
            {t("order.workflow")}
          </Anchor>
        )}
      </Group>
      <SimpleGrid cols={{ base: 2, md: 4 }}>
        <Text>
          <b>{t("order.product")}:</b> {o.quantity} × {o.product_sku}
        </Text>
        <Text>
          <b>{t("order.customer")}:</b> {o.customer}
        </Text>
        <Text>
          <b>{t("order.dueDate")}:</b> {o.due_date}
        </Text>
        <Text>
          <b>{t("order.status")}:</b> {t(`status.${o.status}`)}
        </Text>
      </SimpleGrid>
      {o.hold_reason && <Text c="gray.8">{t("order.heldBecause", { reason: o.hold_reason })}</Text>}
      {o.cancel_reason && <Text c="red.9">{t("order.cancelledBecause", { reason: o.cancel_reason })}</Text>}
      {can("orders:manage") && <Actions order={o} />}

      <Title order={2} size="h4">
        {t("order.timeline")}
      </Title>
      <StageTimeline stages={o.stages} />
      {o.escalations.length > 0 && (
        <Stack gap={2}>
          <Title order={2} size="h5">
            {t("order.escalations")}
          </Title>
          {o.escalations.map((e) => (
            <Text key={e.seq} size="sm">
              {when(e.raised_at)} — {e.detail}
            </Text>
          ))}
        </Stack>
      )}
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <Stack gap="xs">
          <Title order={2} size="h4">
            {t("order.components")}
          </Title>
          <Table withTableBorder>
            <TableHead columns={[t("stock.sku"), t("order.quantity"), t("order.state")]} />
            <Table.Tbody>
              {o.reservations.map((r) => (
                <Table.Tr key={r.id}>
                  <Table.Td>{r.sku}</Table.Td>
                  <Table.Td>{r.quantity}</Table.Td>
                  <Table.Td>{t(`reservation.${r.status}`, { defaultValue: r.status })}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Stack>
        <Stack gap="xs">
          <Title order={2} size="h4">
            {t("order.purchases")}
          </Title>
          {o.purchase_orders.length === 0 && <Text c="dimmed">{t("order.noPurchases")}</Text>}
          {o.purchase_orders.map((po) => (
            <Text key={`${po.id}-${po.item_id}`} size="sm">
              <Anchor component={Link} to={`/purchasing/${po.number}`}>
                {po.number}
              </Anchor>{" "}
              — {po.sku}: {po.waiting_for > 0 ? t("order.waitsFor", { count: po.waiting_for }) : t("order.served")} ({t(`poStatus.${po.status}`)}
              {po.expected_date ? `, ${t("order.expectedOn", { date: po.expected_date })}` : ""})
            </Text>
          ))}
          {o.serial_numbers.length > 0 && (
            <>
              <Title order={2} size="h4">
                {t("order.serials")}
              </Title>
              <Group gap="xs" data-testid="serials">
                {o.serial_numbers.map((serial) => (
                  <Anchor key={serial} component={Link} to={`/units/${serial}`} size="sm">
                    {serial}
                  </Anchor>
                ))}
              </Group>
            </>
          )}
        </Stack>
      </SimpleGrid>
      <InspectionHistory orderId={o.id} />
    </Stack>
  );
}
