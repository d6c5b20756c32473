"""The shop floor's resources: workers and their skills, the equipment, and what each stage
needs (skill level, kind of equipment, target time, per product where it differs)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field

from api.auth.access import Principal, requires
from api.deps import SessionDep
from api.fields import Flag, Minutes, SkillLevel
from domain.access import Action
from domain.errors import InvalidInput, NotFound
from domain.stages import AUTOMATIC_STAGES, Stage
from persistence.tables import Equipment, StageRequirement, Worker
from services.floor import calendars, resources
from services.inventory.catalogue import get_existing, product_by_sku

router = APIRouter()
READ = requires(Action.READ)
FloorManager = Annotated[Principal, requires(Action.MANAGE_FLOOR)]
_FOLLOWS = "Its working hours; without one, the plant's default calendar"


# --- workers -----------------------------------------------------------------------------


class SkillIn(BaseModel):
    stage: Stage
    level: SkillLevel


class WorkerCreate(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    user_id: uuid.UUID | None = Field(None, description="The worker's sign-in account")
    skills: list[SkillIn] = Field(default_factory=list, max_length=20)
    calendar_id: uuid.UUID | None = Field(None, description=_FOLLOWS)


class WorkerUpdate(BaseModel):
    name: str | None = Field(None, min_length=1, max_length=200)
    skills: list[SkillIn] | None = Field(None, max_length=20)
    calendar_id: uuid.UUID | None = Field(None, description=_FOLLOWS + "; null to follow it again")
    available: Flag | None = Field(None, description="False while ill or away")
    active: Flag | None = None


class WorkerOut(BaseModel):
    id: uuid.UUID
    name: str
    user_id: uuid.UUID | None
    skills: dict[Stage, int]
    calendar_id: uuid.UUID | None
    available: bool
    active: bool


def _skills(skills: list[SkillIn]) -> dict[Stage, int]:
    by_stage = {s.stage: s.level for s in skills}
    if len(by_stage) != len(skills):
        raise InvalidInput("each stage may appear once in skills")
    return by_stage


async def _worker_out(session: SessionDep, worker: Worker) -> WorkerOut:
    return (await _workers_out(session, [worker]))[0]


async def _workers_out(session: SessionDep, found: list[Worker]) -> list[WorkerOut]:
    skills = await resources.skills_of(session, [w.id for w in found])
    return [
        WorkerOut(
            id=w.id,
            name=w.name,
            user_id=w.user_id,
            skills=skills.get(w.id, {}),
            calendar_id=w.calendar_id,
            available=w.available,
            active=w.active,
        )
        for w in found
    ]


@router.post("/workers", status_code=201)
async def create_worker(body: WorkerCreate, session: SessionDep, _: FloorManager) -> WorkerOut:
    """A person on the floor, with a skill level per stage and the calendar of their working
    hours. 409 when the account already belongs to a worker."""
    await calendars.check_calendar(session, body.calendar_id)
    worker = await resources.create_worker(
        session, body.name, body.user_id, _skills(body.skills), body.calendar_id
    )
    return await _worker_out(session, worker)


@router.get("/workers", dependencies=[READ])
async def list_workers(
    session: SessionDep,
    stage: Annotated[Stage | None, Query(description="Only those skilled enough for it")] = None,
    active: bool | None = True,
) -> list[WorkerOut]:
    return await _workers_out(session, await resources.workers(session, stage=stage, active=active))


@router.get("/workers/{worker_id}", dependencies=[READ])
async def get_worker(worker_id: uuid.UUID, session: SessionDep) -> WorkerOut:
    return await _worker_out(session, await get_existing(session, Worker, worker_id, "worker"))


@router.patch("/workers/{worker_id}")
async def update_worker(
    worker_id: uuid.UUID, body: WorkerUpdate, session: SessionDep, _: FloorManager
) -> WorkerOut:
    worker = await get_existing(session, Worker, worker_id, "worker")
    for field in ("name", "available", "active"):
        value = getattr(body, field)
        if value is not None:
            setattr(worker, field, value)
    if "calendar_id" in body.model_fields_set:
        await calendars.check_calendar(session, body.calendar_id)
        worker.calendar_id = body.calendar_id
    if body.skills is not None:
        await resources.set_skills(session, worker.id, _skills(body.skills))
    await session.flush()
    return await _worker_out(session, worker)


# --- equipment ---------------------------------------------------------------------------


class EquipmentCreate(BaseModel):
    name: str = Field(min_length=1, max_length=200, examples=["SS-2"])
    equipment_type: str = Field(
        min_length=1, max_length=64, pattern=r"^[a-z0-9_]+$", examples=["soldering_station"]
    )
    stage: Stage
    station: str | None = Field(None, max_length=100)
    calendar_id: uuid.UUID | None = Field(None, description=_FOLLOWS)


class EquipmentUpdate(BaseModel):
    status: Literal["available", "maintenance"] | None = None
    station: str | None = Field(None, max_length=100)
    calendar_id: uuid.UUID | None = Field(None, description=_FOLLOWS + "; null to follow it again")
    notes: str | None = Field(None, max_length=2000)


class EquipmentOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    name: str
    equipment_type: str
    stage: Stage
    station: str | None
    calendar_id: uuid.UUID | None
    status: str
    held_by_order: str | None = None
    held_for_stage: Stage | None
    held_since: datetime | None
    notes: str


def _equipment_out(equipment: Equipment, held_by: str | None) -> EquipmentOut:
    return EquipmentOut.model_validate(equipment).model_copy(update={"held_by_order": held_by})


@router.post("/equipment", status_code=201)
async def create_equipment(
    body: EquipmentCreate, session: SessionDep, _: FloorManager
) -> EquipmentOut:
    """A soldering station, a test rig, a flashing jig... 409 when the name is taken."""
    await calendars.check_calendar(session, body.calendar_id)
    equipment = await resources.create_equipment(
        session, body.name, body.equipment_type, body.stage, body.station
    )
    equipment.calendar_id = body.calendar_id
    return _equipment_out(equipment, None)


@router.get("/equipment", dependencies=[READ])
async def list_equipment(
    session: SessionDep,
    equipment_type: str | None = None,
    status: Literal["available", "in_use", "maintenance"] | None = None,
) -> list[EquipmentOut]:
    found = await resources.equipment_list(session, equipment_type=equipment_type, status=status)
    return [_equipment_out(e, number) for e, number in found]


@router.patch("/equipment/{equipment_id}")
async def update_equipment(
    equipment_id: uuid.UUID, body: EquipmentUpdate, session: SessionDep, _: FloorManager
) -> EquipmentOut:
    """Send to maintenance or bring back (409 while an order's stage holds it)."""
    equipment = await get_existing(session, Equipment, equipment_id, "equipment")
    if body.status is not None:
        await resources.set_equipment_status(session, equipment, body.status)
    if body.station is not None:
        equipment.station = body.station
    if body.notes is not None:
        equipment.notes = body.notes
    if "calendar_id" in body.model_fields_set:
        await calendars.check_calendar(session, body.calendar_id)
        equipment.calendar_id = body.calendar_id
    await session.flush()
    [(updated, held_by)] = await resources.equipment_list(session, equipment_id=equipment.id)
    return _equipment_out(updated, held_by)


# --- what stages need --------------------------------------------------------------------


class StageRequirementOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    stage: Stage
    min_skill_level: int
    equipment_type: str | None
    target_minutes: int


class StageRequirementUpdate(BaseModel):
    min_skill_level: SkillLevel | None = None
    equipment_type: str | None = Field(None, max_length=64, pattern=r"^[a-z0-9_]*$")
    target_minutes: Minutes | None = None


class TargetIn(BaseModel):
    target_minutes: Minutes


@router.get("/stages", dependencies=[READ])
async def list_stage_requirements(session: SessionDep) -> list[StageRequirementOut]:
    """The skill level and equipment each manual stage needs, and its default target."""
    return [
        StageRequirementOut.model_validate(r) for r in await resources.stage_requirements(session)
    ]


@router.patch("/stages/{stage}")
async def update_stage_requirement(
    stage: Stage, body: StageRequirementUpdate, session: SessionDep, _: FloorManager
) -> StageRequirementOut:
    """Change what a stage needs (an empty `equipment_type` means none); targets apply to
    orders taken from now on."""
    if stage in AUTOMATIC_STAGES:
        raise InvalidInput(f"{stage} is automatic: it needs nobody")
    requirement = await session.get(StageRequirement, stage.value)
    if requirement is None:
        raise NotFound(f"{stage} has no requirements", stage=stage.value)
    if body.min_skill_level is not None:
        requirement.min_skill_level = body.min_skill_level
    if body.equipment_type is not None:
        requirement.equipment_type = body.equipment_type or None
    if body.target_minutes is not None:
        requirement.target_minutes = body.target_minutes
    await session.flush()
    return StageRequirementOut.model_validate(requirement)


@router.put("/stages/{stage}/targets/{product_sku}", status_code=204)
async def set_product_target(
    stage: Stage, product_sku: str, body: TargetIn, session: SessionDep, _: FloorManager
) -> None:
    """A product's own target duration for a stage (instead of the stage's default)."""
    if stage in AUTOMATIC_STAGES:
        raise InvalidInput(f"{stage} is automatic: it has no target")
    product = await product_by_sku(session, product_sku)
    await resources.product_target(session, product.id, stage, body.target_minutes)
