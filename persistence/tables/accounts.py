"""Accounts, their single-use email tokens, and the mail outbox."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import (
    ARRAY,
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    String,
    Text,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from persistence.tables.base import Base, OutboxRow, created_at, uuid_pk


class User(Base):
    __tablename__ = "users"

    id: Mapped[uuid.UUID] = uuid_pk()
    email: Mapped[str] = mapped_column(String(320), unique=True)  # stored lower-cased
    password_hash: Mapped[str] = mapped_column(String(200))
    phone_number: Mapped[str | None] = mapped_column(String(32))
    full_name: Mapped[str | None] = mapped_column(String(200))
    roles: Mapped[list[str]] = mapped_column(ARRAY(String(32)), default=list)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    email_confirmed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    password_changed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Every session started before this has ended (password change or reset, roles,
    # deactivation): checked when Redis, which holds the sessions, is unavailable.
    sessions_ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = created_at()

    __table_args__ = (CheckConstraint("email = lower(email)", name="email_lower_case"),)


class UserToken(Base):
    """A single-use token sent by email (confirmation, password reset); only its hash is kept."""

    __tablename__ = "user_tokens"

    id: Mapped[uuid.UUID] = uuid_pk()
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    purpose: Mapped[str] = mapped_column(String(32))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # A confirmation carries the password of the sign-up that asked for it: the account gets
    # the password of the confirmation its owner uses, never one a stranger signed up with.
    password_hash: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = created_at()

    __table_args__ = (Index("ix_user_tokens_user_purpose", "user_id", "purpose"),)


class OutboundEmail(OutboxRow, Base):
    """Mail written in the same transaction as what it is about, delivered by a workflow.
    The body is cleared once delivered: it may carry a token."""

    __tablename__ = "outbound_emails"

    recipient: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        Index("ix_outbound_emails_waiting", "created_at", postgresql_where=text("sent_at IS NULL")),
    )
