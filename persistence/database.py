"""Engine and sessions. A unit of work is `async with sessions.begin() as session:` — it
commits when the block ends normally and rolls back on any exception."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from core.settings import Settings

SessionFactory = async_sessionmaker[AsyncSession]


def create_engine(settings: Settings) -> AsyncEngine:
    """A pool that checks a connection before lending it (so one broken by a restart of
    PostgreSQL is replaced, not handed out) and gives up within seconds while PostgreSQL is
    down, instead of hanging the caller."""
    return create_async_engine(
        settings.database_url,
        pool_size=settings.postgres_pool_size,
        max_overflow=settings.postgres_max_overflow,
        pool_pre_ping=True,
        pool_timeout=10,
        connect_args={"connect_timeout": 5},
    )


def create_session_factory(engine: AsyncEngine) -> SessionFactory:
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False)


async def hold_lock(session: AsyncSession, name: str) -> None:
    """Wait for, then hold until this unit of work ends, the transaction-scoped advisory lock
    called `name`: whoever asks for it next runs after this one committed and sees its rows."""
    await session.execute(select(func.pg_advisory_xact_lock(func.hashtext(name))))


_AFTER_COMMIT = "after_commit"


def after_commit(session: AsyncSession, action: Callable[[], Awaitable[object]]) -> None:
    """Run `action` once this unit of work has committed (and not at all if it rolls back):
    for what must not be seen before the change it follows is (ending sessions in Redis)."""
    session.info.setdefault(_AFTER_COMMIT, []).append(action)


async def run_after_commit(session: AsyncSession) -> None:
    for action in session.info.pop(_AFTER_COMMIT, []):
        await action()


ANALYTICS_WORK_MEM = "64MB"


async def room_to_sort(session: AsyncSession) -> None:
    """For the rest of the transaction, sorts and hashes of up to 64 MB stay in memory (the
    analytics' percentiles over a year of stage passes; the default 4 MB spills to disk)."""
    await session.execute(text(f"SET LOCAL work_mem = '{ANALYTICS_WORK_MEM}'"))
