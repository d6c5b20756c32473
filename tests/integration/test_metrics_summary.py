"""`/api/health/metrics-summary`: the workshop in one call, against a state set up by hand."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import httpx
from sqlalchemy import select

from core.settings import Settings
from domain.access import Role
from persistence.database import SessionFactory
from persistence.tables import OrderStageRecord, PurchaseOrder, Zone, ZoneReading
from tests.support import Demo, api_client, ok


async def test_the_workshop_in_one_call(
    api: httpx.AsyncClient, sessions: SessionFactory, demo: Demo, settings: Settings
) -> None:
    now = datetime.now(UTC)
    today = now.date()
    before = ok(await api.get("/api/health/metrics-summary"))
    async with sessions.begin() as session:
        # (status, stage, at risk, completed): two open at assembly (one at risk), one shipped
        # today on time, one shipped 10 days ago late.
        for n, (status, stage, risky, completed, due) in enumerate(
            [
                ("in_production", "assembly", True, None, today + timedelta(days=5)),
                ("in_production", "assembly", False, None, today + timedelta(days=9)),
                ("completed", None, False, now, today),
                ("completed", None, False, now - timedelta(days=10), today - timedelta(days=12)),
            ],
            start=1,
        ):
            order = demo.order(
                f"ZK-MS-{n}",
                quantity=n,
                customer="c",
                priority="NORMAL",
                due_date=due,
                status=status,
                stage=stage,
                at_risk=risky,
                completed_at=completed,
            )
            session.add(order)
            await session.flush()
            if n == 1:  # its assembly ran past its target an hour ago
                session.add(
                    OrderStageRecord(
                        order_id=order.id,
                        seq=1,
                        stage="assembly",
                        status="active",
                        started_at=now - timedelta(hours=5),
                        due_at=now - timedelta(hours=1),
                    )
                )
        session.add(
            PurchaseOrder(
                number="PO-MS-1",
                supplier_id=next(iter(demo.suppliers.values())),
                warehouse_id=demo.warehouse_id,
                status="sent",
                expected_date=date.today() - timedelta(days=2),
            )
        )
        zone = await session.scalar(select(Zone.id).limit(1))
        assert zone is not None
        for minutes, bad in ((20, False), (10, True)):  # the last reading is out of range
            session.add(
                ZoneReading(
                    zone_id=zone, out_of_range=bad, recorded_at=now - timedelta(minutes=minutes)
                )
            )
    summary = ok(await api.get("/api/health/metrics-summary"))
    assert summary["orders_by_status"] == {"in_production": 2, "completed": 2}
    assert summary["wip_by_stage"] == {"assembly": 2}
    assert summary["shipped_today"] == {"orders": 1, "units": 3}
    assert summary["on_time_rate_30_days"] == 0.5
    assert summary["purchase_orders"] == {
        "open": before["purchase_orders"]["open"] + 1,
        "late": before["purchase_orders"]["late"] + 1,
    }
    alerts = summary["alerts"]
    assert (alerts["orders_at_risk"], alerts["overdue_stages"]) == (1, 1)
    assert (alerts["late_purchase_orders"], alerts["zones_out_of_range"]) == (1, 1)
    assert alerts["low_stock_items"] == summary["low_stock_items"]
    assert summary["alerts_firing"] == 4 + (1 if summary["low_stock_items"] else 0)
    async with api_client(settings, as_role=Role.VIEWER) as viewer:
        assert (await viewer.get("/api/health/metrics-summary")).status_code == 200
    async with api_client(settings, as_role=None) as stranger:
        assert (await stranger.get("/api/health/metrics-summary")).status_code == 401


async def test_the_workshop_figures_are_on_metrics(
    api: httpx.AsyncClient, sessions: SessionFactory, demo: Demo
) -> None:
    async with sessions.begin() as session:
        session.add(
            demo.order(
                "ZK-MS-9",
                quantity=1,
                customer="c",
                priority="NORMAL",
                due_date=date.today() + timedelta(days=3),
                status="in_production",
                stage="soldering",
                at_risk=True,
            )
        )
    scraped = (await api.get("/metrics")).text
    assert 'zhuchka_wip_orders{stage="soldering"} 1.0' in scraped
    assert 'zhuchka_wip_orders{stage="design"} 0.0' in scraped
    assert 'zhuchka_alert_conditions{condition="orders_at_risk"} 1.0' in scraped
    assert 'zhuchka_oee_7d{factor="availability"} NaN' in scraped  # no equipment: no figure
    assert "zhuchka_workshop_gauges_refreshed " in scraped
