"""Delivering one message from the mail outbox, retried until the mail server takes it; and
the sweep, on a Temporal Schedule, that starts the delivery of any message — mail, or a post
to the team webhook — whose start was lost (Temporal was down when its transaction committed)."""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy

with workflow.unsafe.imports_passed_through():
    from activities.email_delivery import EmailActivities
    from activities.webhook_delivery import WebhookActivities
    from contracts.email import DELIVER_EMAIL_WORKFLOW, EmailRef, MailSweep

SWEEP_SCHEDULE_ID = "mail-sweep"
# A delivery is tried for hours: a mail server or a channel down for an afternoon loses nothing.
DELIVERY_TIMEOUT = timedelta(seconds=60)
DELIVERY_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=2),
    maximum_interval=timedelta(minutes=10),
    maximum_attempts=60,
)
SWEEP_RETRY = RetryPolicy(maximum_interval=timedelta(minutes=1), maximum_attempts=3)


@workflow.defn(name=DELIVER_EMAIL_WORKFLOW)
class DeliverEmailWorkflow:
    @workflow.run
    async def run(self, ref: EmailRef) -> None:
        await workflow.execute_activity_method(
            EmailActivities.deliver_email,
            ref,
            start_to_close_timeout=DELIVERY_TIMEOUT,
            retry_policy=DELIVERY_RETRY,
            summary="deliver the message",
        )


@workflow.defn(name="MailSweep")
class MailSweepWorkflow:
    @workflow.run
    async def run(self, sweep: MailSweep) -> int:
        started: int = await workflow.execute_activity_method(
            EmailActivities.start_undelivered,
            sweep,
            start_to_close_timeout=timedelta(minutes=2),
            retry_policy=SWEEP_RETRY,
            summary="start the delivery of messages left waiting",
        )
        if workflow.patched("sweep-webhook-posts"):
            started += await workflow.execute_activity_method(
                WebhookActivities.start_undelivered,
                sweep,
                start_to_close_timeout=timedelta(minutes=2),
                retry_policy=RetryPolicy(maximum_interval=timedelta(minutes=1), maximum_attempts=3),
                summary="start the delivery of webhook posts left waiting",
            )
        return started
