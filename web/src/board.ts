// The order board's rules, apart from the screen: which column a card is in, which badges it
// carries, and the filter.
import type { Order, Priority, Stage } from "./api/client";

export const STAGES: Stage[] = ["design", "procurement", "assembly", "soldering", "testing", "qc", "shipping"];
const PRIORITY_RANK: Record<Priority, number> = { URGENT: 0, HIGH: 1, NORMAL: 2, LOW: 3 };

export type Badge = "onHold" | "atRisk" | "overdue" | "waiting" | "rework";

/** Open orders by their current stage, most urgent first, then soonest due. */
export function groupByStage(orders: readonly Order[]): Map<Stage, Order[]> {
  const columns = new Map<Stage, Order[]>(STAGES.map((stage) => [stage, []]));
  for (const order of orders) {
    if (order.stage && order.status !== "completed" && order.status !== "cancelled") {
      columns.get(order.stage)?.push(order);
    }
  }
  for (const cards of columns.values()) {
    cards.sort(
      (a, b) =>
        PRIORITY_RANK[a.priority] - PRIORITY_RANK[b.priority] ||
        a.due_date.localeCompare(b.due_date) ||
        a.number.localeCompare(b.number),
    );
  }
  return columns;
}

/** Today as the API writes dates (YYYY-MM-DD), in the workshop's local time. */
export function today(now: Date = new Date()): string {
  const local = new Date(now.getTime() - now.getTimezoneOffset() * 60_000);
  return local.toISOString().slice(0, 10);
}

export function badges(order: Order, on: string = today()): Badge[] {
  const found: Badge[] = [];
  if (order.on_hold) found.push("onHold");
  if (order.at_risk) found.push("atRisk");
  if (order.due_date < on) found.push("overdue");
  if (order.waiting_for_stock) found.push("waiting");
  if (order.rework_count > 0) found.push("rework");
  return found;
}

export type BoardFilter = { text: string; priority: Priority | null; product: string | null };

export function matches(order: Order, filter: BoardFilter): boolean {
  const text = filter.text.trim().toLowerCase();
  return (
    (!text ||
      [order.number, order.customer, order.product_sku].some((field) => field.toLowerCase().includes(text))) &&
    (!filter.priority || order.priority === filter.priority) &&
    (!filter.product || order.product_sku === filter.product)
  );
}
