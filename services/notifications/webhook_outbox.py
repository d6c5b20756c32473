"""The team webhook's outbox: a notice's post is written with it and sent after the commit by
a workflow that retries until the webhook takes it (marked sent or failed, and swept, by
`services.outbox_rows`)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from persistence.tables import OutboundWebhook


@dataclass(frozen=True)
class Post:
    id: uuid.UUID
    payload: dict[str, Any]


async def pending(session: AsyncSession, post_id: uuid.UUID) -> tuple[bool, Post | None]:
    """Whether the post exists, and the post if it still waits to be sent."""
    post = await session.get(OutboundWebhook, post_id)
    if post is None:
        return False, None
    if post.sent_at is not None or post.given_up_at is not None:
        return True, None
    return True, Post(post.id, post.payload)
