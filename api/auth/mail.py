"""The account messages (confirmation, password reset), queued in the request's transaction
and handed to a delivery workflow."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from api.deps import Services
from api.workflow_calls import temporal_call
from persistence import outbox
from workflows.contracts import EmailRef
from workflows.email_delivery import DeliverEmailWorkflow, email_workflow_id


async def send(
    services: Services, session: AsyncSession, recipient: str, subject: str, body: str
) -> None:
    """Queue a message; its delivery starts now and finds it once this transaction commits."""
    ref = EmailRef(email_id=await outbox.enqueue(session, recipient, subject, body))
    async with temporal_call(
        "could not queue the message", within=services.settings.workflow_call_timeout_seconds
    ):
        await services.temporal.start_workflow(
            DeliverEmailWorkflow.run,
            ref,
            id=email_workflow_id(ref),
            task_queue=services.settings.temporal_task_queue,
            static_summary=f"mail: {subject}",
        )


def _curl(services: Services, path: str, body: str) -> str:
    return (
        f"  curl -X POST {services.settings.public_url}{path} \\\n"
        f"    -H 'Content-Type: application/json' -d '{body}'"
    )


def confirmation(services: Services, token: str) -> tuple[str, str]:
    hours = services.settings.email_token_expire_hours
    return (
        "Confirm your Zhuchka MES account",
        f"""Welcome to Zhuchka MES.

Confirm your email address with this token (valid for {hours} hours):

  {token}

For example:

{_curl(services, "/api/user/email/confirm", f'{{"token": "{token}"}}')}
""",
    )


def _reset_body(token: str) -> str:
    return f'{{"token": "{token}", "new_password": "..."}}'


def password_reset(services: Services, token: str) -> tuple[str, str]:
    hours = services.settings.email_token_expire_hours
    return (
        "Reset your Zhuchka MES password",
        f"""Someone asked to reset the password of your Zhuchka MES account. If it was not you,
ignore this message: nothing changes.

To choose a new password, send this token (valid for {hours} hours) with it:

  {token}

For example:

{_curl(services, "/api/user/password/reset/confirm", _reset_body(token))}

Every session of the account ends when the password changes.
""",
    )


def already_registered(services: Services) -> tuple[str, str]:
    reset = f"{services.settings.public_url}/api/user/password/reset/request"
    return (
        "Someone tried to sign up with your address",
        f"""Someone tried to create a Zhuchka MES account with this email address, which already
has one. If it was you, sign in with your password; if you forgot it, ask for a reset:

  curl -X POST {reset} \\
    -H 'Content-Type: application/json' -d '{{"email": "<this address>"}}'

If it was not you, ignore this message: nothing changed.
""",
    )
