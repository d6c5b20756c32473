import {
  Alert,
  Anchor,
  Badge,
  Button,
  Card,
  Group,
  ScrollArea,
  SegmentedControl,
  Table,
  Select,
  Stack,
  Text,
  TextInput,
  Title,
} from "@mantine/core";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { api, unwrapPage, type Order, type Priority } from "../api/client";
import { useAuth } from "../auth/AuthProvider";
import { badges, groupByStage, matches, STAGES, type Badge as BadgeName } from "../board";
import { Pager } from "../components/Pager";
import { priorityOptions } from "../api/lists";
import { Problem } from "../components/Problem";
import { TableHead } from "../components/TableHead";
import { when } from "../format";
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

const BOARD_LIMIT = 500;

export function useOpenOrders() {
  return useQuery({
    queryKey: ["orders", "open"],
    queryFn: () =>
      unwrapPage(
        api.GET("/api/production/orders", {
          params: { query: { open_only: true, limit: BOARD_LIMIT, sort: "due_date", descending: false } },
        }),
      ),
  });
}

function OrderCard({ order }: { order: Order }) {
  const { t } = useTranslation();
  return (
    <Card withBorder padding="sm" data-testid={`card-${order.number}`} component="article">
      <Group justify="space-between" gap={4}>
        <Anchor component={Link} to={`/orders/${order.number}`} fw={700} style={{ whiteSpace: "nowrap" }}>
          {order.number}
        </Anchor>
        <Badge color={PRIORITY_COLOR[order.priority]} size="sm" style={{ flex: "none" }}>
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

const PAGE = 25;
type Showing = "open" | "completed" | "cancelled";

/** Orders off the board: completed or cancelled, newest first, searched and paged by the API. */
function FinishedOrders({ status, text }: { status: "completed" | "cancelled"; text: string }) {
  const { t } = useTranslation();
  const [page, setPage] = useState(1);
  const search = text.trim() || undefined;
  const orders = useQuery({
    queryKey: ["orders", status, search, page],
    queryFn: () =>
      unwrapPage(
        api.GET("/api/production/orders", {
          params: { query: { status, search, limit: PAGE, offset: (page - 1) * PAGE } },
        }),
      ),
    placeholderData: keepPreviousData,
  });
  return (
    <Stack>
      <Problem error={orders.error} />
      <Table striped withTableBorder data-testid={`finished-${status}`}>
        <TableHead
          columns={[
            t("purchasing.number"),
            t("order.product"),
            t("order.customer"),
            t("order.dueDate"),
            status === "completed" ? t("order.completed") : t("order.reason"),
          ]}
        />
        <Table.Tbody>
          {orders.data?.rows.map((order) => (
            <Table.Tr key={order.id}>
              <Table.Td>
                <Anchor component={Link} to={`/orders/${order.number}`}>
                  {order.number}
                </Anchor>
              </Table.Td>
              <Table.Td>
                {order.quantity} × {order.product_sku}
              </Table.Td>
              <Table.Td>{order.customer}</Table.Td>
              <Table.Td>{order.due_date}</Table.Td>
              <Table.Td>
                {status === "completed" ? when(order.completed_at) : (order.cancel_reason ?? "")}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Pager page={page} size={PAGE} total={orders.data?.total ?? 0} onChange={setPage} />
    </Stack>
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
  const [showing, setShowing] = useState<Showing>("open");
  const all = useMemo(() => orders.data?.rows ?? [], [orders.data]);
  const hidden = (orders.data?.total ?? 0) - all.length;
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
        <SegmentedControl
          aria-label={t("board.showing")}
          value={showing}
          onChange={(value) => setShowing(value as Showing)}
          data={(["open", "completed", "cancelled"] as const).map((value) => ({ value, label: t(`board.${value}`) }))}
        />
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
          data={priorityOptions(t)}
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
      {showing === "open" && hidden > 0 && (
        <Alert color="orange" data-testid="board-truncated">
          {t("board.truncated", { shown: all.length, hidden })}
        </Alert>
      )}
      {showing !== "open" && <FinishedOrders status={showing} text={text} />}
      {showing === "open" && (
      // Columns share the width, down to a readable card; below that the board scrolls, with
      // its scrollbar always shown so the columns beyond the edge are not missed.
      <ScrollArea type="always" offsetScrollbars viewportProps={{ tabIndex: 0, "aria-label": t("board.title") }}>
        <Group align="flex-start" wrap="nowrap" gap="sm" pb="sm">
          {STAGES.map((stage) => (
            <Stack
              key={stage}
              gap="xs"
              miw={188}
              style={{ flex: "1 0 188px" }}
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
      )}
      <NewOrder opened={creating} onClose={() => setCreating(false)} />
    </Stack>
  );
}
