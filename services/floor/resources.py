"""The floor's people and equipment, and what each stage needs of them."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Mapping, Sequence

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.errors import Conflict, InvalidInput, NotFound
from domain.stages import AUTOMATIC_STAGES, Stage
from persistence.tables import (
    Equipment,
    Order,
    ProductStageTarget,
    StageRequirement,
    User,
    Worker,
    WorkerSkill,
)
from services.inventory.catalogue import insert_unique

EQUIPMENT_STATUSES = ("available", "in_use", "maintenance")


def _check_skills(skills: Mapping[Stage, int]) -> None:
    automatic = [stage.value for stage in skills if stage in AUTOMATIC_STAGES]
    if automatic:
        raise InvalidInput(f"{', '.join(automatic)} is automatic: nobody needs a skill for it")


async def create_worker(
    session: AsyncSession,
    name: str,
    user_id: uuid.UUID | None,
    skills: Mapping[Stage, int],
    calendar_id: uuid.UUID | None = None,
) -> Worker:
    _check_skills(skills)
    if user_id is not None and await session.get(User, user_id) is None:
        raise NotFound(f"user {user_id} does not exist", user_id=str(user_id))
    worker = await insert_unique(
        session,
        Worker,
        {"name": name, "user_id": user_id, "calendar_id": calendar_id},
        [("user_id",)],
    )
    await set_skills(session, worker.id, skills)
    return worker


async def set_skills(
    session: AsyncSession, worker_id: uuid.UUID, skills: Mapping[Stage, int]
) -> None:
    _check_skills(skills)
    await session.execute(delete(WorkerSkill).where(WorkerSkill.worker_id == worker_id))
    session.add_all(
        WorkerSkill(worker_id=worker_id, stage=stage.value, level=level)
        for stage, level in skills.items()
    )
    await session.flush()


async def skills_of(
    session: AsyncSession, worker_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, dict[Stage, int]]:
    skills: dict[uuid.UUID, dict[Stage, int]] = defaultdict(dict)
    for skill in await session.scalars(
        select(WorkerSkill).where(WorkerSkill.worker_id.in_(worker_ids))
    ):
        skills[skill.worker_id][Stage(skill.stage)] = skill.level
    return skills


async def workers(
    session: AsyncSession, *, stage: Stage | None = None, active: bool | None = True
) -> list[Worker]:
    """Workers by name; with `stage`, those who may do it (at the stage's level), best first."""
    query = select(Worker).order_by(Worker.name)
    if active is not None:
        query = query.where(Worker.active == active)
    if stage is not None:
        needs = await session.get(StageRequirement, stage.value)
        query = (
            query.join(WorkerSkill, WorkerSkill.worker_id == Worker.id)
            .where(
                WorkerSkill.stage == stage.value,
                WorkerSkill.level >= (needs.min_skill_level if needs else 1),
            )
            .order_by(None)
            .order_by(WorkerSkill.level.desc(), Worker.name)
        )
    return list(await session.scalars(query))


async def create_equipment(
    session: AsyncSession, name: str, equipment_type: str, stage: Stage, station: str | None
) -> Equipment:
    if stage in AUTOMATIC_STAGES:
        raise InvalidInput(f"{stage} is automatic: it uses no equipment")
    return await insert_unique(
        session,
        Equipment,
        {"name": name, "equipment_type": equipment_type, "stage": stage.value, "station": station},
        [("name",)],
    )


async def set_equipment_status(session: AsyncSession, equipment: Equipment, status: str) -> None:
    """Send equipment to maintenance or bring it back; not while an order holds it."""
    if status == "in_use":
        raise InvalidInput("equipment is put in use by starting a stage, not by hand")
    locked = await session.scalar(
        select(Equipment).where(Equipment.id == equipment.id).with_for_update()
    )
    assert locked is not None
    if locked.status == "in_use":
        number = await session.scalar(
            select(Order.number).where(Order.id == locked.held_by_order_id)
        )
        raise Conflict(
            f"{locked.name} is in use by {number} ({locked.held_for_stage}); "
            "it is free again when that stage is completed",
            equipment=locked.name,
        )
    locked.status = status


async def equipment_list(
    session: AsyncSession,
    *,
    equipment_type: str | None = None,
    status: str | None = None,
    equipment_id: uuid.UUID | None = None,
) -> list[tuple[Equipment, str | None]]:
    """Equipment with the number of the order holding it."""
    query = (
        select(Equipment, Order.number)
        .outerjoin(Order, Order.id == Equipment.held_by_order_id)
        .order_by(Equipment.name)
    )
    if equipment_type is not None:
        query = query.where(Equipment.equipment_type == equipment_type)
    if status is not None:
        query = query.where(Equipment.status == status)
    if equipment_id is not None:
        query = query.where(Equipment.id == equipment_id)
    return [(equipment, number) for equipment, number in await session.execute(query)]


async def stage_requirements(session: AsyncSession) -> list[StageRequirement]:
    order = {stage.value: n for n, stage in enumerate(Stage)}
    found = list(await session.scalars(select(StageRequirement)))
    return sorted(found, key=lambda r: order.get(r.stage, len(order)))


async def product_target(
    session: AsyncSession, product_id: uuid.UUID, stage: Stage, minutes: int
) -> None:
    """A product's own target for a stage (it applies to orders taken from now on)."""
    target = await session.get(ProductStageTarget, (product_id, stage.value))
    if target is None:
        session.add(
            ProductStageTarget(product_id=product_id, stage=stage.value, target_minutes=minutes)
        )
    else:
        target.target_minutes = minutes
    await session.flush()
