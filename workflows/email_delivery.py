"""Delivering one message from the mail outbox, retried until the mail server takes it; and
the sweep, on a Temporal Schedule, that starts the delivery of any message whose start was
lost (Temporal was down when its request committed)."""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy

with workflow.unsafe.imports_passed_through():
    from activities.email_delivery import EmailActivities
    from contracts.email import DELIVER_EMAIL_WORKFLOW, EmailRef, MailSweep

SWEEP_SCHEDULE_ID = "mail-sweep"


@workflow.defn(name=DELIVER_EMAIL_WORKFLOW)
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


@workflow.defn(name="MailSweep")
class MailSweepWorkflow:
    @workflow.run
    async def run(self, sweep: MailSweep) -> int:
        started: int = await workflow.execute_activity_method(
            EmailActivities.start_undelivered,
            sweep,
            start_to_close_timeout=timedelta(minutes=2),
            retry_policy=RetryPolicy(maximum_interval=timedelta(minutes=1), maximum_attempts=3),
            summary="start the delivery of messages left waiting",
        )
        return started
