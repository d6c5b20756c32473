"""Telling a notice to the users whose roles act on it, each the ways they chose: a row in their
inbox, a message in the mail outbox. The team webhook, when configured, gets it once. Everything
is written in the caller's transaction, so a notice exists exactly when what it tells does; its
deliveries start after the commit (`Queued`), and the mail sweep starts any whose start was lost.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from sqlalchemy import String, cast, select
from sqlalchemy.dialects.postgresql import ARRAY, array, insert
from sqlalchemy.ext.asyncio import AsyncSession

from core.settings import Settings
from domain.notifications import ROUTES, Notice
from persistence.tables import Notification, NotificationChoice, OutboundWebhook, User
from services.accounts import outbox

_WEBHOOK_COLOURS = {
    "order_at_risk": "#f59f00",
    "stage_overdue": "#f59f00",
    "qc_failed": "#e03131",
    "purchase_order_late": "#f59f00",
    "low_stock": "#1c7ed6",
    "zone_out_of_range": "#e03131",
}


@dataclass
class Queued:
    """What waits to be delivered once the transaction commits."""

    emails: list[uuid.UUID] = field(default_factory=list)
    webhooks: list[uuid.UUID] = field(default_factory=list)

    def __iadd__(self, other: Queued) -> Queued:
        self.emails += other.emails
        self.webhooks += other.webhooks
        return self

    def __bool__(self) -> bool:
        return bool(self.emails or self.webhooks)


async def notify(session: AsyncSession, settings: Settings, notice: Notice) -> Queued:
    """Tell `notice` to everyone whose roles act on it, the ways each chose."""
    roles = sorted(ROUTES[notice.kind])
    recipients = (
        await session.execute(
            select(
                User.id,
                User.email,
                NotificationChoice.in_app.is_not(False),
                NotificationChoice.email.is_not(False),
            )
            .outerjoin(
                NotificationChoice,
                (NotificationChoice.user_id == User.id)
                & (NotificationChoice.kind == notice.kind.value),
            )
            .where(
                User.is_active.is_(True),
                User.email_confirmed_at.is_not(None),
                User.roles.op("&&")(cast(array(roles), ARRAY(String(32)))),
            )
            .order_by(User.id)
        )
    ).all()
    queued = Queued()
    in_app = [user_id for user_id, _, shown, _ in recipients if shown]
    told: set[uuid.UUID] = set()
    if in_app:
        rows = await session.scalars(
            insert(Notification)
            .values(
                [
                    {
                        "user_id": user_id,
                        "kind": notice.kind.value,
                        "key": notice.key,
                        "title": notice.title,
                        "body": notice.body,
                        "link": notice.link,
                    }
                    for user_id in in_app
                ]
            )
            .on_conflict_do_nothing(index_elements=[Notification.user_id, Notification.key])
            .returning(Notification.user_id)
        )
        told = set(rows)
    for user_id, email, shown, mailed in recipients:
        # Someone who sees it in the app is mailed only with its first telling there.
        if mailed and (user_id in told or not shown):
            queued.emails.append(
                await outbox.enqueue(session, email, notice.title, mail_body(settings, notice))
            )
    if settings.notify_webhook_url:
        webhook = await session.scalar(
            insert(OutboundWebhook)
            .values(id=uuid.uuid4(), key=notice.key, payload=webhook_payload(settings, notice))
            .on_conflict_do_nothing(index_elements=[OutboundWebhook.key])
            .returning(OutboundWebhook.id)
        )
        if webhook is not None:
            queued.webhooks.append(webhook)
    return queued


def mail_body(settings: Settings, notice: Notice) -> str:
    return (
        f"{notice.title}\n\n{notice.body}\n\n"
        f"Open it: {settings.public_url}{notice.link}\n\n"
        f"You get this because of your role in the workshop. Choose which notices come by mail"
        f" on {settings.public_url}/notifications\n"
    )


def webhook_payload(settings: Settings, notice: Notice) -> dict[str, object]:
    """Slack's incoming-webhook message, which Mattermost takes as it is."""
    roles = ", ".join(sorted(ROUTES[notice.kind]))
    return {
        "username": "Zhuchka MES",
        "text": notice.title,
        "attachments": [
            {
                "fallback": f"{notice.title}: {notice.body}",
                "color": _WEBHOOK_COLOURS.get(notice.kind.value, "#868e96"),
                "title": notice.title,
                "title_link": f"{settings.public_url}{notice.link}",
                "text": notice.body,
                "footer": f"{notice.kind.value} · for {roles}",
            }
        ],
    }
