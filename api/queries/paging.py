"""Counting what a list's filters match, for its `X-Total-Count`."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession


async def count(session: AsyncSession, query: Select[*tuple[Any, ...]]) -> int:
    """How many rows `query` finds (count before its order, limit and offset are added)."""
    return await session.scalar(select(func.count()).select_from(query.subquery())) or 0
