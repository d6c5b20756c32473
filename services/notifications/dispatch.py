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
from domain.notifications import ROUTES, Notice, NoticeKind
from persistence.tables import Notification, NotificationChoice, OutboundWebhook, User
from services.accounts import outbox

_WEBHOOK_COLOURS = {
    NoticeKind.ORDER_AT_RISK: "#f59f00",
    NoticeKind.ORDER_OVERDUE: "#e03131",
    NoticeKind.STAGE_OVERDUE: "#f59f00",
    NoticeKind.QC_FAILED: "#e03131",
    NoticeKind.PURCHASE_ORDER_LATE: "#f59f00",
    NoticeKind.LOW_STOCK: "#1c7ed6",
    NoticeKind.ZONE_OUT_OF_RANGE: "#e03131",
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


async def notify(session: AsyncSession, settings: Settings, *notices: Notice) -> Queued:
    """Tell each notice to everyone whose roles act on it, the ways each chose."""
    queued = Queued()
    recipients: dict[NoticeKind, list[Recipient]] = {}
    for notice in notices:
        if notice.kind not in recipients:
            recipients[notice.kind] = await _recipients(session, notice.kind)
        queued += await _tell(session, settings, notice, recipients[notice.kind])
    return queued


@dataclass(frozen=True)
class Recipient:
    user_id: uuid.UUID
    email: str
    in_app: bool
    by_mail: bool


async def _recipients(session: AsyncSession, kind: NoticeKind) -> list[Recipient]:
    """The active, confirmed users holding a role the kind goes to, with their choices."""
    roles = sorted(ROUTES[kind])
    rows = await session.execute(
        select(
            User.id,
            User.email,
            NotificationChoice.in_app.is_not(False),
            NotificationChoice.email.is_not(False),
        )
        .outerjoin(
            NotificationChoice,
            (NotificationChoice.user_id == User.id) & (NotificationChoice.kind == kind.value),
        )
        .where(
            User.is_active.is_(True),
            User.email_confirmed_at.is_not(None),
            User.roles.op("&&")(cast(array(roles), ARRAY(String(32)))),
        )
        .order_by(User.id)
    )
    return [Recipient(*row) for row in rows]


async def _tell(
    session: AsyncSession, settings: Settings, notice: Notice, recipients: list[Recipient]
) -> Queued:
    queued = Queued()
    if recipients:
        # A row for everyone told, shown in the app or not: the key's unique pair with the
        # user makes a happening told twice reach nobody twice, by any way.
        told = set(
            await session.scalars(
                insert(Notification)
                .values(
                    [
                        {
                            "user_id": r.user_id,
                            "kind": notice.kind.value,
                            "key": notice.key,
                            "title": notice.title,
                            "body": notice.body,
                            "link": notice.link,
                            "shown": r.in_app,
                        }
                        for r in recipients
                    ]
                )
                .on_conflict_do_nothing(index_elements=[Notification.user_id, Notification.key])
                .returning(Notification.user_id)
            )
        )
        for r in recipients:
            if r.by_mail and r.user_id in told:
                mail = mail_body(settings, notice)
                queued.emails.append(await outbox.enqueue(session, r.email, notice.title, mail))
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


def slack_text(text: str) -> str:
    """Text as Slack shows it literally: what people typed (a name, a comment) cannot ping the
    channel (`<!channel>`) or hide a link (`<http://…|Open>`)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def webhook_payload(settings: Settings, notice: Notice) -> dict[str, object]:
    """Slack's incoming-webhook message, which Mattermost takes as it is."""
    roles = ", ".join(sorted(ROUTES[notice.kind]))
    title, body = slack_text(notice.title), slack_text(notice.body)
    return {
        "username": "Zhuchka MES",
        "text": title,
        "attachments": [
            {
                "fallback": f"{title}: {body}",
                "color": _WEBHOOK_COLOURS.get(notice.kind, "#868e96"),
                "title": title,
                "title_link": f"{settings.public_url}{notice.link}",
                "text": body,
                "footer": f"{notice.kind.value} · for {roles}",
            }
        ],
    }
