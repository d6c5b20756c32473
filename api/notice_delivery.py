"""Work started in the background once a request's transaction commits: the deliveries of what
it queued (account mail, notices). The request does not wait for Temporal; a start that fails is
made up by the mail sweep."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from api.deps import Workflows
from persistence.database import after_commit
from services.notifications.dispatch import Queued
from workflow_client.notices import start_deliveries

_STARTING: set[asyncio.Task[None]] = set()  # kept until done (a task nobody holds may vanish)


def in_background_after_commit(
    session: AsyncSession, start: Callable[[], Coroutine[Any, Any, None]]
) -> None:
    """Run `start` in the background once this unit of work commits (not at all if it rolls
    back)."""

    async def soon() -> None:
        task = asyncio.create_task(start())
        _STARTING.add(task)
        task.add_done_callback(_STARTING.discard)

    after_commit(session, soon)


def starts_under_way() -> int:
    """How many deliveries this process is starting now."""
    return len(_STARTING)


def deliver_after_commit(workflows: Workflows, session: AsyncSession, queued: Queued) -> None:
    if queued:
        in_background_after_commit(
            session,
            lambda: start_deliveries(
                workflows.temporal,
                workflows.settings.temporal_task_queue,
                queued.emails,
                queued.webhooks,
            ),
        )
