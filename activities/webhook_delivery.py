"""Posting notices to the team webhook (Slack or Mattermost). As with mail, no transaction is
held while the webhook answers: read, post, then record. A retry after a crash between posting
and recording may post twice; it never loses a notice."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta

import httpx
import structlog
from temporalio import activity
from temporalio.client import Client
from temporalio.exceptions import ApplicationError

from activities.edge import at_the_edge
from activities.email_delivery import not_committed
from contracts.email import MailSweep
from contracts.notices import WebhookRef
from core.settings import Settings
from persistence.database import SessionFactory
from persistence.tables import OutboundWebhook
from services import outbox_rows
from services.notifications import webhook_outbox
from workflow_client.notices import start_webhook_delivery

log = structlog.get_logger(__name__)
POST_SECONDS = 15.0


class WebhookActivities:
    def __init__(self, sessions: SessionFactory, client: Client, settings: Settings) -> None:
        self._sessions = sessions
        self._client = client
        self._settings = settings

    @activity.defn(name="start_undelivered_posts")
    @at_the_edge
    async def start_undelivered(self, sweep: MailSweep) -> int:
        """Start the delivery of posts that waited longer than the sweep says (none while no
        webhook is configured: they wait for one)."""
        if not self._settings.notify_webhook_url:
            return 0
        async with self._sessions() as session:
            waiting = await outbox_rows.waiting(
                session, OutboundWebhook, timedelta(seconds=sweep.older_than_seconds)
            )
        started = 0
        for post_id in waiting:
            started += await start_webhook_delivery(
                self._client, self._settings.temporal_task_queue, WebhookRef(post_id=post_id)
            )
        if started:
            log.info("webhook.deliveries_restarted", count=started)
        return started

    @activity.defn(name="deliver_webhook")
    @at_the_edge
    async def deliver_webhook(self, ref: WebhookRef) -> bool:
        """Returns True when this call posted the notice, False when it was posted before."""
        async with self._sessions() as session:
            exists, post = await webhook_outbox.pending(session, ref.post_id)
        if not exists:
            raise not_committed("post")
        if post is None:
            return False
        url = self._settings.notify_webhook_url
        if not url:
            raise ApplicationError(
                "NOTIFY_WEBHOOK_URL is not set; the sweep posts it once it is",
                type="not_configured",
                non_retryable=True,
            )
        refused = await _post(url, post.payload)
        if refused is None:
            async with self._sessions.begin() as session:
                await outbox_rows.mark_sent(session, OutboundWebhook, ref.post_id)
            log.info("webhook.sent", post_id=str(ref.post_id))
            return True
        why, for_good = refused
        async with self._sessions.begin() as session:
            if for_good:
                await outbox_rows.give_up(session, OutboundWebhook, ref.post_id, why)
            else:
                await outbox_rows.mark_failed(session, OutboundWebhook, ref.post_id, why)
        log.warning("webhook.failed", post_id=str(ref.post_id), error=why, given_up=for_good)
        raise ApplicationError(why, type="webhook_refused", non_retryable=for_good)

    def all(self) -> list[Callable[..., Awaitable[object]]]:
        return [self.start_undelivered, self.deliver_webhook]


# What a webhook may answer when it will take the same post later (a timeout, too many).
_WORTH_RETRYING = {408, 425, 429}


async def _post(url: str, payload: dict[str, object]) -> tuple[str, bool] | None:
    """Post the payload; None when the webhook took it, else why not (never naming the URL: it
    is the channel's key) and whether that is for good (a 4xx: a deleted channel, a bad URL)."""
    try:
        async with httpx.AsyncClient(timeout=POST_SECONDS) as http:
            answer = await http.post(url, json=payload)
    except httpx.HTTPError as failure:
        return f"the webhook could not be reached ({type(failure).__name__})", False
    if answer.is_success:
        return None
    code = answer.status_code
    return f"the webhook answered {code}", 400 <= code < 500 and code not in _WORTH_RETRYING
