"""Health checks: basic and liveness (the process answers), readiness (its dependencies answer),
and deep (dependencies with their errors, and the stock audit) for admins.

The public checks say only what is up; what failed and why is for admins. The stock audit reads
every level and the whole ledger, so it runs at most once at a time and its verdict is reused
for a while (`Services.audits`): however often the deep check is called, the database is not
drowned.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Literal

from fastapi import APIRouter, Response
from pydantic import BaseModel
from redis.asyncio import Redis
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio.api.workflowservice.v1 import GetSystemInfoRequest
from temporalio.client import Client

from api.auth.access import PUBLIC, requires
from api.deps import AuditsDep, EngineDep, RedisDep, SessionDep, TemporalDep
from api.errors import RETRY_AFTER_SECONDS, ErrorOut
from api.queries import workshop_summary
from domain.access import Action

router = APIRouter()
PROBE_TIMEOUT_SECONDS = 3.0


class Health(BaseModel):
    status: Literal["ok", "degraded"]
    service: str = "zhuchka-mes"
    version: str = "0.1.0"


class Check(BaseModel):
    status: Literal["ok", "failed"]
    latency_ms: float
    error: str | None = None  # deep check only


class DeepHealth(Health):
    checks: dict[str, Check]


@router.get("", dependencies=[PUBLIC])
@router.get("/", include_in_schema=False, dependencies=[PUBLIC])
@router.get("/liveness", dependencies=[PUBLIC])
async def health() -> Health:
    """The process answers (readiness and deep also check what it depends on)."""
    return Health(status="ok")


@router.get(
    "/readiness",
    dependencies=[PUBLIC],
    responses={503: {"model": DeepHealth, "description": "A dependency does not answer"}},
)
async def readiness(
    engine: EngineDep, redis: RedisDep, temporal: TemporalDep, response: Response
) -> DeepHealth:
    """Ready when the API can serve orders: database, Redis and Temporal all answer."""
    checks = await _dependencies(engine, redis, temporal)
    public = {name: check.model_copy(update={"error": None}) for name, check in checks.items()}
    return _verdict(public, response)


@router.get(
    "/deep",
    dependencies=[requires(Action.DIAGNOSE)],
    responses={
        503: {"model": DeepHealth, "description": "A dependency or the stock audit failed"},
        403: {"model": ErrorOut, "description": "Admins only"},
    },
)
async def deep(
    engine: EngineDep,
    redis: RedisDep,
    temporal: TemporalDep,
    audits: AuditsDep,
    response: Response,
) -> DeepHealth:
    """Every dependency with its error, and the stock invariants (levels = ledger, reserved =
    reservations, quarantined = quarantine bins): admins only; the audit's verdict may be up
    to half a minute old."""

    async def stock() -> None:
        audit = await audits.get()
        if not audit.consistent:
            raise RuntimeError("; ".join(str(p) for p in audit.problems[:5]))

    dependencies, audit = await asyncio.gather(
        _dependencies(engine, redis, temporal), _timed(stock)
    )
    return _verdict({**dependencies, "stock": audit}, response)


def _verdict(checks: dict[str, Check], response: Response) -> DeepHealth:
    healthy = all(c.status == "ok" for c in checks.values())
    response.status_code = 200 if healthy else 503
    if not healthy:
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return DeepHealth(status="ok" if healthy else "degraded", checks=checks)


async def _timed(probe: Callable[[], Awaitable[object]]) -> Check:
    started = time.perf_counter()
    try:
        async with asyncio.timeout(PROBE_TIMEOUT_SECONDS):
            await probe()
    except Exception as error:  # a probe reports every failure; it never raises
        return Check(status="failed", latency_ms=_ms(started), error=_describe(error))
    return Check(status="ok", latency_ms=_ms(started))


def _describe(error: Exception) -> str:
    return f"{type(error).__name__}: {error}" if str(error) else type(error).__name__


def _ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 2)


async def _dependencies(engine: AsyncEngine, redis: Redis, temporal: Client) -> dict[str, Check]:
    async def database() -> None:
        async with engine.connect() as connection:
            await connection.execute(text("SELECT 1"))

    async def cache() -> None:
        await redis.ping()

    async def server() -> None:
        await temporal.workflow_service.get_system_info(GetSystemInfoRequest())

    probes = {"database": database, "redis": cache, "temporal": server}
    results = await asyncio.gather(*(_timed(probe) for probe in probes.values()))
    return dict(zip(probes, results, strict=True))


@router.get("/metrics-summary", dependencies=[requires(Action.READ)])
async def metrics_summary(session: SessionDep) -> workshop_summary.MetricsSummary:
    """The workshop in one call: orders by status, open orders per stage, what shipped today
    (in the plant's time zone), the on-time rate of the last 30 days, open and late purchase
    orders, low stock, and the conditions the alerts watch — orders at risk, stages past their
    target, late purchase orders, zones whose last reading is out of range, low stock — with
    how many of them hold."""
    return await workshop_summary.metrics_summary(session)
