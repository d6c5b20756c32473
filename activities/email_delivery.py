"""Sending outbox mail over SMTP. The database transaction is never held while the mail server
talks: read, send, then record. A retry after a crash between sending and recording may send
the message twice; it never loses it."""

from __future__ import annotations

import asyncio
import smtplib
from datetime import timedelta
from email.message import EmailMessage

import structlog
from temporalio import activity
from temporalio.client import Client
from temporalio.exceptions import ApplicationError

from activities.edge import at_the_edge
from contracts.email import EmailRef, MailSweep
from core.settings import Settings
from persistence.database import SessionFactory
from persistence.tables import OutboundEmail
from services import outbox_rows
from services.accounts import outbox
from workflow_client.email import start_delivery

log = structlog.get_logger(__name__)

# A message id whose row is not there yet was started by a request that has not committed;
# after this many tries the request must have rolled back.
MISSING_ROW_ATTEMPTS = 5


def not_committed(what: str) -> ApplicationError:
    """A message whose row is not there: retried a few times, then given up as rolled back."""
    final = activity.info().attempt >= MISSING_ROW_ATTEMPTS
    return ApplicationError(
        f"the {what} was never committed" if final else f"the {what} is not committed yet",
        type="not_committed",
        non_retryable=final,
    )


def send_over_smtp(settings: Settings, mail: outbox.Mail) -> None:
    message = EmailMessage()
    message["From"] = settings.mail_from
    message["To"] = mail.recipient
    message["Subject"] = mail.subject
    message["Message-ID"] = f"<{mail.id}@zhuchka-mes>"
    message.set_content(mail.body)
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=20) as smtp:
        if settings.smtp_starttls:
            smtp.starttls()
        if settings.smtp_username:
            smtp.login(settings.smtp_username, settings.smtp_password)
        smtp.send_message(message)


class EmailActivities:
    def __init__(self, sessions: SessionFactory, client: Client, settings: Settings) -> None:
        self._sessions = sessions
        self._client = client
        self._settings = settings

    @activity.defn(name="start_undelivered_mail")
    @at_the_edge
    async def start_undelivered(self, sweep: MailSweep) -> int:
        """Start the delivery of messages that waited longer than the sweep says (their start
        was lost); returns how many were started."""
        async with self._sessions() as session:
            waiting = await outbox_rows.waiting(
                session, OutboundEmail, timedelta(seconds=sweep.older_than_seconds)
            )
        task_queue = self._settings.temporal_task_queue
        started = 0
        for email_id in waiting:
            started += await start_delivery(self._client, task_queue, EmailRef(email_id=email_id))
        if started:
            log.info("mail.deliveries_restarted", count=started)
        return started

    @activity.defn(name="deliver_email")
    @at_the_edge
    async def deliver_email(self, ref: EmailRef) -> bool:
        """Returns True when this call sent the message, False when it was sent before."""
        async with self._sessions() as session:
            exists, mail = await outbox.pending(session, ref.email_id)
        if not exists:
            raise not_committed("message")
        if mail is None:
            return False
        try:
            await asyncio.to_thread(send_over_smtp, self._settings, mail)
        except (OSError, smtplib.SMTPException) as failure:
            async with self._sessions.begin() as session:
                await outbox_rows.mark_failed(session, OutboundEmail, ref.email_id, repr(failure))
            log.warning("mail.failed", email_id=str(ref.email_id), error=repr(failure))
            raise
        async with self._sessions.begin() as session:
            await outbox.mark_sent(session, ref.email_id)
        log.info("mail.sent", email_id=str(ref.email_id), subject=mail.subject)
        return True
