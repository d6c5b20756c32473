import {
  Anchor,
  Badge,
  Button,
  Card,
  Group,
  ScrollArea,
  Select,
  Stack,
  Text,
  TextInput,
  Title,
} from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { api, unwrap, type Order, type Priority } from "../api/client";
import { useAuth } from "../auth/AuthProvider";
import { badges, groupByStage, matches, STAGES, type Badge as BadgeName } from "../board";
import { Problem } from "../components/Problem";
import { NewOrder } from "./NewOrder";

const BADGE_COLOR: Record<BadgeName, string> = {
  onHold: "gray",
  atRisk: "orange",
  overdue: "red",
  waiting: "yellow",
  rework: "grape",
};
export const PRIORITY_COLOR: Record<Priority, string> = {
  URGENT: "red",
  HIGH: "orange",
  NORMAL: "blue",
  LOW: "gray",
};

export function useOpenOrders() {
  return useQuery({
    queryKey: ["orders", "open"],
    queryFn: () =>
      unwrap(
        api.GET("/api/production/orders", {
          params: { query: { open_only: true, limit: 500, sort: "due_date", descending: false } },
        }),
      ),
  });
}

function OrderCard({ order }: { order: Order }) {
  const { t } = useTranslation();
  return (
    <Card withBorder padding="sm" data-testid={`card-${order.number}`} component="article">
      <Group justify="space-between" wrap="nowrap">
        <Anchor component={Link} to={`/orders/${order.number}`} fw={700}>
          {order.number}
        </Anchor>
        <Badge color={PRIORITY_COLOR[order.priority]} size="sm">
          {t(`priority.${order.priority}`)}
        </Badge>
      </Group>
      <Text size="sm">
        {order.quantity} × {order.product_sku}
      </Text>
      <Text size="sm" c="dimmed">
        {order.customer}
      </Text>
      <Text size="xs">{t("board.due", { date: order.due_date })}</Text>
      <Group gap={4} mt={4}>
        {badges(order).map((name) => (
          <Badge key={name} color={BADGE_COLOR[name]} variant="light" size="xs">
            {name === "rework" ? t("badge.rework", { count: order.rework_count }) : t(`badge.${name}`)}
          </Badge>
        ))}
      </Group>
      {order.waiting_for_stock && order.shortages.length > 0 && (
        <Text size="xs" c="red.9">
          {t("board.missing", { items: order.shortages.map((s) => `${s.quantity} × ${s.sku}`).join(", ") })}
        </Text>
      )}
    </Card>
  );
}

export function Board() {
  const { t } = useTranslation();
  const { can } = useAuth();
  const orders = useOpenOrders();
  const [text, setText] = useState("");
  const [priority, setPriority] = useState<Priority | null>(null);
  const [product, setProduct] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  const all = useMemo(() => orders.data ?? [], [orders.data]);
  const columns = useMemo(
    () => groupByStage(all.filter((order) => matches(order, { text, priority, product }))),
    [all, text, priority, product],
  );
  const products = [...new Set(all.map((order) => order.product_sku))].sort();

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={1} size="h2">
          {t("board.title")}
        </Title>
        {can("orders:manage") && (
          <Button size="md" onClick={() => setCreating(true)}>
            {t("board.newOrder")}
          </Button>
        )}
      </Group>
      <Group>
        <TextInput
          aria-label={t("board.search")}
          placeholder={t("board.search")}
          value={text}
          onChange={(e) => setText(e.currentTarget.value)}
        />
        <Select
          aria-label={t("order.priority")}
          placeholder={t("order.priority")}
          clearable
          value={priority}
          onChange={(value) => setPriority(value as Priority | null)}
          data={(["URGENT", "HIGH", "NORMAL", "LOW"] as const).map((p) => ({ value: p, label: t(`priority.${p}`) }))}
        />
        <Select
          aria-label={t("order.product")}
          placeholder={t("order.product")}
          clearable
          value={product}
          onChange={setProduct}
          data={products}
        />
      </Group>
      <Problem error={orders.error} />
      <ScrollArea type="auto" viewportProps={{ tabIndex: 0, "aria-label": t("board.title") }}>
        <Group align="flex-start" wrap="nowrap" gap="sm" pb="sm">
          {STAGES.map((stage) => (
            <Stack
              key={stage}
              gap="xs"
              w={236}
              style={{ flex: "none" }}
              data-testid={`column-${stage}`}
              component="section"
              aria-label={t(`stage.${stage}`)}
            >
              <Group justify="space-between">
                <Title order={2} size="h5">
                  {t(`stage.${stage}`)}
                </Title>
                <Badge variant="outline">{columns.get(stage)?.length ?? 0}</Badge>
              </Group>
              {columns.get(stage)?.map((order) => <OrderCard key={order.id} order={order} />)}
            </Stack>
          ))}
        </Group>
      </ScrollArea>
      <NewOrder opened={creating} onClose={() => setCreating(false)} />
    </Stack>
  );
}
