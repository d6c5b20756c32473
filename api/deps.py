"""Request dependencies, each naming the one thing an endpoint touches. `SessionDep` is the
request's unit of work: it commits after the endpoint returns (before the response is sent),
rolls back if anything raised, and then runs what was to wait for the commit
(`persistence.database.after_commit`). `SessionsDep` opens short reads of their own, for the
endpoints that must not hold a transaction while a workflow works."""

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
from persistence.database import SessionFactory, act_as, run_after_commit
from services.inventory.stock_audit import RecentAudit


@dataclass
class Services:
    """What the app holds for its lifetime (on `app.state`); endpoints take one part each."""

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


# The dependencies below are `async def` although they only look something up: FastAPI runs a
# plain `def` dependency in a worker thread, a hop per dependency on every request.


def _services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


async def _session(request: Request) -> AsyncIterator[AsyncSession]:
    async with _services(request).sessions.begin() as session:
        # Its writes are the signed-in user's in the audit log (set by authentication).
        act_as(session, lambda: getattr(request.state, "actor", None))
        yield session
    await run_after_commit(session)


async def _engine(request: Request) -> AsyncEngine:
    return _services(request).engine


async def _redis(request: Request) -> Redis:
    return _services(request).redis


async def _settings(request: Request) -> Settings:
    return _services(request).settings


async def _sessions(request: Request) -> SessionFactory:
    return _services(request).sessions


async def _temporal(request: Request) -> Client:
    return _services(request).temporal


async def _limiter(request: Request) -> RateLimiter:
    return _services(request).limiter


async def _sign_ins(request: Request) -> SessionStore:
    return _services(request).sessions_store


async def _tokens(request: Request) -> TokenCodec:
    return _services(request).tokens


async def _events(request: Request) -> LiveEvents:
    return _services(request).events


async def _audits(request: Request) -> RecentAudit:
    return _services(request).audits


EngineDep = Annotated[AsyncEngine, Depends(_engine)]
RedisDep = Annotated[Redis, Depends(_redis)]
SessionDep = Annotated[AsyncSession, Depends(_session, scope="function")]
SessionsDep = Annotated[SessionFactory, Depends(_sessions)]
SettingsDep = Annotated[Settings, Depends(_settings)]
TemporalDep = Annotated[Client, Depends(_temporal)]
LimiterDep = Annotated[RateLimiter, Depends(_limiter)]
SignInsDep = Annotated[SessionStore, Depends(_sign_ins)]
TokensDep = Annotated[TokenCodec, Depends(_tokens)]
EventsDep = Annotated[LiveEvents, Depends(_events)]
AuditsDep = Annotated[RecentAudit, Depends(_audits)]


@dataclass(frozen=True)
class Workflows:
    """What a call of a workflow needs: the client, the time it may take and the task queue
    (from the settings), and short reads of the database of their own (no transaction is held
    while a workflow works)."""

    temporal: Client
    sessions: SessionFactory
    settings: Settings

    @property
    def within(self) -> float:
        return self.settings.workflow_call_timeout_seconds


async def _workflows(
    temporal: TemporalDep, sessions: SessionsDep, settings: SettingsDep
) -> Workflows:
    return Workflows(temporal, sessions, settings)


WorkflowsDep = Annotated[Workflows, Depends(_workflows)]
