"""Delivering one message from the mail outbox, retried until the mail server takes it."""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy

with workflow.unsafe.imports_passed_through():
    from activities.email_delivery import EmailActivities
    from workflows.contracts import EmailRef


def email_workflow_id(ref: EmailRef) -> str:
    return f"email-{ref.email_id}"


@workflow.defn(name="DeliverEmail")
class DeliverEmailWorkflow:
    @workflow.run
    async def run(self, ref: EmailRef) -> None:
        await workflow.execute_activity_method(
            EmailActivities.deliver_email,
            ref,
            start_to_close_timeout=timedelta(seconds=60),
            retry_policy=RetryPolicy(
                initial_interval=timedelta(seconds=2),
                maximum_interval=timedelta(minutes=10),
                maximum_attempts=60,
            ),
            summary="deliver the message",
        )
