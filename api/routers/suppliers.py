"""Suppliers: who they are (contacts, rating, status, terms, credit limit), what they offer
(prices with breaks, minimum quantities, packs, lead times) and how they deliver."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated, Literal

from fastapi import APIRouter, Response
from pydantic import AfterValidator, BaseModel, ConfigDict, EmailStr, Field

from api.auth.access import Principal, requires
from api.deps import SessionDep
from api.fields import Days, Flag, Money, Percent, Quantity, UnitPrice
from api.queries import suppliers as queries
from domain.access import Action
from persistence.tables import Supplier, SupplierItem
from services.inventory.catalogue import get_existing, update_unique
from services.purchasing import purchase_orders, supplier_offers, suppliers

router = APIRouter()
READ = requires(Action.READ)
Buyer = Annotated[Principal, requires(Action.MANAGE_PURCHASING)]


class Contact(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    name: str = Field(min_length=1, max_length=200)
    email: EmailStr | None = None
    phone: str | None = Field(None, max_length=50)
    role: str | None = Field(None, max_length=100)


class SupplierFields(BaseModel):
    email: str | None = Field(None, max_length=200, pattern=r"^[^@\s]+@[^@\s]+$")
    phone: str | None = Field(None, max_length=50)
    status: Literal["active", "blocked"] = "active"
    rating: Decimal | None = Field(None, ge=0, le=5, max_digits=2, decimal_places=1)
    payment_terms: str | None = Field(None, max_length=100, examples=["net 30"])
    currency: str = Field("EUR", pattern=r"^[A-Z]{3}$")
    credit_limit: Money | None = None
    over_receipt_tolerance_pct: Percent = 0
    notes: str = Field("", max_length=4000)


class SupplierCreate(SupplierFields):
    name: str = Field(min_length=1, max_length=200)
    contacts: list[Contact] = Field(default_factory=list, max_length=50)


class SupplierUpdate(BaseModel):
    name: str | None = Field(None, min_length=1, max_length=200)
    email: str | None = Field(None, max_length=200, pattern=r"^[^@\s]+@[^@\s]+$")
    phone: str | None = Field(None, max_length=50)
    status: Literal["active", "blocked"] | None = None
    rating: Decimal | None = Field(None, ge=0, le=5, max_digits=2, decimal_places=1)
    payment_terms: str | None = Field(None, max_length=100)
    currency: str | None = Field(None, pattern=r"^[A-Z]{3}$")
    credit_limit: Money | None = None
    over_receipt_tolerance_pct: Percent | None = None
    notes: str | None = Field(None, max_length=4000)
    contacts: list[Contact] | None = Field(None, max_length=50, description="Replaces them")


class SupplierOut(SupplierCreate):
    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    created_at: datetime
    updated_at: datetime


class PriceBreak(BaseModel):
    min_quantity: Quantity
    unit_price: UnitPrice


def _distinct(breaks: list[PriceBreak]) -> list[PriceBreak]:
    quantities = [b.min_quantity for b in breaks]
    if len(set(quantities)) != len(quantities):
        raise ValueError("price breaks need distinct min_quantity values")
    return breaks


PriceBreaks = Annotated[list[PriceBreak], Field(max_length=20), AfterValidator(_distinct)]


class OfferFields(BaseModel):
    unit_price: Decimal = Field(ge=0, max_digits=12, decimal_places=2)
    min_order_qty: Quantity = 1
    pack_size: Quantity = Field(1, description="Ordered in whole packs (a reel of 70 switches)")
    lead_time_days: Days = 0
    preferred: Flag = False
    price_breaks: PriceBreaks = Field(default_factory=list)


class SupplierItemCreate(OfferFields):
    item_id: uuid.UUID


class SupplierItemUpdate(BaseModel):
    unit_price: Decimal | None = Field(None, ge=0, max_digits=12, decimal_places=2)
    min_order_qty: Quantity | None = None
    pack_size: Quantity | None = None
    lead_time_days: Days | None = None
    preferred: Flag | None = None
    price_breaks: PriceBreaks | None = Field(None, description="Replaces them")


class PriceBreakOut(BaseModel):
    min_quantity: int
    unit_price: Decimal


class SupplierItemOut(BaseModel):
    """An offer as it is stored (the bounds are the input's: older rows may lie outside them)."""

    id: uuid.UUID
    supplier_id: uuid.UUID
    item_id: uuid.UUID
    unit_price: Decimal
    min_order_qty: int
    pack_size: int
    lead_time_days: int
    preferred: bool
    price_breaks: list[PriceBreakOut]


class PerformanceOut(BaseModel):
    supplier_id: uuid.UUID
    lines: int = Field(description="Purchase-order lines that were due or are received")
    on_time_rate: float | None = Field(description="Received by the expected date, of ordered")
    average_lead_time_days: float | None = Field(description="From sending to full receipt")
    average_days_past_promise: float | None = Field(
        description="Lead-time accuracy: full receipt after the end of the expected date, in "
        "days on average (negative: before it)"
    )


async def _suppliers_out(session: SessionDep, found: Sequence[Supplier]) -> list[SupplierOut]:
    contacts = await queries.contacts_of(session, [s.id for s in found])
    names = [name for name in SupplierOut.model_fields if name != "contacts"]
    return [
        SupplierOut(
            **{name: getattr(supplier, name) for name in names},
            contacts=[Contact.model_validate(c) for c in contacts[supplier.id]],
        )
        for supplier in found
    ]


async def _supplier_out(session: SessionDep, supplier: Supplier) -> SupplierOut:
    return (await _suppliers_out(session, [supplier]))[0]


async def _offers_out(session: SessionDep, offers: list[SupplierItem]) -> list[SupplierItemOut]:
    breaks = await supplier_offers.price_breaks(session, [o.id for o in offers])
    return [
        SupplierItemOut(
            id=o.id,
            supplier_id=o.supplier_id,
            item_id=o.item_id,
            unit_price=o.unit_price,
            min_order_qty=o.min_order_qty,
            pack_size=o.pack_size,
            lead_time_days=o.lead_time_days,
            preferred=o.preferred,
            price_breaks=[
                PriceBreakOut(min_quantity=q, unit_price=p) for q, p in breaks.get(o.id, [])
            ],
        )
        for o in offers
    ]


def _breaks(given: list[PriceBreak]) -> list[tuple[int, Decimal]]:
    return [(b.min_quantity, b.unit_price) for b in given]


@router.post("/suppliers", status_code=201)
async def create_supplier(body: SupplierCreate, session: SessionDep, _: Buyer) -> SupplierOut:
    supplier = await suppliers.create_supplier(
        session,
        body.model_dump(exclude={"contacts"}),
        [c.model_dump() for c in body.contacts],
    )
    return await _supplier_out(session, supplier)


@router.get("/suppliers", dependencies=[READ])
async def list_suppliers(
    session: SessionDep, status: Literal["active", "blocked"] | None = None
) -> list[SupplierOut]:
    return await _suppliers_out(session, await queries.suppliers(session, status))


@router.get("/suppliers/{supplier_id}", dependencies=[READ])
async def get_supplier(supplier_id: uuid.UUID, session: SessionDep) -> SupplierOut:
    return await _supplier_out(
        session, await get_existing(session, Supplier, supplier_id, "supplier")
    )


@router.patch("/suppliers/{supplier_id}")
async def update_supplier(
    supplier_id: uuid.UUID, body: SupplierUpdate, session: SessionDep, _: Buyer
) -> SupplierOut:
    """Change any field; `status: blocked` stops new purchase orders to the supplier."""
    changes = body.model_dump(exclude={"contacts"}, exclude_unset=True)
    contacts = None if body.contacts is None else [c.model_dump() for c in body.contacts]
    supplier = await suppliers.update_supplier(session, supplier_id, changes, contacts)
    return await _supplier_out(session, supplier)


@router.delete("/suppliers/{supplier_id}", status_code=204)
async def delete_supplier(supplier_id: uuid.UUID, session: SessionDep, _: Buyer) -> Response:
    """Only a supplier without purchase orders; block the others instead (409)."""
    await suppliers.delete_supplier(session, supplier_id)
    return Response(status_code=204)


@router.post("/suppliers/{supplier_id}/items", status_code=201)
async def add_supplier_item(
    supplier_id: uuid.UUID, body: SupplierItemCreate, session: SessionDep, _: Buyer
) -> SupplierItemOut:
    offer = await suppliers.create_offer(
        session, supplier_id, body.model_dump(exclude={"price_breaks"}), _breaks(body.price_breaks)
    )
    return (await _offers_out(session, [offer]))[0]


@router.get("/suppliers/{supplier_id}/items", dependencies=[READ])
async def list_supplier_items(supplier_id: uuid.UUID, session: SessionDep) -> list[SupplierItemOut]:
    return await _offers_out(session, await queries.offers_of(session, supplier_id))


@router.patch("/suppliers/{supplier_id}/items/{offer_id}")
async def update_supplier_item(
    supplier_id: uuid.UUID,
    offer_id: uuid.UUID,
    body: SupplierItemUpdate,
    session: SessionDep,
    _: Buyer,
) -> SupplierItemOut:
    await suppliers.offer_of(session, supplier_id, offer_id)
    changes = body.model_dump(exclude={"price_breaks"}, exclude_unset=True)
    offer = await update_unique(session, SupplierItem, offer_id, changes, [], label="supplier item")
    if body.price_breaks is not None:
        await suppliers.set_price_breaks(session, offer.id, _breaks(body.price_breaks))
    return (await _offers_out(session, [offer]))[0]


@router.delete("/suppliers/{supplier_id}/items/{offer_id}", status_code=204)
async def delete_supplier_item(
    supplier_id: uuid.UUID, offer_id: uuid.UUID, session: SessionDep, _: Buyer
) -> Response:
    offer = await suppliers.offer_of(session, supplier_id, offer_id)
    await session.delete(offer)  # its price breaks go with it (ON DELETE CASCADE)
    return Response(status_code=204)


@router.get("/suppliers/{supplier_id}/performance", dependencies=[READ])
async def performance(supplier_id: uuid.UUID, session: SessionDep) -> PerformanceOut:
    """On-time delivery (received by the expected date, in full) and average lead time."""
    await get_existing(session, Supplier, supplier_id, "supplier")
    found = await purchase_orders.performance(session, supplier_id, datetime.now(UTC).date())
    return PerformanceOut(supplier_id=supplier_id, **vars(found))
