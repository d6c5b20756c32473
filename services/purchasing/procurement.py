"""Purchase orders raised for customer orders' shortages.

Demand rows record which customer order each purchase-order line serves. For an order,
covered = reserved + its demands on open purchase orders; raising purchase orders only buys
what is not covered yet, so calling it again changes nothing.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from contracts.orders import HeldShortage, ProcureResult
from domain.errors import NotFound
from domain.purchasing import (
    OPEN_STATUSES,
    PurchaseOrderStatus,
    PurchasePlan,
    PurchaseSuggestion,
    order_quantity,
    plan_purchases,
)
from persistence.tables import (
    Item,
    Order,
    PurchaseOrder,
    PurchaseOrderDemand,
    PurchaseOrderLine,
    Supplier,
)
from services.purchasing.purchase_orders import next_purchase_order_number, now
from services.purchasing.supplier_offers import offers_for

OPEN = [s.value for s in OPEN_STATUSES]


async def _demands_of(session: AsyncSession, order_id: uuid.UUID) -> dict[uuid.UUID, int]:
    """The order's demand on open purchase orders, per item."""
    rows = await session.execute(
        select(PurchaseOrderLine.item_id, func.sum(PurchaseOrderDemand.quantity))
        .join(PurchaseOrderDemand, PurchaseOrderDemand.line_id == PurchaseOrderLine.id)
        .join(PurchaseOrder, PurchaseOrder.id == PurchaseOrderLine.purchase_order_id)
        .where(PurchaseOrderDemand.order_id == order_id, PurchaseOrder.status.in_(OPEN))
        .group_by(PurchaseOrderLine.item_id)
    )
    return {item: int(q) for item, q in rows}


async def _add_demand(
    session: AsyncSession, line_id: uuid.UUID, order_id: uuid.UUID, quantity: int
) -> None:
    statement = insert(PurchaseOrderDemand).values(
        line_id=line_id, order_id=order_id, quantity=quantity, allocated=0
    )
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=[PurchaseOrderDemand.line_id, PurchaseOrderDemand.order_id],
            set_={"quantity": PurchaseOrderDemand.quantity + statement.excluded.quantity},
        )
    )


async def _attach_to_surplus(
    session: AsyncSession, order: Order, item_id: uuid.UUID, needed: int
) -> int:
    """Attach the need to quantity already on open purchase orders that nobody waits for.
    Returns what is still not covered."""
    lines = (
        await session.execute(
            select(PurchaseOrderLine)
            .join(PurchaseOrder, PurchaseOrder.id == PurchaseOrderLine.purchase_order_id)
            .where(
                PurchaseOrderLine.item_id == item_id,
                PurchaseOrder.warehouse_id == order.warehouse_id,
                PurchaseOrder.status.in_(OPEN),
            )
            .order_by(PurchaseOrder.expected_date, PurchaseOrder.created_at, PurchaseOrderLine.id)
            .with_for_update(of=PurchaseOrderLine)
        )
    ).scalars()
    for line in lines:
        if needed <= 0:
            break
        claimed = await session.scalar(
            select(func.coalesce(func.sum(PurchaseOrderDemand.quantity), 0)).where(
                PurchaseOrderDemand.line_id == line.id
            )
        )
        free = line.quantity - line.received_quantity - int(claimed or 0)
        if free > 0:
            take = min(free, needed)
            await _add_demand(session, line.id, order.id, take)
            needed -= take
    return needed


async def _draft_for(
    session: AsyncSession, supplier_id: uuid.UUID, warehouse_id: uuid.UUID
) -> PurchaseOrder:
    """The supplier's automatic draft purchase order for the warehouse, created when there is
    none (a buyer's own drafts are left as the buyer made them). A partial unique index keeps
    it one; the row lock serialises writers that join it."""
    found = await session.scalar(
        select(PurchaseOrder)
        .where(
            PurchaseOrder.supplier_id == supplier_id,
            PurchaseOrder.warehouse_id == warehouse_id,
            PurchaseOrder.status == PurchaseOrderStatus.DRAFT,
            PurchaseOrder.origin == "auto",
        )
        .with_for_update()
    )
    if found is not None:
        return found
    await session.execute(
        insert(PurchaseOrder)
        .values(
            id=uuid.uuid4(),
            number=await next_purchase_order_number(session),
            supplier_id=supplier_id,
            warehouse_id=warehouse_id,
            status=PurchaseOrderStatus.DRAFT.value,
        )
        .on_conflict_do_nothing()
    )
    return await _draft_for(session, supplier_id, warehouse_id)


