"""The accounts as an admin lists them."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import any_, literal, select
from sqlalchemy.ext.asyncio import AsyncSession

from api.queries.paging import count
from domain.access import Role
from persistence.search import mentions
from persistence.tables import User


async def user_page(
    session: AsyncSession,
    role: Role | None,
    active: bool | None,
    search: str | None,
    page: int,
    size: int,
) -> tuple[int, Sequence[User]]:
    """How many accounts match, and one page of them by email."""
    query = select(User)
    if role:
        query = query.where(literal(role.value) == any_(User.roles))
    if active is not None:
        query = query.where(User.is_active.is_(active))
    if search:
        query = query.where(mentions(search, User.email))
    rows = await session.scalars(query.order_by(User.email).offset((page - 1) * size).limit(size))
    return await count(session, query), rows.all()
