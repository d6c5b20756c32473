"""What the two outboxes share — the mail (`services.accounts.outbox`) and the team webhook's
posts (`services.notifications.webhook_outbox`): a row written in the transaction that causes
it, delivered by a workflow after the commit and marked sent or failed there; the sweep finds
the rows whose delivery start was lost."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from persistence.tables.base import OutboxRow

Row = TypeVar("Row", bound=OutboxRow)
# A row that failed this often (two delivery workflows' worth of tries, most of a day) is given
# up: the sweep starts it no more, so rows that can never go do not crowd out the others.
GIVE_UP_AFTER_ATTEMPTS = 120


async def mark_sent(session: AsyncSession, outbox: type[Row], row_id: uuid.UUID) -> None:
    row = await session.get(outbox, row_id, with_for_update=True)
    if row is not None:
        row.sent_at = datetime.now(UTC)
        row.attempts += 1


async def mark_failed(
    session: AsyncSession, outbox: type[Row], row_id: uuid.UUID, error: str
) -> None:
    row = await session.get(outbox, row_id, with_for_update=True)
    if row is not None:
        row.attempts += 1
        row.last_error = error[:2000]
        if row.attempts >= GIVE_UP_AFTER_ATTEMPTS:
            row.given_up_at = datetime.now(UTC)


async def give_up(session: AsyncSession, outbox: type[Row], row_id: uuid.UUID, error: str) -> None:
    """The receiver refused it for good (it will never take it): not to be tried again."""
    row = await session.get(outbox, row_id, with_for_update=True)
    if row is not None:
        row.attempts += 1
        row.last_error = error[:2000]
        row.given_up_at = datetime.now(UTC)


async def waiting(
    session: AsyncSession, outbox: type[Row], older_than: timedelta, limit: int = 500
) -> list[uuid.UUID]:
    """Rows not sent (nor given up) that were queued longer ago than `older_than`, oldest
    first."""
    rows = await session.scalars(
        select(outbox.id)
        .where(
            outbox.sent_at.is_(None),
            outbox.given_up_at.is_(None),
            outbox.created_at < datetime.now(UTC) - older_than,
        )
        .order_by(outbox.created_at)
        .limit(limit)
    )
    return list(rows)
