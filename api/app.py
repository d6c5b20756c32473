"""The FastAPI application: routers, error handlers, metrics, and the services it holds."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from redis.asyncio import Redis

from api.auth.access import refuse_undeclared
from api.auth.rate_limit import RateLimiter
from api.auth.sessions import SessionStore
from api.auth.tokens import TokenCodec
from api.deps import Services
from api.errors import install_error_handlers
from api.metrics import MetricsMiddleware, metrics_endpoint
from api.routers import (
    account,
    dev_mail,
    floor,
    health,
    inventory_reports,
    items,
    locations,
    orders,
    products,
    purchase_orders,
    quality,
    stock,
    stocktakes,
    suppliers,
    users,
)
from persistence.database import create_engine, create_session_factory
from zhuchka.settings import Settings, get_settings
from zhuchka.temporal_client import connect


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = create_engine(settings)
        redis = Redis.from_url(settings.redis_url, decode_responses=True)
        tokens = TokenCodec(settings)
        app.state.services = Services(
            settings=settings,
            engine=engine,
            sessions=create_session_factory(engine),
            redis=redis,
            # Lazy: the API starts (and reports not-ready) while Temporal is still coming up.
            temporal=await connect(settings, lazy=True),
            tokens=tokens,
            sessions_store=SessionStore(redis, tokens),
            limiter=RateLimiter(redis, window=settings.rate_limit_window_seconds),
        )
        try:
            yield
        finally:
            await redis.aclose()
            await engine.dispose()

    app = FastAPI(
        title="Zhuchka MES",
        version="0.1.0",
        summary="Orders as durable Temporal workflows, stock, purchasing and the shop floor",
        docs_url="/api/docs",
        redoc_url="/api/redoc",
        openapi_url="/api/openapi.json",
        lifespan=lifespan,
    )
    app.add_middleware(MetricsMiddleware)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.cors_origins,
        allow_methods=["*"],
        allow_headers=["*"],
    )
    install_error_handlers(app)
    app.add_route("/metrics", metrics_endpoint, include_in_schema=False)
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
    app.include_router(floor.router, prefix="/api/production", tags=["shop floor"])
    app.include_router(quality.router, prefix="/api/quality", tags=["quality control"])
    app.include_router(suppliers.router, prefix="/api/purchasing", tags=["suppliers"])
    app.include_router(purchase_orders.router, prefix="/api/purchasing", tags=["purchase orders"])
    app.include_router(account.router, prefix="/api/user", tags=["account"])
    app.include_router(users.router, prefix="/api/users", tags=["users"])
    if settings.is_dev:
        app.include_router(dev_mail.router, prefix="/api/dev", tags=["development"])
    refuse_undeclared(app)
    return app
