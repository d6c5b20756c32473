"""Posting one notice to the team webhook, retried until the webhook takes it (a channel's
server down for an hour loses nothing)."""

from __future__ import annotations

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from activities.webhook_delivery import WebhookActivities
    from contracts.notices import DELIVER_WEBHOOK_WORKFLOW, WebhookRef
    from workflows.email_delivery import DELIVERY_RETRY, DELIVERY_TIMEOUT


@workflow.defn(name=DELIVER_WEBHOOK_WORKFLOW)
class DeliverWebhookWorkflow:
    @workflow.run
    async def run(self, ref: WebhookRef) -> None:
        await workflow.execute_activity_method(
            WebhookActivities.deliver_webhook,
            ref,
            start_to_close_timeout=DELIVERY_TIMEOUT,
            retry_policy=DELIVERY_RETRY,
            summary="post the notice",
        )
