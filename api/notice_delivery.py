"""The deliveries of the notices a request gave (a zone out of range), started in the
background once its transaction commits — the request does not wait for Temporal, and a start
that fails is made up by the mail sweep."""

from __future__ import annotations

import asyncio

from sqlalchemy.ext.asyncio import AsyncSession

from api.deps import Workflows
from persistence.database import after_commit
from services.notifications.dispatch import Queued
from workflow_client.notices import start_deliveries

_STARTING: set[asyncio.Task[None]] = set()  # kept until done (a task nobody holds may vanish)


def deliver_after_commit(workflows: Workflows, session: AsyncSession, queued: Queued) -> None:
    if not queued:
        return

    async def soon() -> None:
        task = asyncio.create_task(
            start_deliveries(
                workflows.temporal,
                workflows.settings.temporal_task_queue,
                queued.emails,
                queued.webhooks,
            )
        )
        _STARTING.add(task)
        task.add_done_callback(_STARTING.discard)

    after_commit(session, soon)
