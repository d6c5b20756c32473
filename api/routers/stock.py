"""Stock: levels per warehouse and bin, movements (receipts, issues, adjustments, transfers),
the ledger with its history, and reservations."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Self

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, ConfigDict, Field, model_validator

from api.auth.access import Principal, requires
from api.deps import SessionDep
from api.fields import Offset, SignedQuantity
from api.idempotency import IdempotencyKey, digest, stored_key
from api.queries import stock as queries
from api.queries.stock import (
    MovementFilter,
    StockFilter,
    StockOut,
    movements_by_id,
    stock_page,
)
from domain.access import Action
from domain.errors import InvalidInput
from domain.limits import MAX_QUANTITY
from domain.stock import AdjustmentReason, MovementType
from services.inventory.locations import ensure_item_and_warehouse
from services.inventory.reservations import release_reservation, reserve_exact
from services.inventory.stock_ledger import LedgerEntry, movement_under, post_movement, transfer

router = APIRouter()
READ = requires(Action.READ)
Storekeeper = Annotated[Principal, requires(Action.MOVE_STOCK)]


class MoveRequest(BaseModel):
    item_id: uuid.UUID
    warehouse_id: uuid.UUID
    quantity: SignedQuantity = Field(
        description="Positive; for ADJUSTMENT the signed change of on hand"
    )
    reason: str = Field(min_length=1, max_length=2000)
    movement_type: MovementType = MovementType.RECEIPT
    bin_id: uuid.UUID | None = Field(
        None, description="Receipts default to the receiving bin; issues pick bins by zone"
    )
    to_warehouse_id: uuid.UUID | None = Field(None, description="TRANSFER: where to")
    to_bin_id: uuid.UUID | None = Field(None, description="TRANSFER: the bin there")
    reason_code: AdjustmentReason | None = Field(
        None, description="ADJUSTMENT: why (CORRECTION when not given)"
    )

    @model_validator(mode="after")
    def _shape(self) -> Self:
        if self.movement_type is MovementType.ADJUSTMENT:
            if self.quantity == 0:
                raise ValueError("an adjustment needs a non-zero quantity")
            self.reason_code = self.reason_code or AdjustmentReason.CORRECTION
        elif self.reason_code is not None:
            raise ValueError("reason_code belongs to ADJUSTMENT only")
        elif self.quantity <= 0:
            raise ValueError(f"a {self.movement_type} needs a positive quantity")
        if self.movement_type is MovementType.TRANSFER:
            if self.to_warehouse_id is None and self.to_bin_id is None:
                raise ValueError("a transfer needs to_warehouse_id, to_bin_id or both")
        elif self.to_warehouse_id or self.to_bin_id:
            raise ValueError("to_warehouse_id and to_bin_id belong to TRANSFER only")
        return self


class MovementOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    operation_id: uuid.UUID
    item_id: uuid.UUID
    warehouse_id: uuid.UUID
    bin_id: uuid.UUID
    movement_type: MovementType
    quantity: int
    delta: int
    reason: str
    reason_code: str | None
    order_id: uuid.UUID | None
    purchase_order_id: uuid.UUID | None
    actor: str | None
    created_at: datetime


class MoveOut(MovementOut):
    """The movement's first ledger row, and every row it wrote (`legs`): an issue from several
    bins has one per bin, a transfer has its outgoing and incoming sides."""

    legs: list[MovementOut]


class ReservationOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    order_id: uuid.UUID | None
    item_id: uuid.UUID
    warehouse_id: uuid.UUID
    quantity: int
    status: str
    note: str
    created_at: datetime


@router.post("/move", status_code=201)
async def move_stock(
    body: MoveRequest,
    session: SessionDep,
    user: Storekeeper,
    idempotency_key: IdempotencyKey = None,
) -> MoveOut:
    """Receive, issue, adjust or transfer stock: one ledger row per bin touched (a transfer
    has both its sides), all in one transaction. With an `Idempotency-Key`, a repeat (a retry
    after a 503, a double click) answers with the movement booked the first time; the key
    with a different movement is a 422."""
    await ensure_item_and_warehouse(session, body.item_id, body.warehouse_id)
    key = stored_key("move", user.user_id, idempotency_key) if idempotency_key else None
    request = digest("move", body.model_dump(mode="json"))
    entry = LedgerEntry(
        item_id=body.item_id,
        warehouse_id=body.warehouse_id,
        movement_type=body.movement_type,
        delta=-body.quantity if body.movement_type is MovementType.ISSUE else body.quantity,
        reason=body.reason,
        bin_id=body.bin_id,
        reason_code=body.reason_code,
        idempotency_key=key,
        request_digest=request if key else None,
        actor=user.email,
    )
    if body.movement_type is MovementType.TRANSFER:
        target = body.to_warehouse_id or body.warehouse_id
        await ensure_item_and_warehouse(session, body.item_id, target)
        ids = await transfer(session, entry, to_warehouse_id=target, to_bin_id=body.to_bin_id)
    else:
        ids = await post_movement(session, entry)
    if ids:
        rows = await movements_by_id(session, ids)
    else:  # booked before under this key
        assert key is not None
        rows = await movement_under(session, key)
        if rows[0].request_digest not in (None, request):
            raise InvalidInput(
                f"this Idempotency-Key already booked movement {rows[0].id} ("
                f"{rows[0].movement_type} of {rows[0].quantity}); use a new key for a new one",
                field="Idempotency-Key",
                location="header",
            )
    legs = [MovementOut.model_validate(m) for m in rows]
    return MoveOut(**legs[0].model_dump(), legs=legs)


@router.get("/stock", dependencies=[READ])
async def stock(
    session: SessionDep,
    response: Response,
    item_id: uuid.UUID | None = None,
    warehouse_id: uuid.UUID | None = None,
    bin_id: uuid.UUID | None = None,
    search: Annotated[
        str | None, Query(max_length=200, description="In the SKU, name and barcode")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 1000,
    offset: Annotated[Offset, Query()] = 0,
) -> list[StockOut]:
    """Per item and warehouse, by SKU: on hand, reserved, available, and on hand by bin; the
    total count is in the `X-Total-Count` header."""
    found = StockFilter(item_id=item_id, warehouse_id=warehouse_id, bin_id=bin_id, search=search)
    total, page = await stock_page(session, found, limit, offset)
    response.headers["X-Total-Count"] = str(total)
    return page


@router.get("/movements", dependencies=[READ])
async def movements(
    session: SessionDep,
    query: MovementFilter,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[Offset, Query()] = 0,
) -> list[MovementOut]:
    """The ledger, newest first: who moved what, when, why, from and to which bin."""
    rows = await session.scalars(query.offset(offset).limit(limit))
    return [MovementOut.model_validate(m) for m in rows]


@router.post("/reserve", status_code=201)
async def reserve(
    session: SessionDep,
    user: Storekeeper,
    item_id: uuid.UUID,
    warehouse_id: uuid.UUID,
    quantity: Annotated[int, Query(gt=0, le=MAX_QUANTITY)],
    note: Annotated[str, Query(max_length=2000)] = "",
    idempotency_key: IdempotencyKey = None,
) -> ReservationOut:
    """Reserve exactly `quantity`, or 409 when less is available. With an `Idempotency-Key`,
    a repeat answers with the reservation the first one made; the key with another request is
    a 422."""
    key = stored_key("reserve", user.user_id, idempotency_key) if idempotency_key else None
    request = digest("reserve", str(item_id), str(warehouse_id), quantity, note)
    reservation = await reserve_exact(
        session,
        item_id,
        warehouse_id,
        quantity,
        note=note,
        idempotency_key=key,
        request_digest=request if key else None,
    )
    if reservation.request_digest not in (None, request):
        raise InvalidInput(
            "this Idempotency-Key already made another reservation; use a new key",
            field="Idempotency-Key",
            location="header",
        )
    return ReservationOut.model_validate(reservation)


@router.get("/reservations", dependencies=[READ])
async def reservations(
    session: SessionDep,
    item_id: uuid.UUID | None = None,
    warehouse_id: uuid.UUID | None = None,
    order_id: uuid.UUID | None = None,
    status: str | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[ReservationOut]:
    rows = await queries.reservations(session, item_id, warehouse_id, order_id, status, limit)
    return [ReservationOut.model_validate(r) for r in rows]


@router.post("/reservations/{reservation_id}/release")
async def release(reservation_id: uuid.UUID, session: SessionDep, _: Storekeeper) -> ReservationOut:
    reservation = await release_reservation(session, reservation_id)
    await session.flush()
    return ReservationOut.model_validate(reservation)
