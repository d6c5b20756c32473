"""Accounts: creating them, their single-use email tokens, passwords, roles and activity."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from sqlalchemy import any_, func, literal, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.access import Role
from domain.errors import Conflict, InvalidInput, NotFound
from persistence.database import hold_lock
from persistence.tables import User, UserToken
from services.inventory.catalogue import insert_unique


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


async def by_email(session: AsyncSession, email: str, *, share_lock: bool = False) -> User | None:
    """The account of an email address. `share_lock`: until this transaction ends, a change of
    its password, roles or activity waits (and one under way is waited for): a sign-in is
    judged on the account as it is, and the session it starts is ended by such a change."""
    query = select(User).where(User.email == normalise_email(email))
    return await session.scalar(query.with_for_update(read=True) if share_lock else query)


async def find_user(session: AsyncSession, user_id: uuid.UUID) -> User | None:
    return await session.get(User, user_id)


def token_still_valid(user: User, issued_at: datetime) -> bool:
    """Whether a token issued at `issued_at` (whole seconds) may still speak for the account:
    active, confirmed, and no "end every session" since (password, roles, deactivation)."""
    if not user.is_active or user.email_confirmed_at is None:
        return False
    ended = user.sessions_ended_at
    return ended is None or issued_at >= ended.replace(microsecond=0) + timedelta(seconds=1)


async def keep_an_admin(session: AsyncSession, user: User, *, stays_admin: bool) -> None:
    """Refuse to leave the workshop without an active admin: an admin losing the role or
    being deactivated needs another. Such changes take a lock of their own, so two admins
    demoting each other at once cannot both succeed."""
    if stays_admin or not user.is_active or Role.ADMIN.value not in user.roles:
        return
    await hold_lock(session, "admins")
    others = await session.scalar(
        select(func.count()).where(
            literal(Role.ADMIN.value) == any_(User.roles),
            User.is_active.is_(True),
            User.id != user.id,
        )
    )
    if not others:
        raise Conflict(
            "the last active admin cannot stop being one; make another account admin first"
        )


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
    session: AsyncSession,
    user: User,
    purpose: TokenPurpose,
    lifetime: timedelta,
    *,
    password_hash: str | None = None,
) -> str:
    """A new single-use token (a confirmation may carry the password of its sign-up). The
    earlier unused ones of the same purpose keep working until one is used: a stranger asking
    for mail to someone else's address voids nothing the owner already holds."""
    token = secrets.token_urlsafe(32)
    session.add(
        UserToken(
            user_id=user.id,
            purpose=purpose,
            token_hash=_hash(token),
            expires_at=datetime.now(UTC) + lifetime,
            password_hash=password_hash,
        )
    )
    await session.flush()
    return token


async def use_token(
    session: AsyncSession, token: str, purpose: TokenPurpose
) -> tuple[User, UserToken]:
    """The user a valid token belongs to, and the token, now spent with every other unused one
    of the same purpose. 422 when it is unknown, used or late."""
    found = await session.scalar(
        select(UserToken)
        .where(UserToken.token_hash == _hash(token), UserToken.purpose == purpose)
        .with_for_update()
    )
    now = datetime.now(UTC)
    if found is None or found.used_at is not None or found.expires_at <= now:
        raise InvalidInput("the token is unknown, already used or expired", field="token")
    await session.execute(
        update(UserToken)
        .where(
            UserToken.user_id == found.user_id,
            UserToken.purpose == purpose,
            UserToken.used_at.is_(None),
        )
        .values(used_at=now)
    )
    return await get_user(session, found.user_id, lock=True), found
