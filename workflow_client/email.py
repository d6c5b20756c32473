"""Starting a message's delivery from outside a workflow (the API after its commit, the mail
sweep): idempotent on the message, so a start may be tried again; a delivery that ran out of
attempts may be started anew."""

from __future__ import annotations

from temporalio.client import Client
from temporalio.common import WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError

from contracts.email import DELIVER_EMAIL_WORKFLOW, EmailRef


def email_workflow_id(ref: EmailRef) -> str:
    return f"email-{ref.email_id}"


async def start_delivery(
    client: Client, task_queue: str, ref: EmailRef, subject: str | None = None
) -> bool:
    """Start delivering a committed message; False when its delivery already runs or ran."""
    try:
        await client.start_workflow(
            DELIVER_EMAIL_WORKFLOW,
            ref,
            id=email_workflow_id(ref),
            task_queue=task_queue,
            id_reuse_policy=WorkflowIDReusePolicy.ALLOW_DUPLICATE_FAILED_ONLY,
            static_summary=f"mail: {subject}" if subject else "mail left waiting",
        )
    except WorkflowAlreadyStartedError:
        return False
    return True
