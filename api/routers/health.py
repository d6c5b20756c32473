"""Health checks: basic, deep (every dependency), liveness and readiness."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Literal

from fastapi import APIRouter, Response
from pydantic import BaseModel
from sqlalchemy import text
from temporalio.api.workflowservice.v1 import GetSystemInfoRequest

from api.auth.access import PUBLIC
from api.deps import Services, ServicesDep
from persistence.stock_audit import audit_stock

router = APIRouter(dependencies=[PUBLIC])


class Health(BaseModel):
    status: Literal["ok", "degraded"]
    service: str = "zhuchka-mes"
    version: str = "0.1.0"


class Check(BaseModel):
    status: Literal["ok", "failed"]
    latency_ms: float
    error: str | None = None


class DeepHealth(Health):
    checks: dict[str, Check]


@router.get("")
@router.get("/", include_in_schema=False)
@router.get("/liveness")
async def health() -> Health:
    """The process answers (readiness and deep also check what it depends on)."""
    return Health(status="ok")


async def _timed(probe: Callable[[], Awaitable[object]]) -> Check:
    started = time.perf_counter()
    try:
        async with asyncio.timeout(3):
            await probe()
    except Exception as error:
        return Check(
            status="failed", latency_ms=_ms(started), error=f"{type(error).__name__}: {error}"
        )
    return Check(status="ok", latency_ms=_ms(started))


def _ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 2)


async def _checks(services: Services, *, stock_too: bool) -> dict[str, Check]:
    async def database() -> None:
        async with services.engine.connect() as connection:
            await connection.execute(text("SELECT 1"))

    async def redis() -> None:
        await services.redis.ping()

    async def temporal() -> None:
        await services.temporal.workflow_service.get_system_info(GetSystemInfoRequest())

    async def stock() -> None:
        audit = await audit_stock(services.sessions)
        if not audit.consistent:
            raise RuntimeError("; ".join(str(p) for p in audit.problems[:5]))

    probes = {"database": database, "redis": redis, "temporal": temporal}
    if stock_too:
        probes["stock"] = stock
    results = await asyncio.gather(*(_timed(probe) for probe in probes.values()))
    return dict(zip(probes, results, strict=True))


@router.get("/deep", responses={503: {"model": DeepHealth}})
async def deep(services: ServicesDep, response: Response) -> DeepHealth:
    """Every dependency, and the stock invariants (levels = ledger, reserved = reservations)."""
    return _verdict(await _checks(services, stock_too=True), response)


def _verdict(checks: dict[str, Check], response: Response) -> DeepHealth:
    healthy = all(c.status == "ok" for c in checks.values())
    response.status_code = 200 if healthy else 503
    return DeepHealth(status="ok" if healthy else "degraded", checks=checks)


@router.get("/readiness", responses={503: {"model": DeepHealth}})
async def readiness(services: ServicesDep, response: Response) -> DeepHealth:
    """Ready when the API can serve orders: database, Redis and Temporal all answer."""
    return _verdict(await _checks(services, stock_too=False), response)
