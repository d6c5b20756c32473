"""The workshop's notices: each user's inbox, their choices, the team webhook's outbox, and the
items flagged low (so that an item's going low is told once, not at every scan)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from persistence.tables.base import Base, OutboxRow, created_at


class Notification(Base):
    """One notice told to one user. `key` names the happening; a user is told it once. A user
    who chose not to see a kind in the app gets a row all the same (`shown` false, never
    listed): it is the record that they were told, by mail."""

    __tablename__ = "notifications"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(32))
    key: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    link: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime] = created_at()
    read_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    shown: Mapped[bool] = mapped_column(Boolean, default=True)

    __table_args__ = (
        UniqueConstraint("user_id", "key"),
        Index("ix_notifications_user_newest", "user_id", "id", postgresql_where=text("shown")),
        Index(
            "ix_notifications_unread",
            "user_id",
            postgresql_where=text("shown AND read_at IS NULL"),
        ),
    )


class NotificationChoice(Base):
    """How a user gets one kind of notice; a kind with no row comes both ways."""

    __tablename__ = "notification_choices"

    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(String(32), primary_key=True)
    in_app: Mapped[bool] = mapped_column(Boolean)
    email: Mapped[bool] = mapped_column(Boolean)


class OutboundWebhook(OutboxRow, Base):
    """A notice for the team webhook, written with it and posted by a workflow; once per
    happening (`key`)."""

    __tablename__ = "outbound_webhooks"

    key: Mapped[str] = mapped_column(String(200), unique=True)
    payload: Mapped[dict[str, Any]] = mapped_column(JSONB)

    __table_args__ = (
        Index(
            "ix_outbound_webhooks_waiting",
            "created_at",
            postgresql_where=text("sent_at IS NULL AND given_up_at IS NULL"),
        ),
    )


class LowStockFlag(Base):
    """An item told to be low, until it is not."""

    __tablename__ = "low_stock_flags"

    item_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("items.id", ondelete="CASCADE"), primary_key=True
    )
    flagged_at: Mapped[datetime] = created_at()
