"""The shop floor: workers and equipment claimed for a stage, and the units' serial numbers."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from contracts.orders import ClaimResult
from domain.errors import Conflict, EquipmentBusy, NotFound
from domain.floor import check_skill
from domain.stages import Stage
from persistence.tables import (
    Equipment,
    Item,
    Order,
    Product,
    ProductStageTarget,
    StageRequirement,
    Unit,
    Worker,
)
from services.floor.resources import skills_of


async def claim(
    session: AsyncSession,
    order_id: uuid.UUID,
    stage: Stage,
    worker_id: uuid.UUID,
    equipment_id: uuid.UUID | None = None,
) -> ClaimResult:
    """The worker must have the stage's skill; the chosen piece of the equipment the stage
    needs, or the first free one, is taken for the order (again the same one on a retry).
    409 naming what is missing or busy."""
    worker = await session.get(Worker, worker_id)
    if worker is None or not worker.active:
        raise NotFound(f"worker {worker_id} does not exist", worker_id=str(worker_id))
    needs = await session.get(StageRequirement, stage.value)
    skills = await skills_of(session, [worker.id])
    check_skill(
        worker.name,
        skills.get(worker.id, {}),
        stage,
        needs.min_skill_level if needs else 1,
        available=worker.available,
    )
    if needs is None or needs.equipment_type is None:
        if equipment_id is not None:
            raise Conflict(f"{stage} needs no equipment", stage=stage.value)
        return ClaimResult(worker=worker.name)
    held = await session.scalar(
        select(Equipment).where(
            Equipment.held_by_order_id == order_id, Equipment.held_for_stage == stage.value
        )
    )
    if held is not None:
        return ClaimResult(worker=worker.name, equipment=held.name)
    taken = await _take(session, stage, needs.equipment_type, equipment_id)
    taken.status = "in_use"
    taken.held_by_order_id = order_id
    taken.held_for_stage = stage.value
    taken.held_since = datetime.now(UTC)
    return ClaimResult(worker=worker.name, equipment=taken.name)


async def _take(
    session: AsyncSession, stage: Stage, equipment_type: str, chosen: uuid.UUID | None
) -> Equipment:
    """The chosen piece if it is free and fits, else the first free one by name, locked."""
    fitting = Equipment.equipment_type == equipment_type
    if chosen is not None:
        picked = await session.get(Equipment, chosen)
        if picked is None:
            raise NotFound(f"equipment {chosen} does not exist", equipment_id=str(chosen))
        if picked.equipment_type != equipment_type:
            raise Conflict(
                f"{picked.name} is a {picked.equipment_type}; {stage} needs a {equipment_type}",
                equipment_type=equipment_type,
            )
        fitting = Equipment.id == chosen
    free = await session.scalar(
        select(Equipment)
        .where(fitting, Equipment.status == "available")
        .order_by(Equipment.name)
        .limit(1)
        .with_for_update(skip_locked=True)
    )
    if free is not None:
        return free
    busy = (
        await session.execute(
            select(Equipment.name, Equipment.status, Order.number)
            .outerjoin(Order, Order.id == Equipment.held_by_order_id)
            .where(fitting)
            .order_by(Equipment.name)
        )
    ).all()
    listed = ", ".join(
        f"{name} ({'in use by ' + number if number else status})" for name, status, number in busy
    )
    raise EquipmentBusy(
        f"no free {equipment_type} for {stage}: {listed or 'none exists'}",
        equipment_type=equipment_type,
        equipment=", ".join(name for name, _, _ in busy),
    )


async def release(session: AsyncSession, order_id: uuid.UUID, stage: Stage | None = None) -> int:
    """Give back what the order holds (for one stage, or all of it); returns how many."""
    query = update(Equipment).where(Equipment.held_by_order_id == order_id)
    if stage is not None:
        query = query.where(Equipment.held_for_stage == stage.value)
    released = await session.execute(
        query.values(
            status="available", held_by_order_id=None, held_for_stage=None, held_since=None
        ).returning(Equipment.id)
    )
    return len(released.all())


async def assign_serials(session: AsyncSession, order_id: uuid.UUID) -> list[str]:
    """One serial number per unit of the order, made once: `<product>-<order>-<nn>`."""
    order = await session.get(Order, order_id)
    if order is None:
        raise NotFound(f"order {order_id} does not exist", order_id=str(order_id))
    sku = await session.scalar(
        select(Item.sku)
        .join(Product, Product.item_id == Item.id)
        .where(Product.id == order.product_id)
    )
    await session.execute(
        insert(Unit)
        .values(
            [
                {"serial": f"{sku}-{order.number}-{n:02d}", "order_id": order.id, "position": n}
                for n in range(1, order.quantity + 1)
            ]
        )
        .on_conflict_do_nothing()
    )
    return list(
        await session.scalars(
            select(Unit.serial).where(Unit.order_id == order_id).order_by(Unit.position)
        )
    )


async def stage_targets(session: AsyncSession, product_id: uuid.UUID) -> dict[str, int]:
    """Seconds each manual stage should take for this product (its own target, or the stage's)."""
    targets = {
        stage: minutes * 60
        for stage, minutes in await session.execute(
            select(StageRequirement.stage, StageRequirement.target_minutes)
        )
    }
    for stage, minutes in await session.execute(
        select(ProductStageTarget.stage, ProductStageTarget.target_minutes).where(
            ProductStageTarget.product_id == product_id
        )
    ):
        targets[stage] = minutes * 60
    return targets
