import { describe, expect, it } from "vitest";
import type { Order } from "./api/client";
import { badges, groupByStage, matches } from "./board";

function order(overrides: Partial<Order>): Order {
  return {
    id: overrides.number ?? "x",
    number: "ZK-000001",
    workflow_id: "order-ZK-000001",
    product_id: "p",
    product_sku: "KB-65-HS",
    quantity: 1,
    customer: "Anna",
    priority: "NORMAL",
    due_date: "2026-12-20",
    warehouse_id: "w",
    status: "in_production",
    stage: "assembly",
    rework_count: 0,
    waiting_for_stock: false,
    on_hold: false,
    hold_reason: null,
    at_risk: false,
    cancel_reason: null,
    created_at: "2026-12-01T00:00:00Z",
    updated_at: "2026-12-01T00:00:00Z",
    completed_at: null,
    requirements: [],
    shortages: [],
    stages: [],
    escalations: [],
    serial_numbers: [],
    reservations: [],
    purchase_orders: [],
    ...overrides,
  };
}

describe("the board", () => {
  it("puts each open order in its stage's column, most urgent and soonest due first", () => {
    const columns = groupByStage([
      order({ number: "ZK-1", stage: "assembly", priority: "LOW" }),
      order({ number: "ZK-2", stage: "assembly", priority: "URGENT", due_date: "2026-12-30" }),
      order({ number: "ZK-3", stage: "assembly", priority: "URGENT", due_date: "2026-12-10" }),
      order({ number: "ZK-4", stage: "qc" }),
      order({ number: "ZK-5", stage: null, status: "completed" }),
      order({ number: "ZK-6", stage: "shipping", status: "cancelled" }),
    ]);
    expect(columns.get("assembly")!.map((o) => o.number)).toEqual(["ZK-3", "ZK-2", "ZK-1"]);
    expect(columns.get("qc")!.map((o) => o.number)).toEqual(["ZK-4"]);
    expect(columns.get("shipping")).toEqual([]);
    expect([...columns.keys()]).toEqual(["design", "procurement", "assembly", "soldering", "testing", "qc", "shipping"]);
  });

  it("badges what needs attention", () => {
    const late = order({ due_date: "2026-11-30", on_hold: true, at_risk: true, waiting_for_stock: true, rework_count: 2 });
    expect(badges(late, "2026-12-01")).toEqual(["onHold", "atRisk", "overdue", "waiting", "rework"]);
    expect(badges(order({}), "2026-12-01")).toEqual([]);
  });

  it("filters by text in number, customer or product, and by priority", () => {
    const o = order({ customer: "Klava Orlova", priority: "HIGH" });
    expect(matches(o, { text: "orlova", priority: null, product: null })).toBe(true);
    expect(matches(o, { text: "zk-000001", priority: "HIGH", product: null })).toBe(true);
    expect(matches(o, { text: "", priority: "LOW", product: null })).toBe(false);
    expect(matches(o, { text: "", priority: null, product: "KB-TKL" })).toBe(false);
  });
});
