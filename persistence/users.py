"""Accounts: creating them, their single-use email tokens, passwords, roles and activity."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.access import Role
from domain.errors import InvalidInput, NotFound
from persistence.catalogue import insert_unique
from persistence.tables import User, UserToken


class TokenPurpose(StrEnum):
    CONFIRM_EMAIL = "confirm_email"
    RESET_PASSWORD = "reset_password"  # noqa: S105 - a purpose, not a secret


def normalise_email(email: str) -> str:
    return email.strip().lower()


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def create_user(
    session: AsyncSession,
    *,
    email: str,
    password_hash: str,
    roles: Sequence[Role],
    confirmed: bool,
    phone_number: str | None = None,
    full_name: str | None = None,
) -> User:
    now = datetime.now(UTC)
    return await insert_unique(
        session,
        User,
        {
            "email": normalise_email(email),
            "password_hash": password_hash,
            "roles": sorted({r.value for r in roles}),
            "phone_number": phone_number,
            "full_name": full_name,
            "is_active": True,
            "email_confirmed_at": now if confirmed else None,
            "password_changed_at": now,
        },
        [("email",)],
    )


async def by_email(session: AsyncSession, email: str) -> User | None:
    return await session.scalar(select(User).where(User.email == normalise_email(email)))


async def find_user(session: AsyncSession, user_id: uuid.UUID) -> User | None:
    return await session.get(User, user_id)


def token_still_valid(user: User, issued_at: datetime) -> bool:
    """Whether a token issued at `issued_at` (whole seconds) may still speak for the account:
    active, confirmed, and no "end every session" since (password, roles, deactivation)."""
    if not user.is_active or user.email_confirmed_at is None:
        return False
    ended = user.sessions_ended_at
    return ended is None or issued_at >= ended.replace(microsecond=0) + timedelta(seconds=1)


def end_sessions(user: User) -> None:
    """Record that every session of the account so far has ended (Redis holds the sessions;
    this is what is checked while Redis is down)."""
    user.sessions_ended_at = datetime.now(UTC)


async def get_user(session: AsyncSession, user_id: uuid.UUID, *, lock: bool = False) -> User:
    user = await session.get(User, user_id, with_for_update=lock)
    if user is None:
        raise NotFound(f"user {user_id} does not exist", user_id=str(user_id))
    return user


async def issue_token(
    session: AsyncSession, user: User, purpose: TokenPurpose, lifetime: timedelta
) -> str:
    """A new single-use token; earlier unused ones of the same purpose stop working."""
    now = datetime.now(UTC)
    await session.execute(
        update(UserToken)
        .where(
            UserToken.user_id == user.id,
            UserToken.purpose == purpose,
            UserToken.used_at.is_(None),
        )
        .values(used_at=now)
    )
    token = secrets.token_urlsafe(32)
    session.add(
        UserToken(
            user_id=user.id, purpose=purpose, token_hash=_hash(token), expires_at=now + lifetime
        )
    )
    await session.flush()
    return token


async def use_token(session: AsyncSession, token: str, purpose: TokenPurpose) -> User:
    """The user a valid token belongs to; the token is spent. 422 when unknown, used or late."""
    found = await session.scalar(
        select(UserToken)
        .where(UserToken.token_hash == _hash(token), UserToken.purpose == purpose)
        .with_for_update()
    )
    now = datetime.now(UTC)
    if found is None or found.used_at is not None or found.expires_at <= now:
        raise InvalidInput("the token is unknown, already used or expired", field="token")
    found.used_at = now
    return await get_user(session, found.user_id, lock=True)