async def plan(
    session: AsyncSession, needs: Mapping[uuid.UUID, int], today: date
) -> PurchasePlan[uuid.UUID, uuid.UUID]:
    """The purchase plan for `needs`, within each supplier's credit limit (counting the value
    still to come on its open purchase orders)."""
    offers = await offers_for(session, needs)
    suppliers = {o.supplier for found in offers.values() for o in found}
    remaining = PurchaseOrderLine.quantity - PurchaseOrderLine.received_quantity
    committed = {
        supplier: Decimal(value or 0)
        for supplier, value in await session.execute(
            select(
                PurchaseOrder.supplier_id,
                func.sum(func.greatest(remaining, 0) * PurchaseOrderLine.unit_price),
            )
            .join(PurchaseOrderLine, PurchaseOrderLine.purchase_order_id == PurchaseOrder.id)
            .where(PurchaseOrder.supplier_id.in_(suppliers), PurchaseOrder.status.in_(OPEN))
            .group_by(PurchaseOrder.supplier_id)
        )
    }
    limits = dict(
        (
            await session.execute(
                select(Supplier.id, Supplier.credit_limit).where(Supplier.id.in_(suppliers))
            )
        ).all()
    )
    return plan_purchases(needs, offers, today, committed=committed, credit_limits=limits)


async def place(
    session: AsyncSession,
    suggestions: Iterable[PurchaseSuggestion[uuid.UUID, uuid.UUID]],
    warehouse_id: uuid.UUID,
    *,
    demands: Mapping[uuid.UUID, int] | None = None,
    order_id: uuid.UUID | None = None,
) -> set[str]:
    """Put suggestions on the suppliers' drafts: as the order's demand (`order_id`, `demands`
    per item), or, without an order, as stock to replenish. Returns the draft numbers."""
    touched: set[str] = set()
    for suggestion in sorted(suggestions, key=lambda s: (str(s.supplier), str(s.item))):
        po = await _draft_for(session, suggestion.supplier, warehouse_id)
        line = await _grow_line(session, po, suggestion.item, suggestion.unit_price)
        if order_id is not None and demands is not None:
            await _add_demand(session, line.id, order_id, demands[suggestion.item])
        else:
            line.replenish_quantity += suggestion.quantity
        await _resize_line(session, line)
        if po.expected_date is None or po.expected_date < suggestion.expected_date:
            po.expected_date = suggestion.expected_date
        touched.add(po.number)
    return touched


async def raise_purchase_orders(
    session: AsyncSession, order_id: uuid.UUID, shortages: Mapping[uuid.UUID, int], today: date
) -> ProcureResult:
    """Cover the order's shortages: first from open purchase orders' free quantity, then by
    adding to (or opening) the chosen supplier's draft. What cannot be bought (no active
    supplier, over a credit limit) is reported as held."""
    order = await session.get(Order, order_id)
    if order is None:
        raise NotFound(f"order {order_id} does not exist")
    on_order = await _demands_of(session, order_id)
    uncovered: dict[uuid.UUID, int] = {}
    for item_id in sorted(shortages):
        needed = shortages[item_id] - on_order.get(item_id, 0)
        if needed > 0:
            needed = await _attach_to_surplus(session, order, item_id, needed)
        if needed > 0:
            uncovered[item_id] = needed
    planned = await plan(session, uncovered, today)
    touched = await place(
        session, planned.suggestions, order.warehouse_id, demands=uncovered, order_id=order_id
    )
    return ProcureResult(
        purchase_orders=sorted(touched | await _open_po_numbers_of(session, order_id)),
        held=await held_shortages(session, planned),
    )


async def held_shortages(
    session: AsyncSession, planned: PurchasePlan[uuid.UUID, uuid.UUID]
) -> list[HeldShortage]:
    """What the plan could not buy, named by SKU, with why."""
    if not planned.held:
        return []
    skus = dict(
        (
            await session.execute(
                select(Item.id, Item.sku).where(Item.id.in_([h.item for h in planned.held]))
            )
        ).all()
    )
    return [
        HeldShortage(item_id=h.item, sku=skus[h.item], quantity=h.quantity, reason=h.reason)
        for h in planned.held
    ]


async def _open_po_numbers_of(session: AsyncSession, order_id: uuid.UUID) -> set[str]:
    rows = await session.scalars(
        select(PurchaseOrder.number)
        .join(PurchaseOrderLine, PurchaseOrderLine.purchase_order_id == PurchaseOrder.id)
        .join(PurchaseOrderDemand, PurchaseOrderDemand.line_id == PurchaseOrderLine.id)
        .where(
            PurchaseOrderDemand.order_id == order_id,
            PurchaseOrderDemand.quantity > 0,
            PurchaseOrder.status.in_(OPEN),
        )
    )
    return set(rows)


