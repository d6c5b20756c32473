"""Where stock is kept: warehouses (by geography), their zones with climate ranges, the bins
inside the zones, and the zones' temperature and humidity readings."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated, Self

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field, model_validator

from api.auth.access import Principal, requires
from api.deps import SessionDep, WorkflowsDep
from api.fields import RecordedAt
from api.metrics import ZONE_READINGS_OUT_OF_RANGE
from api.notice_delivery import deliver_after_commit
from api.queries import locations
from domain.access import Action
from domain.stock import ZoneType
from persistence.tables import Bin, Warehouse, Zone
from services.inventory import zone_readings
from services.inventory.catalogue import get_existing, insert_unique
from services.inventory.locations import default_bin

router = APIRouter()
READ = requires(Action.READ)
CatalogueKeeper = Annotated[Principal, requires(Action.MANAGE_CATALOGUE)]
Storekeeper = Annotated[Principal, requires(Action.MOVE_STOCK)]

Temperature = Annotated[
    Decimal, Field(ge=-100, le=200, max_digits=5, decimal_places=1, description="°C")
]
Humidity = Annotated[
    Decimal, Field(ge=0, le=100, max_digits=4, decimal_places=1, description="% relative")
]


class WarehouseCreate(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    code: str = Field(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]*$")
    address: str = Field("", max_length=300)
    city: str = Field("", max_length=100)
    country: str = Field("", max_length=100)


class WarehouseOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    name: str
    code: str
    address: str
    city: str
    country: str
    created_at: datetime


class ZoneCreate(BaseModel):
    name: str = Field(min_length=1, max_length=100)
    zone_type: ZoneType
    min_temperature: Temperature | None = None
    max_temperature: Temperature | None = None
    min_humidity: Humidity | None = None
    max_humidity: Humidity | None = None

    @model_validator(mode="after")
    def _ranges(self) -> Self:
        for low, high in (
            (self.min_temperature, self.max_temperature),
            (self.min_humidity, self.max_humidity),
        ):
            if low is not None and high is not None and low > high:
                raise ValueError("a minimum must not be above its maximum")
        return self


class ZoneOut(BaseModel):
    """A zone as it is stored (the bounds are the input's: older rows may lie outside them)."""

    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    warehouse_id: uuid.UUID
    name: str
    zone_type: ZoneType
    min_temperature: Decimal | None
    max_temperature: Decimal | None
    min_humidity: Decimal | None
    max_humidity: Decimal | None
    created_at: datetime


class BinCreate(BaseModel):
    code: str = Field(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]*$")
    shelf: str | None = Field(None, max_length=32)
    cell: str | None = Field(None, max_length=32)


class BinOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    code: str
    shelf: str | None
    cell: str | None
    zone_id: uuid.UUID
    warehouse_id: uuid.UUID
    created_at: datetime


class ReadingIn(BaseModel):
    temperature: Temperature | None = None
    humidity: Humidity | None = None
    recorded_at: RecordedAt | None = Field(None, description="Defaults to now")


class ReadingOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    zone_id: uuid.UUID
    temperature: Decimal | None
    humidity: Decimal | None
    out_of_range: bool
    problems: str
    recorded_at: datetime
    recorded_by: str | None


@router.post("/warehouses", status_code=201)
async def create_warehouse(
    body: WarehouseCreate, session: SessionDep, _: CatalogueKeeper
) -> WarehouseOut:
    """A warehouse starts with a receiving zone and bin, so receipts always have a place."""
    warehouse = await insert_unique(session, Warehouse, body.model_dump(), [("code",)])
    await default_bin(session, warehouse.id, ZoneType.RECEIVING)
    return WarehouseOut.model_validate(warehouse)


@router.get("/warehouses", dependencies=[READ])
async def list_warehouses(session: SessionDep) -> list[WarehouseOut]:
    return [WarehouseOut.model_validate(w) for w in await locations.warehouses(session)]


@router.get("/warehouses/{warehouse_id}", dependencies=[READ])
async def get_warehouse(warehouse_id: uuid.UUID, session: SessionDep) -> WarehouseOut:
    return WarehouseOut.model_validate(
        await get_existing(session, Warehouse, warehouse_id, "warehouse")
    )


@router.post("/warehouses/{warehouse_id}/zones", status_code=201)
async def create_zone(
    warehouse_id: uuid.UUID, body: ZoneCreate, session: SessionDep, _: CatalogueKeeper
) -> ZoneOut:
    await get_existing(session, Warehouse, warehouse_id, "warehouse")
    zone = await insert_unique(
        session,
        Zone,
        {"warehouse_id": warehouse_id, **body.model_dump(mode="python")},
        [("warehouse_id", "name")],
    )
    return ZoneOut.model_validate(zone)


@router.get("/warehouses/{warehouse_id}/zones", dependencies=[READ])
async def list_zones(warehouse_id: uuid.UUID, session: SessionDep) -> list[ZoneOut]:
    return [ZoneOut.model_validate(z) for z in await locations.zones_of(session, warehouse_id)]


@router.get("/warehouses/{warehouse_id}/bins", dependencies=[READ])
async def list_warehouse_bins(warehouse_id: uuid.UUID, session: SessionDep) -> list[BinOut]:
    return [BinOut.model_validate(b) for b in await locations.bins_of(session, warehouse_id)]


@router.post("/zones/{zone_id}/bins", status_code=201)
async def create_bin(
    zone_id: uuid.UUID, body: BinCreate, session: SessionDep, _: CatalogueKeeper
) -> BinOut:
    zone = await get_existing(session, Zone, zone_id, "zone")
    created = await insert_unique(
        session,
        Bin,
        {"zone_id": zone.id, "warehouse_id": zone.warehouse_id, **body.model_dump()},
        [("warehouse_id", "code")],
    )
    return BinOut.model_validate(created)


@router.get("/zones/{zone_id}/bins", dependencies=[READ])
async def list_bins(zone_id: uuid.UUID, session: SessionDep) -> list[BinOut]:
    return [BinOut.model_validate(b) for b in await locations.bins_in(session, zone_id)]


@router.post("/zones/{zone_id}/readings", status_code=201)
async def record_reading(
    zone_id: uuid.UUID,
    body: ReadingIn,
    session: SessionDep,
    workflows: WorkflowsDep,
    user: Storekeeper,
) -> ReadingOut:
    """A temperature and/or humidity reading; flagged `out_of_range` outside the zone's limits.
    The storekeepers are notified when the zone leaves its range (not at every reading while it
    stays out)."""
    recorded = await zone_readings.record_reading(
        session,
        workflows.settings,
        zone_id,
        temperature=body.temperature,
        humidity=body.humidity,
        recorded_at=body.recorded_at or datetime.now(UTC),
        recorded_by=user.email,
    )
    deliver_after_commit(workflows, session, recorded.queued)
    if recorded.reading.out_of_range:
        ZONE_READINGS_OUT_OF_RANGE.labels(recorded.warehouse.code, recorded.zone.zone_type).inc()
    return ReadingOut.model_validate(recorded.reading)


@router.get("/zones/{zone_id}/readings", dependencies=[READ])
async def list_readings(
    zone_id: uuid.UUID,
    session: SessionDep,
    out_of_range: bool | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[ReadingOut]:
    """Newest first; `out_of_range=true` lists the flagged ones."""
    rows = await locations.readings(session, zone_id, out_of_range, limit)
    return [ReadingOut.model_validate(r) for r in rows]
