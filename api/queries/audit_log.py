"""The audit log as an admin reads it: newest first, filtered by table, row, actor and period,
each change with the fields it changed."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel
from sqlalchemy import cast, or_, select
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import AsyncSession

from api.queries.paging import count
from persistence.tables import AuditEntry

AuditedTable = Literal[
    "items",
    "products",
    "bom_lines",
    "suppliers",
    "supplier_contacts",
    "supplier_items",
    "supplier_price_breaks",
    "users",
    "qc_templates",
    "qc_template_items",
    "stage_requirements",
    "product_stage_targets",
    "work_calendars",
    "calendar_shifts",
    "calendar_exceptions",
    "workers",
    "worker_skills",
    "equipment",
]


class AuditOut(BaseModel):
    id: int
    at: datetime
    actor: str | None  # the signed-in user; None: the system (migrations, the CLI, the seed)
    table: str
    key: dict[str, Any]
    action: str  # insert | update | delete
    changed: list[str]  # the fields that differ between before and after
    before: dict[str, Any] | None
    after: dict[str, Any] | None


@dataclass(frozen=True)
class AuditFilter:
    table: AuditedTable | None = None
    row_id: uuid.UUID | None = None  # a row whose key holds this id (an item, a user, …)
    actor: str | None = None
    since: datetime | None = None
    until: datetime | None = None


async def audit_page(
    session: AsyncSession, found: AuditFilter, page: int, size: int
) -> tuple[int, list[AuditOut]]:
    query = select(AuditEntry)
    if found.table:
        query = query.where(AuditEntry.table_name == found.table)
    if found.row_id:
        row = str(found.row_id)
        query = query.where(
            or_(*(AuditEntry.row_key.contains(cast({c: row}, JSONB)) for c in _ID_COLUMNS))
        )
    if found.actor:
        query = query.where(AuditEntry.actor == found.actor.lower())
    if found.since:
        query = query.where(AuditEntry.at >= found.since)
    if found.until:
        query = query.where(AuditEntry.at < found.until)
    rows = await session.scalars(
        query.order_by(AuditEntry.id.desc()).offset((page - 1) * size).limit(size)
    )
    return await count(session, query), [_out(entry) for entry in rows]


# The key columns that hold another row's id: a row's own, and its parent's.
_ID_COLUMNS = ("id", "product_id", "item_id", "supplier_item_id", "calendar_id", "worker_id")


def _out(entry: AuditEntry) -> AuditOut:
    before, after = entry.before or {}, entry.after or {}
    changed = sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
    return AuditOut(
        id=entry.id,
        at=entry.at,
        actor=entry.actor,
        table=entry.table_name,
        key=entry.row_key,
        action=entry.action,
        changed=changed,
        before=entry.before,
        after=entry.after,
    )
