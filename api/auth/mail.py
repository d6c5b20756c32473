"""The account messages (confirmation, password reset), queued in the request's transaction
and handed to a delivery workflow once it commits — without the request waiting for Temporal,
so an answer takes as long (and is the same) whether a message was queued or not, and a
Temporal outage does not tell who has an account. A start that fails is made up by the mail
sweep (`workflows.email_delivery.MailSweepWorkflow`)."""

from __future__ import annotations

import asyncio

import structlog
from sqlalchemy.ext.asyncio import AsyncSession
from temporalio.service import RPCError

from api.deps import Workflows
from api.notice_delivery import in_background_after_commit
from contracts.email import EmailRef
from core.settings import Settings
from services.accounts import outbox
from workflow_client.email import start_delivery

log = structlog.get_logger(__name__)


async def send(
    workflows: Workflows, session: AsyncSession, recipient: str, subject: str, body: str
) -> None:
    """Queue a message; its delivery starts in the background once this transaction commits."""
    ref = EmailRef(email_id=await outbox.enqueue(session, recipient, subject, body))
    in_background_after_commit(session, lambda: _start(workflows, ref, subject))


async def _start(workflows: Workflows, ref: EmailRef, subject: str) -> None:
    settings = workflows.settings
    try:
        async with asyncio.timeout(settings.workflow_call_timeout_seconds):
            await start_delivery(workflows.temporal, settings.temporal_task_queue, ref, subject)
    except (RPCError, TimeoutError) as failure:
        log.warning(
            "mail.delivery_deferred",
            email_id=str(ref.email_id),
            error=str(failure) or "Temporal did not answer in time",
            hint="the mail sweep starts it",
        )


def _curl(settings: Settings, path: str, body: str) -> str:
    return (
        f"  curl -X POST {settings.public_url}{path} \\\n"
        f"    -H 'Content-Type: application/json' -d '{body}'"
    )


def confirmation(settings: Settings, token: str) -> tuple[str, str]:
    hours = settings.email_token_expire_hours
    return (
        "Confirm your Zhuchka MES account",
        f"""Welcome to Zhuchka MES.

Confirm your email address with this token (valid for {hours} hours) and the password you
chose when you signed up:

  {token}

For example:

{_curl(settings, "/api/user/email/confirm", f'{{"token": "{token}", "password": "..."}}')}

If you did not sign up, ignore this message: nothing happens without the password.
""",
    )


def _reset_body(token: str) -> str:
    return f'{{"token": "{token}", "new_password": "..."}}'


def password_reset(settings: Settings, token: str) -> tuple[str, str]:
    hours = settings.email_token_expire_hours
    return (
        "Reset your Zhuchka MES password",
        f"""Someone asked to reset the password of your Zhuchka MES account. If it was not you,
ignore this message: nothing changes.

To choose a new password, open this page (valid for {hours} hours):

  {settings.public_url}/reset-password#token={token}

or send the token with the new password to the API:

  {token}

For example:

{_curl(settings, "/api/user/password/reset/confirm", _reset_body(token))}

Every session of the account ends when the password changes.
""",
    )


def already_registered(settings: Settings) -> tuple[str, str]:
    reset = f"{settings.public_url}/api/user/password/reset/request"
    return (
        "Someone tried to sign up with your address",
        f"""Someone tried to create a Zhuchka MES account with this email address, which already
has one. If it was you, sign in with your password; if you forgot it, ask for a reset:

  curl -X POST {reset} \\
    -H 'Content-Type: application/json' -d '{{"email": "<this address>"}}'

If it was not you, ignore this message: nothing changed.
""",
    )
