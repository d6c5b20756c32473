"""The mail outbox: a message is written in the transaction that causes it and delivered
after it commits, by a workflow that retries until the mail server takes it."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from persistence.tables import OutboundEmail
from services import outbox_rows


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
    await outbox_rows.mark_sent(session, OutboundEmail, email_id)
    email = await session.get(OutboundEmail, email_id)
    if email is not None:
        email.body = None  # it may carry a token: keep only who got what, and when
