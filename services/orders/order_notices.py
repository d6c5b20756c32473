"""What an order's new snapshot tells the workshop's people: its new escalations (at risk, a
stage overdue, the rework limit) and its failed inspections — one notice when an inspection's
failure is what held the order at the rework limit."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from contracts.orders import OrderSnapshot
from core.settings import Settings
from domain.notifications import (
    escalation_notice,
    held_after_failure_notice,
    inspection_failed_notice,
)
from services.notifications.dispatch import Queued, notify
from services.orders.order_records import Saved

FAILED = "failed"
REWORK_LIMIT = "rework_limit"


async def tell_news(
    session: AsyncSession, settings: Settings, snapshot: OrderSnapshot, saved: Saved
) -> Queued:
    order_id = str(snapshot.order_id)
    failures = [
        inspection_failed_notice(
            order_id,
            snapshot.number,
            i.seq,
            i.stage.value,
            i.inspector,
            [r.summary for r in i.results if not r.ok],
            i.serials,
        )
        for i in saved.inspections
        if i.status == FAILED
    ]
    notices = []
    for e in saved.escalations:
        stage = e.stage.value if e.stage else None
        notice = escalation_notice(order_id, snapshot.number, e.seq, e.kind, stage, e.detail)
        if notice is not None and e.kind == REWORK_LIMIT and failures:
            notice, failures = held_after_failure_notice(notice, failures), []
        if notice is not None:
            notices.append(notice)
    return await notify(session, settings, *notices, *failures)
