"""Calling order workflows from the API, with Temporal's failures mapped to HTTP answers
(see NOTES: a rejected update is a 409, a silent worker a 503, never a hung request)."""

from __future__ import annotations

import asyncio
from typing import Any

from temporalio.client import (
    WorkflowHandle,
    WorkflowUpdateFailedError,
    WorkflowUpdateRPCTimeoutOrCancelledError,
)
from temporalio.service import RPCError, RPCStatusCode

from api.errors import ServiceUnavailable
from domain.errors import Conflict, OrderClosed
from workflows.failures import as_domain_error


async def execute_update(
    handle: WorkflowHandle[Any, Any],
    update: Any,
    argument: Any,
    *,
    update_id: str | None = None,
    within: float,
) -> Any:
    """Run an update and wait for its outcome. With an `update_id`, a repeat of the same call
    (a client retrying after a 503) joins the first one instead of running twice."""
    try:
        async with asyncio.timeout(within):
            return await handle.execute_update(update, argument, id=update_id)
    except WorkflowUpdateFailedError as failure:
        raise as_domain_error(failure.cause) or Conflict(str(failure.cause)) from failure
    except RPCError as failure:
        if failure.status == RPCStatusCode.NOT_FOUND:
            raise OrderClosed("the order's workflow is no longer running") from failure
        raise ServiceUnavailable(f"Temporal refused the call: {failure.message}") from failure
    except (TimeoutError, WorkflowUpdateRPCTimeoutOrCancelledError) as failure:
        raise ServiceUnavailable(
            "the order workflow did not answer in time (is the worker running?)"
        ) from failure


async def signal_quietly(handle: WorkflowHandle[Any, Any], signal: Any, *, within: float) -> bool:
    """Send a signal that is only a hint (the workflow also rechecks by itself)."""
    try:
        async with asyncio.timeout(within):
            await handle.signal(signal)
    except (RPCError, TimeoutError):
        return False
    return True
