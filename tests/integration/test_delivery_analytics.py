"""Delivery figures against orders and a purchase order worked out by hand. The plant's zone
comes from its default calendar (made through the API); the orders and the purchase order are
written with the dates they shipped and arrived on."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import UTC, date, datetime
from decimal import Decimal

import httpx
import pytest

from persistence.database import SessionFactory
from persistence.tables import PurchaseOrder, PurchaseOrderLine, PurchaseOrderReceipt
from tests.support import Demo, ok

NOV = {"since": "2026-11-01T00:00:00Z", "until": "2026-11-29T00:00:00Z"}


def utc(month: int, day: int, hour: int = 12) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=UTC)


# (due, completed at, priority, status, at risk)
ORDERS = [
    (date(2026, 11, 10), utc(11, 9, 10), "NORMAL", "completed", False),  # on time
    (date(2026, 11, 10), utc(11, 10, 22), "HIGH", "completed", False),  # 01:00 on the 11th, MSK
    (date(2026, 11, 12), utc(11, 17, 9), "NORMAL", "completed", False),  # 5 days late
    (date(2026, 11, 20), utc(11, 18), "URGENT", "completed", False),  # on time
    (date(2026, 10, 30), utc(10, 30), "NORMAL", "completed", False),  # before the period
    (date(2026, 12, 20), None, "HIGH", "in_production", True),  # open, at risk
    (date(2026, 12, 21), None, "LOW", "in_production", False),
]


@pytest.fixture
async def shipped(api: httpx.AsyncClient, sessions: SessionFactory, demo: Demo) -> None:
    moscow = {"name": "Day", "zone": "Europe/Moscow", "is_default": True, "shifts": []}
    ok(await api.post("/api/production/calendars", json=moscow), 201)
    async with sessions.begin() as session:
        for n, (due, completed, priority, status, risky) in enumerate(ORDERS, start=1):
            session.add(
                demo.order(
                    f"ZK-9000{n}",
                    quantity=1,
                    customer=f"customer {n}",
                    priority=priority,
                    due_date=due,
                    status=status,
                    stage=None if completed else "assembly",
                    at_risk=risky,
                    completed_at=completed,
                )
            )
        # Sent on the 3rd for the 10th (promised 8 days, to the end of the 10th), arrived on
        # the 12th at noon: 9.5 days, late, 1.5 days past the promise.
        po = PurchaseOrder(
            number="PO-TEST-1",
            supplier_id=next(iter(demo.suppliers.values())),
            warehouse_id=demo.warehouse_id,
            status="received",
            expected_date=date(2026, 11, 10),
            sent_at=utc(11, 3, 0),
            received_at=utc(11, 12),
        )
        session.add(po)
        await session.flush()
        line = PurchaseOrderLine(
            id=uuid.uuid4(),
            purchase_order_id=po.id,
            item_id=next(iter(demo.items.values())),
            quantity=10,
            received_quantity=10,
            unit_price=Decimal(1),
        )
        session.add(line)
        await session.flush()
        session.add(
            PurchaseOrderReceipt(
                purchase_order_id=po.id,
                line_id=line.id,
                item_id=line.item_id,
                quantity=10,
                received_at=utc(11, 12),
            )
        )


async def test_on_time_delivery_in_all_by_week_and_by_priority(
    api: httpx.AsyncClient, shipped: None
) -> None:
    figures = ok(await api.get("/api/analytics/delivery", params=NOV))
    assert figures["zone"] == "Europe/Moscow"
    total = figures["total"]
    assert (total["shipped"], total["on_time"], total["on_time_rate"]) == (4, 2, 0.5)
    assert total["average_days_late"] == 3.0  # 1 and 5 days
    weeks = {
        w["group"]: (w["shipped"], w["on_time"], w["average_days_late"]) for w in figures["by_week"]
    }
    assert weeks == {"2026-11-09": (2, 1, 1.0), "2026-11-16": (2, 1, 5.0)}
    priorities = {p["group"]: (p["shipped"], p["on_time"]) for p in figures["by_priority"]}
    assert priorities == {"HIGH": (1, 0), "NORMAL": (2, 1), "URGENT": (1, 1)}
    assert [o["number"] for o in figures["at_risk"]] == ["ZK-90006"]


async def test_suppliers_on_time_rate_and_lead_time_accuracy(
    api: httpx.AsyncClient, shipped: None
) -> None:
    [supplier] = ok(await api.get("/api/analytics/delivery", params=NOV))["suppliers"]
    assert (supplier["lines"], supplier["on_time_rate"]) == (1, 0.0)
    assert supplier["average_lead_time_days"] == 9.5
    assert supplier["average_days_past_promise"] == 1.5
    october = {"since": "2026-10-01T00:00:00Z", "until": "2026-11-01T00:00:00Z"}
    assert ok(await api.get("/api/analytics/delivery", params=october))["suppliers"] == []


async def test_delivery_tables_as_csv(api: httpx.AsyncClient, shipped: None) -> None:
    weeks = await api.get("/api/analytics/delivery/by-week.csv", params=NOV)
    assert weeks.status_code == 200
    assert [r["group"] for r in csv.DictReader(io.StringIO(weeks.text))] == [
        "2026-11-09",
        "2026-11-16",
    ]
    risky = await api.get("/api/analytics/delivery/at-risk.csv", params=NOV)
    assert [r["number"] for r in csv.DictReader(io.StringIO(risky.text))] == ["ZK-90006"]
