"""The `orders` projection: registering an order and writing the workflow's snapshots to it."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select, text, tuple_, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from contracts.orders import (
    Escalation,
    InspectionEntry,
    OrderInput,
    OrderSnapshot,
    order_workflow_id,
)
from domain.bom import BomLine as BomRule
from domain.bom import explode
from domain.stages import OrderStatus, Stage
from persistence.database import hold_lock
from persistence.tables import (
    BomLine,
    Inspection,
    InspectionResult,
    Order,
    OrderEscalation,
    OrderRequirement,
    OrderStageRecord,
)


async def next_order_number(session: AsyncSession) -> str:
    n = (await session.execute(text("SELECT nextval('order_number_seq')"))).scalar_one()
    return f"ZK-{n:06d}"


async def find_by_idempotency_key(session: AsyncSession, key: str) -> Order | None:
    """The order taken under a (scoped) Idempotency-Key. The key is held until this unit of
    work ends: a request repeated at once (a double click) waits for the first, then finds its
    order, and takes no order number of its own."""
    await hold_lock(session, f"order:{key}")
    return await session.scalar(select(Order).where(Order.idempotency_key == key))


async def register_order(session: AsyncSession, order: OrderInput) -> bool:
    """Insert the order and freeze its exploded bill of materials, unless already there.

    Both the API (when it starts the workflow) and the workflow's first activity call this, so
    an order survives a crash of the API between starting the workflow and committing. Returns
    False when the idempotency key belongs to another order: this one is a duplicate start.
    """
    await session.execute(
        insert(Order)
        .values(
            id=order.order_id,
            number=order.number,
            workflow_id=order_workflow_id(order.number),
            product_id=order.product_id,
            warehouse_id=order.warehouse_id,
            quantity=order.quantity,
            customer=order.customer,
            priority=order.priority.value,
            due_date=order.due_date,
            status=OrderStatus.PENDING.value,
            stage=Stage.DESIGN.value,
            idempotency_key=order.idempotency_key,
            request_digest=order.request_digest,
            created_by=order.created_by,
        )
        .on_conflict_do_nothing()
    )
    if await session.scalar(select(Order.id).where(Order.id == order.order_id)) is None:
        return False
    bom = await session.execute(
        select(BomLine.item_id, BomLine.quantity).where(BomLine.product_id == order.product_id)
    )
    needs = explode([BomRule(item, quantity) for item, quantity in bom], order.quantity)
    await session.execute(
        insert(OrderRequirement)
        .values(
            [
                {"order_id": order.order_id, "item_id": item, "quantity": quantity}
                for item, quantity in sorted(needs.items())
            ]
        )
        .on_conflict_do_nothing()
    )
    return True


@dataclass(frozen=True)
class Saved:
    """Whether a snapshot was written, and what it added that was not there before."""

    written: bool
    escalations: list[Escalation] = field(default_factory=list)
    inspections: list[InspectionEntry] = field(default_factory=list)


async def save_snapshot(session: AsyncSession, snapshot: OrderSnapshot) -> Saved:
    """Write the snapshot unless a newer one is already there."""
    written = await session.execute(
        update(Order)
        .where(Order.id == snapshot.order_id, Order.version < snapshot.version)
        .values(
            status=snapshot.status.value,
            stage=snapshot.stage.value if snapshot.stage else None,
            rework_count=snapshot.rework_count,
            waiting_for_stock=snapshot.waiting_for_stock,
            cancel_reason=snapshot.cancel_reason,
            completed_at=snapshot.completed_at,
            version=snapshot.version,
            on_hold=snapshot.on_hold,
            hold_reason=snapshot.hold_reason,
            at_risk=snapshot.at_risk,
            **({"priority": snapshot.priority.value} if snapshot.priority else {}),
        )
        .returning(Order.id)
    )
    if written.first() is None:
        return Saved(written=False)
    if snapshot.stages:
        await _save_stages(session, snapshot)
    return Saved(
        written=True,
        escalations=await _save_escalations(session, snapshot),
        inspections=await _save_inspections(session, snapshot),
    )


_STAGE_KEY = ("order_id", "seq")


async def _save_stages(session: AsyncSession, snapshot: OrderSnapshot) -> None:
    """Each pass through each stage, one row per `seq`: a new one is inserted, a changed one
    updated, and an unchanged one (most of a long history) left as it is."""
    rows = [
        {
            "order_id": snapshot.order_id,
            "seq": entry.seq,
            "stage": entry.stage.value,
            "status": entry.status,
            "started_at": entry.started_at,
            "completed_at": entry.completed_at,
            "worker": entry.worker,
            "completed_by": entry.completed_by,
            "notes": entry.notes,
            "passed": entry.passed,
            "work_started_at": entry.work_started_at,
            "started_by": entry.started_by,
            "started_worker_id": entry.started_worker_id,
            "equipment": entry.equipment,
            "due_at": entry.due_at,
            "escalated_at": entry.escalated_at,
            "rework_from": entry.rework_from.value if entry.rework_from else None,
            "rework_inspection": entry.rework_inspection,
            "rework_items": entry.rework_items,
            "request_digest": entry.request_digest,
        }
        for entry in snapshot.stages
    ]
    statement = insert(OrderStageRecord).values(rows)
    changing = [name for name in rows[0] if name not in _STAGE_KEY]
    table = OrderStageRecord.__table__.c
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=[OrderStageRecord.order_id, OrderStageRecord.seq],
            set_={name: statement.excluded[name] for name in changing},
            where=tuple_(*(table[name] for name in changing)).is_distinct_from(
                tuple_(*(statement.excluded[name] for name in changing))
            ),
        )
    )


async def _save_escalations(session: AsyncSession, snapshot: OrderSnapshot) -> list[Escalation]:
    """Escalations never change once raised: the new ones are added, and returned."""
    if not snapshot.escalations:
        return []
    added = await session.scalars(
        insert(OrderEscalation)
        .values(
            [
                {
                    "order_id": snapshot.order_id,
                    "seq": e.seq,
                    "kind": e.kind,
                    "stage": e.stage.value if e.stage else None,
                    "detail": e.detail,
                    "raised_at": e.raised_at,
                }
                for e in snapshot.escalations
            ]
        )
        .on_conflict_do_nothing()
        .returning(OrderEscalation.seq)
    )
    new = set(added)
    return [e for e in snapshot.escalations if e.seq in new]


async def _save_inspections(
    session: AsyncSession, snapshot: OrderSnapshot
) -> list[InspectionEntry]:
    """Inspections never change once made: the new ones are added, and returned."""
    if not snapshot.inspections:
        return []
    added = await session.execute(
        insert(Inspection)
        .values(
            [
                {
                    "order_id": snapshot.order_id,
                    "seq": i.seq,
                    "stage": i.stage.value,
                    "stage_seq": i.stage_seq,
                    "template_id": i.template_id,
                    "status": i.status,
                    "inspector": i.inspector,
                    "worker": i.worker,
                    "serials": ",".join(i.serials),
                    "completed_at": i.completed_at,
                }
                for i in snapshot.inspections
            ]
        )
        .on_conflict_do_nothing()
        .returning(Inspection.seq)
    )
    new = set(added.scalars())
    results = [
        {
            "order_id": snapshot.order_id,
            "inspection_seq": i.seq,
            "position": n,
            "item_id": r.item_id,
            "description": r.description,
            "required": r.required,
            "kind": r.kind,
            "passed": r.passed,
            "value": r.value,
            "unit": r.unit,
            "ok": r.ok,
            "comment": r.comment,
        }
        for i in snapshot.inspections
        if i.seq in new
        for n, r in enumerate(i.results, start=1)
    ]
    if results:
        await session.execute(insert(InspectionResult).values(results))
    return [i for i in snapshot.inspections if i.seq in new]