async def _grow_line(
    session: AsyncSession, po: PurchaseOrder, item_id: uuid.UUID, unit_price: object
) -> PurchaseOrderLine:
    statement = (
        insert(PurchaseOrderLine)
        .values(
            id=uuid.uuid4(),
            purchase_order_id=po.id,
            item_id=item_id,
            quantity=1,
            received_quantity=0,
            unit_price=unit_price,
        )
        .on_conflict_do_nothing(
            index_elements=[PurchaseOrderLine.purchase_order_id, PurchaseOrderLine.item_id]
        )
    )
    await session.execute(statement)
    line = await session.scalar(
        select(PurchaseOrderLine)
        .where(PurchaseOrderLine.purchase_order_id == po.id, PurchaseOrderLine.item_id == item_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    assert line is not None
    return line


async def _resize_line(session: AsyncSession, line: PurchaseOrderLine) -> int:
    """A draft line orders what its demands and the stock to replenish need, at least the MOQ,
    in whole packs, at the price break that quantity reaches. Returns the new quantity (0 when
    nothing needs it any more)."""
    po = await session.get(PurchaseOrder, line.purchase_order_id)
    assert po is not None
    terms = next(
        (
            o
            for o in (await offers_for(session, [line.item_id])).get(line.item_id, [])
            if o.supplier == po.supplier_id
        ),
        None,
    )
    demanded = int(
        await session.scalar(
            select(func.coalesce(func.sum(PurchaseOrderDemand.quantity), 0)).where(
                PurchaseOrderDemand.line_id == line.id
            )
        )
        or 0
    )
    quantity = order_quantity(
        demanded + line.replenish_quantity,
        min_order_qty=terms.min_order_qty if terms else 1,
        pack_size=terms.pack_size if terms else 1,
    )
    if quantity > 0:
        line.quantity = quantity
        if terms is not None:
            line.unit_price = terms.price_for(quantity)
    return quantity


async def trim_demands(
    session: AsyncSession, order_id: uuid.UUID, still_needed: Mapping[uuid.UUID, int]
) -> None:
    """Shrink the order's demands on open purchase orders to what it still needs, per item."""
    rows = await session.execute(
        select(PurchaseOrderDemand, PurchaseOrderLine.item_id)
        .join(PurchaseOrderLine, PurchaseOrderLine.id == PurchaseOrderDemand.line_id)
        .join(PurchaseOrder, PurchaseOrder.id == PurchaseOrderLine.purchase_order_id)
        .where(PurchaseOrderDemand.order_id == order_id, PurchaseOrder.status.in_(OPEN))
        .order_by(PurchaseOrder.expected_date.desc(), PurchaseOrderDemand.line_id)
        .with_for_update(of=PurchaseOrderDemand)
    )
    excess = dict(still_needed)
    by_item: dict[uuid.UUID, list[PurchaseOrderDemand]] = defaultdict(list)
    for demand, item_id in rows:
        by_item[item_id].append(demand)
    for item_id, demands in by_item.items():
        over = sum(d.quantity for d in demands) - max(excess.get(item_id, 0), 0)
        for demand in demands:  # latest deliveries give up their claim first
            if over <= 0:
                break
            cut = min(over, demand.quantity)
            over -= cut
            demand.quantity -= cut
    await session.flush()


async def withdraw_order_demands(session: AsyncSession, order_id: uuid.UUID) -> list[str]:
    """A cancelled order stops waiting: its demands drop to zero, draft lines shrink to what
    other orders need, lines nobody needs leave the draft, and a draft left with nothing is
    cancelled (keeping its lines as the record). Returns the numbers of cancelled drafts."""
    drafts = (
        await session.scalars(
            select(PurchaseOrder)
            .where(
                PurchaseOrder.status == PurchaseOrderStatus.DRAFT,
                PurchaseOrder.id.in_(
                    select(PurchaseOrderLine.purchase_order_id)
                    .join(PurchaseOrderDemand, PurchaseOrderDemand.line_id == PurchaseOrderLine.id)
                    .where(PurchaseOrderDemand.order_id == order_id)
                ),
            )
            .order_by(PurchaseOrder.id)
            .with_for_update()
        )
    ).all()
    await session.execute(
        update(PurchaseOrderDemand)
        .where(PurchaseOrderDemand.order_id == order_id)
        .values(quantity=0)
    )
    cancelled: list[str] = []
    for po in drafts:
        lines = (
            await session.scalars(
                select(PurchaseOrderLine)
                .where(PurchaseOrderLine.purchase_order_id == po.id)
                .order_by(PurchaseOrderLine.id)
                .with_for_update()
            )
        ).all()
        served = set(
            await session.scalars(
                select(PurchaseOrderDemand.line_id).where(
                    PurchaseOrderDemand.line_id.in_([line.id for line in lines])
                )
            )
        )
        unneeded = [
            line for line in lines if line.id in served and await _resize_line(session, line) == 0
        ]
        if len(unneeded) == len(lines):
            po.status = PurchaseOrderStatus.CANCELLED
            po.cancelled_at = now()
            cancelled.append(po.number)
        else:
            for line in unneeded:
                await session.delete(line)
    await session.flush()
    return cancelled
