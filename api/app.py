"""The FastAPI application: routers, error handlers, metrics, guards, and the services it holds."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialBackoff
from redis.exceptions import ConnectionError as RedisConnectionError

from api.auth.access import refuse_undeclared
from api.auth.rate_limit import RateLimiter
from api.auth.sessions import SessionStore
from api.auth.tokens import TokenCodec
from api.deps import Services
from api.documentation import add_documentation
from api.errors import install_error_handlers
from api.live_events import LiveEvents
from api.metrics import MetricsMiddleware, metrics_endpoint
from api.openapi import errors_declared
from api.request_guard import RequestGuard
from api.routers import (
    about,
    account,
    analytics,
    audit,
    calendars,
    dev_mail,
    events,
    floor,
    floor_resources,
    health,
    inventory_reports,
    items,
    locations,
    notifications,
    orders,
    products,
    purchase_orders,
    purchasing_suggestions,
    quality,
    stock,
    stocktakes,
    suppliers,
    users,
)
from api.security_headers import SecurityHeaders
from api.server_timing import ServerTiming, time_statements
from api.web_app import serve_web_app
from api.workshop_gauges import WorkshopGauges
from core.settings import Settings, get_settings
from persistence.database import create_engine, create_session_factory
from services.inventory.stock_audit import RecentAudit
from workflow_client.connect import connect

# Swagger UI and ReDoc, served from this process: the docs work without internet access.
AUDIT_TTL_SECONDS = 30.0


def redis_client(settings: Settings) -> Redis:
    """A Redis client that gives up within seconds when Redis is down or hangs (the API answers
    503, or reads without it) and, once it is back, drops a dead pooled connection at its
    first failure and tries again once (a timeout is not tried again: it would only double)."""
    return Redis.from_url(
        settings.redis_url,
        decode_responses=True,
        socket_connect_timeout=2,
        socket_timeout=2,
        health_check_interval=15,
        retry=Retry(ExponentialBackoff(cap=0.5, base=0.05), retries=1),
        retry_on_error=[RedisConnectionError],
    )


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = create_engine(settings)
        if settings.server_timing:
            time_statements(engine)
        redis = redis_client(settings)
        tokens = TokenCodec(settings)
        sessions = create_session_factory(engine)
        events = LiveEvents(settings.database_url.replace("+psycopg", ""))
        app.state.services = Services(
            settings=settings,
            engine=engine,
            sessions=sessions,
            redis=redis,
            # Lazy: the API starts (and reports not-ready) while Temporal is still coming up.
            temporal=await connect(settings, lazy=True),
            tokens=tokens,
            sessions_store=SessionStore(redis, tokens),
            limiter=RateLimiter(redis, window=settings.rate_limit_window_seconds),
            audits=RecentAudit(sessions, ttl=AUDIT_TTL_SECONDS),
            events=events,
        )
        app.state.workshop_gauges = WorkshopGauges(sessions)
        await events.start()
        try:
            yield
        finally:
            await events.stop()
            await redis.aclose()
            await engine.dispose()

    app = FastAPI(
        title="Zhuchka MES",
        version="0.1.0",
        summary="Orders as durable Temporal workflows, stock, purchasing and the shop floor",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,  # served by api.documentation, behind its password in production
        lifespan=lifespan,
    )
    # Outermost last: every answer gets the security headers and is counted; the guard sees
    # every request before the endpoints.
    app.add_middleware(RequestGuard)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.cors_origins,
        allow_methods=["*"],
        allow_headers=["*"],
    )
    app.add_middleware(MetricsMiddleware)
    app.add_middleware(SecurityHeaders)
    if settings.server_timing:
        app.add_middleware(ServerTiming)
    install_error_handlers(app)
    app.add_route("/metrics", metrics_endpoint, include_in_schema=False)
    add_documentation(app)
    app.include_router(health.router, prefix="/api/health", tags=["health"])
    for router, tag in (
        (items.router, "items"),
        (locations.router, "warehouses"),
        (stock.router, "stock"),
        (stocktakes.router, "stocktakes"),
        (inventory_reports.router, "inventory analytics and files"),
    ):
        app.include_router(router, prefix="/api/inventory", tags=[tag])
    app.include_router(products.router, prefix="/api/production", tags=["products"])
    app.include_router(orders.router, prefix="/api/production", tags=["orders"])
    app.include_router(floor_resources.router, prefix="/api/production", tags=["shop floor"])
    app.include_router(calendars.router, prefix="/api/production", tags=["shop floor"])
    app.include_router(floor.router, prefix="/api/production", tags=["shop floor"])
    app.include_router(quality.router, prefix="/api/quality", tags=["quality control"])
    app.include_router(suppliers.router, prefix="/api/purchasing", tags=["suppliers"])
    app.include_router(purchase_orders.router, prefix="/api/purchasing", tags=["purchase orders"])
    app.include_router(
        purchasing_suggestions.router, prefix="/api/purchasing", tags=["purchase orders"]
    )
    app.include_router(account.router, prefix="/api/user", tags=["account"])
    app.include_router(
        notifications.router, prefix="/api/user/me/notifications", tags=["notifications"]
    )
    app.include_router(users.router, prefix="/api/users", tags=["users"])
    app.include_router(events.router, prefix="/api/events", tags=["live events"])
    app.include_router(about.router, prefix="/api/about", tags=["about"])
    app.include_router(analytics.router, prefix="/api/analytics", tags=["analytics"])
    app.include_router(audit.router, prefix="/api/audit", tags=["audit"])
    if settings.is_dev:
        app.include_router(dev_mail.router, prefix="/api/dev", tags=["development"])
    serve_web_app(app, settings.web_dist)
    refuse_undeclared(app)
    app.openapi = errors_declared(app)  # type: ignore[method-assign]
    return app


def published_schema(settings: Settings) -> dict[str, Any]:
    """The OpenAPI document of a production API (what the web app's client is made from)."""
    return create_app(settings.model_copy(update={"environment": "prod"})).openapi()
