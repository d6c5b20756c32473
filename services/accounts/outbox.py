"""The mail outbox: a message is written in the transaction that causes it and delivered
after it commits, by a workflow that retries until the mail server takes it."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from persistence.tables import OutboundEmail


@dataclass(frozen=True)
class Mail:
    id: uuid.UUID
    recipient: str
    subject: str
    body: str


async def enqueue(session: AsyncSession, recipient: str, subject: str, body: str) -> uuid.UUID:
    email = OutboundEmail(id=uuid.uuid4(), recipient=recipient, subject=subject, body=body)
    session.add(email)
    await session.flush()
    return email.id


async def pending(session: AsyncSession, email_id: uuid.UUID) -> tuple[bool, Mail | None]:
    """Whether the message exists, and the message if it still waits for delivery."""
    email = await session.get(OutboundEmail, email_id)
    if email is None:
        return False, None
    if email.sent_at is not None or email.body is None:
        return True, None
    return True, Mail(email.id, email.recipient, email.subject, email.body)


async def mark_sent(session: AsyncSession, email_id: uuid.UUID) -> None:
    email = await session.get(OutboundEmail, email_id, with_for_update=True)
    if email is not None:
        email.sent_at = datetime.now(UTC)
        email.body = None  # it may carry a token: keep only who got what, and when
        email.attempts += 1


async def mark_failed(session: AsyncSession, email_id: uuid.UUID, error: str) -> None:
    email = await session.get(OutboundEmail, email_id, with_for_update=True)
    if email is not None:
        email.attempts += 1
        email.last_error = error[:2000]


async def waiting(
    session: AsyncSession, older_than: timedelta, limit: int = 500
) -> list[uuid.UUID]:
    """Messages not sent yet that were queued longer ago than `older_than`, oldest first."""
    rows = await session.scalars(
        select(OutboundEmail.id)
        .where(
            OutboundEmail.sent_at.is_(None),
            OutboundEmail.body.is_not(None),
            OutboundEmail.created_at < datetime.now(UTC) - older_than,
        )
        .order_by(OutboundEmail.created_at)
        .limit(limit)
    )
    return list(rows)
