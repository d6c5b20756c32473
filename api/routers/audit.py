"""The audit log of the master data (items, products and their BOMs, suppliers and their
offers, accounts and roles, QC checklists, stage requirements and targets, calendars, workers
and equipment): who changed what, with the row before and after. Admins read it; the database
writes it (migration 0012), so no change escapes it. Stock moves are in the ledger and orders'
steps in their histories: they are not repeated here."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import AwareDatetime, BaseModel

from api.auth.access import Principal, requires
from api.deps import SessionDep
from api.fields import Page
from api.queries.audit_log import AuditedTable, AuditFilter, AuditOut, audit_page
from domain.access import Action

router = APIRouter()
Auditor = Annotated[Principal, requires(Action.READ_AUDIT)]


class AuditPage(BaseModel):
    items: list[AuditOut]
    total: int
    page: int
    size: int


@router.get("")
async def read_audit_log(
    _: Auditor,
    session: SessionDep,
    table: AuditedTable | None = None,
    row_id: Annotated[
        uuid.UUID | None, Query(description="Changes of this row or of rows under it")
    ] = None,
    actor: Annotated[str | None, Query(max_length=320, description="An email")] = None,
    since: AwareDatetime | None = None,
    until: AwareDatetime | None = None,
    page: Annotated[Page, Query()] = 1,
    size: Annotated[int, Query(ge=1, le=200)] = 50,
) -> AuditPage:
    """Changes of the master data, newest first."""
    found = AuditFilter(table=table, row_id=row_id, actor=actor, since=since, until=until)
    total, items = await audit_page(session, found, page, size)
    return AuditPage(items=items, total=total, page=page, size=size)
