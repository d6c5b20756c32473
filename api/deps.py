"""Request dependencies. `SessionDep` is the request's unit of work: it commits after the
endpoint returns (before the response is sent), rolls back if anything raised, and then runs
what was to wait for the commit (`persistence.database.after_commit`)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from temporalio.client import Client

from api.auth.rate_limit import RateLimiter
from api.auth.sessions import SessionStore
from api.auth.tokens import TokenCodec
from api.live_events import LiveEvents
from core.settings import Settings
from persistence.database import SessionFactory, run_after_commit
from persistence.stock_audit import RecentAudit


@dataclass
class Services:
    settings: Settings
    engine: AsyncEngine
    sessions: SessionFactory
    redis: Redis
    temporal: Client
    tokens: TokenCodec
    sessions_store: SessionStore
    limiter: RateLimiter
    audits: RecentAudit
    events: LiveEvents


def _services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


async def _session(request: Request) -> AsyncIterator[AsyncSession]:
    async with _services(request).sessions.begin() as session:
        yield session
    await run_after_commit(session)


ServicesDep = Annotated[Services, Depends(_services)]
SessionDep = Annotated[AsyncSession, Depends(_session, scope="function")]
