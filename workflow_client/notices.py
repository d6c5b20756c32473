"""Starting the deliveries of what a transaction queued for the workshop's people, once it has
committed: idempotent on each message, so a start may be tried again. A start that fails
(Temporal unreachable) is logged and left to the mail sweep."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Sequence

import structlog
from temporalio.client import Client
from temporalio.common import WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.service import RPCError

from contracts.email import EmailRef
from contracts.notices import DELIVER_WEBHOOK_WORKFLOW, WebhookRef
from workflow_client.email import start_delivery

log = structlog.get_logger(__name__)
START_SECONDS = 10.0


def webhook_workflow_id(ref: WebhookRef) -> str:
    return f"webhook-{ref.post_id}"


async def start_webhook_delivery(client: Client, task_queue: str, ref: WebhookRef) -> bool:
    """Start posting a committed notice; False when its delivery already runs or ran."""
    try:
        await client.start_workflow(
            DELIVER_WEBHOOK_WORKFLOW,
            ref,
            id=webhook_workflow_id(ref),
            task_queue=task_queue,
            id_reuse_policy=WorkflowIDReusePolicy.ALLOW_DUPLICATE_FAILED_ONLY,
            static_summary="post a notice to the team webhook",
        )
    except WorkflowAlreadyStartedError:
        return False
    return True


async def start_deliveries(
    client: Client, task_queue: str, emails: Sequence[uuid.UUID], webhooks: Sequence[uuid.UUID]
) -> None:
    """Start delivering the queued mail and posts; what cannot be started now waits for the
    sweep."""
    if not (emails or webhooks):
        return
    try:
        async with asyncio.timeout(START_SECONDS):
            for email_id in emails:
                await start_delivery(client, task_queue, EmailRef(email_id=email_id), "notice")
            for post_id in webhooks:
                await start_webhook_delivery(client, task_queue, WebhookRef(post_id=post_id))
    # RuntimeError: a lazily connected client that cannot reach Temporal at all.
    except (RPCError, TimeoutError, RuntimeError) as failure:
        log.warning(
            "notices.delivery_deferred",
            emails=len(emails),
            webhooks=len(webhooks),
            error=str(failure) or "Temporal did not answer in time",
            hint="the mail sweep starts them",
        )
