"""A user's inbox of notices and their choices of how each kind reaches them."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime

from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from domain.access import Role
from domain.errors import InvalidInput
from domain.notifications import Choice, NoticeKind, choices_for, kinds_for
from persistence.tables import Notification, NotificationChoice


async def newest(
    session: AsyncSession,
    user_id: uuid.UUID,
    *,
    unread_only: bool = False,
    before: int | None = None,
    limit: int = 50,
) -> list[Notification]:
    """The user's notices, newest first; `before` an id pages back."""
    query = select(Notification).where(Notification.user_id == user_id, Notification.shown)
    if unread_only:
        query = query.where(Notification.read_at.is_(None))
    if before is not None:
        query = query.where(Notification.id < before)
    return list(await session.scalars(query.order_by(Notification.id.desc()).limit(limit)))


async def unread_count(session: AsyncSession, user_id: uuid.UUID) -> int:
    count = await session.scalar(
        select(func.count())
        .select_from(Notification)
        .where(Notification.user_id == user_id, Notification.shown, Notification.read_at.is_(None))
    )
    return int(count or 0)


async def mark_read(session: AsyncSession, user_id: uuid.UUID, ids: Sequence[int] | None) -> int:
    """Mark the user's notices read (these, or all when `ids` is None); a notice read before
    keeps the time it was first read. Returns how many were unread."""
    query = update(Notification).where(
        Notification.user_id == user_id, Notification.shown, Notification.read_at.is_(None)
    )
    if ids is not None:
        query = query.where(Notification.id.in_(ids))
    marked = await session.execute(
        query.values(read_at=datetime.now(UTC)).returning(Notification.id)
    )
    return len(marked.all())


async def choices(session: AsyncSession, user_id: uuid.UUID, roles: Iterable[Role]) -> list[Choice]:
    made = await session.scalars(
        select(NotificationChoice).where(NotificationChoice.user_id == user_id)
    )
    return choices_for(roles, (Choice(NoticeKind(c.kind), c.in_app, c.email) for c in made))


async def choose(
    session: AsyncSession, user_id: uuid.UUID, roles: Iterable[Role], chosen: Sequence[Choice]
) -> list[Choice]:
    """Keep the user's choices for these kinds (the others stay as they were)."""
    roles = list(roles)
    twice = sorted({c.kind.value for c in chosen if [d.kind for d in chosen].count(c.kind) > 1})
    if twice:
        raise InvalidInput(f"each kind once: {', '.join(twice)} given more than once")
    theirs = set(kinds_for(roles))
    foreign = sorted(c.kind.value for c in chosen if c.kind not in theirs)
    if foreign:
        raise InvalidInput(
            f"your roles get no notices of kind {', '.join(foreign)}; yours are "
            f"{', '.join(k.value for k in kinds_for(roles)) or 'none'}"
        )
    if chosen:
        statement = insert(NotificationChoice).values(
            [
                {"user_id": user_id, "kind": c.kind.value, "in_app": c.in_app, "email": c.email}
                for c in chosen
            ]
        )
        await session.execute(
            statement.on_conflict_do_update(
                index_elements=[NotificationChoice.user_id, NotificationChoice.kind],
                set_={"in_app": statement.excluded.in_app, "email": statement.excluded.email},
            )
        )
    return await choices(session, user_id, roles)
