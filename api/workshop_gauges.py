"""The workshop's figures on `/metrics`, for the "Workshop" Grafana dashboard: work in
progress, orders at risk, late purchase orders, what shipped today, the on-time rate, OEE and
its factors and first-pass yield over the last 7 days, low stock, and the alert conditions.

They are read from the database when Prometheus scrapes, at most every `ttl` seconds (one
refresh at a time, the others answer with the values they have); a refresh that fails (the
database is down) keeps the last values and `/metrics` still answers."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta

import structlog
from prometheus_client import Gauge
from sqlalchemy.exc import DBAPIError

from api.queries.production_analytics import production_figures
from api.queries.quality_analytics import quality_figures
from api.queries.workshop_summary import metrics_summary
from domain.stages import Stage
from persistence.database import SessionFactory

log = structlog.get_logger(__name__)
WEEK = timedelta(days=7)

WIP = Gauge("zhuchka_wip_orders", "Open orders at each stage", ["stage"])
SHIPPED_TODAY = Gauge("zhuchka_orders_shipped_today", "Orders shipped today (plant time zone)")
ON_TIME = Gauge("zhuchka_on_time_rate_30d", "Orders shipped by their due date, last 30 days")
PURCHASE_ORDERS = Gauge("zhuchka_purchase_orders_open", "Purchase orders still coming", ["late"])
OEE = Gauge("zhuchka_oee_7d", "OEE and its factors over the last 7 days, all equipment", ["factor"])
FIRST_PASS = Gauge("zhuchka_first_pass_yield_7d", "First-pass yield, last 7 days", ["stage"])
CONDITIONS = Gauge(
    "zhuchka_alert_conditions", "Cases of each condition the alerts watch", ["condition"]
)
REFRESHED = Gauge("zhuchka_workshop_gauges_refreshed", "When these were last read (unix time)")
WORKSHOP_GAUGES = (
    WIP,
    SHIPPED_TODAY,
    ON_TIME,
    PURCHASE_ORDERS,
    OEE,
    FIRST_PASS,
    CONDITIONS,
    REFRESHED,
)


class WorkshopGauges:
    def __init__(self, sessions: SessionFactory, *, ttl: float = 30.0) -> None:
        self._sessions = sessions
        self._ttl = ttl
        self._at = -ttl
        self._lock = asyncio.Lock()

    async def refresh(self) -> None:
        """Read the figures again if the last reading is older than `ttl` seconds."""
        if self._lock.locked() or time.monotonic() - self._at < self._ttl:
            return
        async with self._lock:
            try:
                await self._read()
            except (DBAPIError, OSError) as failure:
                log.warning("metrics.workshop_gauges_stale", error=str(failure))
            self._at = time.monotonic()

    async def _read(self) -> None:
        now = datetime.now(UTC)
        async with self._sessions() as session:
            summary = await metrics_summary(session)
            production = await production_figures(session, now - WEEK, now)
            quality = await quality_figures(session, now - WEEK, now)
        for stage in Stage:
            WIP.labels(stage.value).set(summary.wip_by_stage.get(stage.value, 0))
        SHIPPED_TODAY.set(summary.shipped_today.orders)
        ON_TIME.set(_or_nan(summary.on_time_rate_30_days))
        late = summary.purchase_orders.late
        PURCHASE_ORDERS.labels("true").set(late)
        PURCHASE_ORDERS.labels("false").set(summary.purchase_orders.open - late)
        overall = production.overall
        for factor in ("availability", "performance", "quality", "oee"):
            OEE.labels(factor).set(_or_nan(getattr(overall, factor)))
        stages = {row.stage: row for row in quality.first_pass if row.product_sku == "all"}
        for stage in (Stage.TESTING, Stage.QC):
            row = stages.get(stage.value)
            FIRST_PASS.labels(stage.value).set(_or_nan(row.first_pass_yield if row else None))
        for condition, cases in vars(summary.alerts).items():
            CONDITIONS.labels(condition).set(cases)
        REFRESHED.set(now.timestamp())


def _or_nan(value: float | None) -> float:
    """Prometheus' way of saying "no figure" (nothing shipped, nothing inspected)."""
    return float("nan") if value is None else value
