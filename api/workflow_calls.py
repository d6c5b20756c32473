"""Calling workflows from the API, with Temporal's failures mapped to HTTP answers (see NOTES:
a rejected update is a 409, a silent worker a 503, never a hung request)."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from temporalio.client import (
    WorkflowHandle,
    WorkflowUpdateFailedError,
    WorkflowUpdateRPCTimeoutOrCancelledError,
)
from temporalio.service import RPCError, RPCStatusCode

from api.deps import Workflows
from api.errors import ServiceUnavailable
from api.server_timing import timed
from contracts.failures import as_domain_error
from domain.errors import Conflict, NotFound, OrderClosed
from domain.stages import FINAL_STATUSES
from persistence.tables import Order, OrderStageRecord
from workflows.order_workflow import OrderWorkflow


@contextlib.asynccontextmanager
async def temporal_call(failed: str, *, within: float) -> AsyncIterator[None]:
    """Around a call to Temporal: a 503 saying what `failed` when it refuses or does not answer
    within `within` seconds, never a hung request or a 500."""
    try:
        async with asyncio.timeout(within):
            with timed("temporal"):
                yield
    except (RPCError, TimeoutError) as failure:
        why = str(failure) or "Temporal did not answer in time"
        raise ServiceUnavailable(f"{failed}: {why}") from failure


async def execute_update(
    handle: WorkflowHandle[Any, Any],
    update: Any,
    argument: Any,
    *,
    update_id: str | None = None,
    within: float,
    start_missing: Callable[[], Awaitable[None]] | None = None,
) -> Any:
    """Run an update and wait for its outcome. With an `update_id`, a repeat of the same call
    (a client retrying after a 503) joins the first one instead of running twice. A workflow
    that does not run is a closed one (409), unless `start_missing` starts it: then the update
    is tried once more."""
    try:
        async with asyncio.timeout(within):
            with timed("temporal"):
                try:
                    return await handle.execute_update(update, argument, id=update_id)
                except RPCError as failure:
                    if failure.status != RPCStatusCode.NOT_FOUND or start_missing is None:
                        raise
                    await start_missing()
                    return await handle.execute_update(update, argument, id=update_id)
    except WorkflowUpdateFailedError as failure:
        raise as_domain_error(failure.cause) or Conflict(str(failure.cause)) from failure
    except RPCError as failure:
        if failure.status == RPCStatusCode.NOT_FOUND:
            raise OrderClosed("the workflow is no longer running") from failure
        raise ServiceUnavailable(f"Temporal refused the call: {failure.message}") from failure
    except (TimeoutError, WorkflowUpdateRPCTimeoutOrCancelledError) as failure:
        raise ServiceUnavailable(
            "the workflow did not answer in time (is the worker running?)"
        ) from failure


async def signal_quietly(handle: WorkflowHandle[Any, Any], signal: Any, *, within: float) -> bool:
    """Send a signal that is only a hint (the workflow also rechecks by itself)."""
    try:
        async with asyncio.timeout(within):
            await handle.signal(signal)
    except (RPCError, TimeoutError):
        return False
    return True


@dataclass(frozen=True)
class RunningOrder:
    handle: WorkflowHandle[OrderWorkflow, object]
    number: str
    product_id: uuid.UUID
    status: str
    stage: str | None  # as last projected (the workflow has the last word)
    passes: list[OrderStageRecord]  # every pass through a stage so far, in order

    def refuse_if_closed(self) -> None:
        if self.status in FINAL_STATUSES:
            raise OrderClosed(f"the order is already {self.status}", status=self.status)


async def running_order(
    workflows: Workflows, order_id: uuid.UUID, *, closed_too: bool = False
) -> RunningOrder:
    """The order's workflow, looked up in a short read of its own (no transaction is held
    while the workflow works); 409 at once when the order is already closed, unless
    `closed_too` (the caller tells a repeat of what closed it from a late request)."""
    async with workflows.sessions() as session:
        order = await session.get(Order, order_id)
        if order is None:
            raise NotFound(f"order {order_id} does not exist", order_id=str(order_id))
        passes = await session.scalars(
            select(OrderStageRecord)
            .where(OrderStageRecord.order_id == order_id)
            .order_by(OrderStageRecord.seq)
        )
        handle: WorkflowHandle[OrderWorkflow, object] = workflows.temporal.get_workflow_handle(
            order.workflow_id
        )
        running = RunningOrder(
            handle, order.number, order.product_id, order.status, order.stage, list(passes)
        )
    if not closed_too:
        running.refuse_if_closed()
    return running
