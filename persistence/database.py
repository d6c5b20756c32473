"""Engine and sessions. A unit of work is `async with sessions.begin() as session:` — it
commits when the block ends normally and rolls back on any exception."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from sqlalchemy import event, func, select, text
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction

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


# --- who acts: the audit log's actor -------------------------------------------------------

ACTOR_SETTING = "zhuchka.actor"  # read by the audit triggers (migration 0012)
_ACTOR, _NAMED = "actor", "actor_named"


def act_as(session: AsyncSession, actor: str | Callable[[], str | None]) -> None:
    """Name who acts in this session's transactions, for the audit log: a name, or a function
    asked when the transaction first writes (the request's user, known once signed in)."""
    session.info[_ACTOR] = actor


def _name_the_actor(session: Session) -> None:
    """Before a transaction's first write: the actor, as a setting local to the transaction.
    Read-only transactions pay nothing."""
    if session.info.get(_NAMED):
        return
    actor = session.info.get(_ACTOR)
    name = actor() if callable(actor) else actor
    if name:
        setting = (ACTOR_SETTING, name)
        session.connection().exec_driver_sql("SELECT set_config(%s, %s, true)", setting)
        session.info[_NAMED] = True


@event.listens_for(Session, "do_orm_execute")
def _before_a_statement(state: ORMExecuteState) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        _name_the_actor(state.session)


@event.listens_for(Session, "before_flush")
def _before_a_flush(session: Session, *_: object) -> None:
    _name_the_actor(session)


@event.listens_for(Session, "after_transaction_end")
def _transaction_ended(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:
        session.info.pop(_NAMED, None)
