"""A past for the demo workshop (`zhuchka seed --history DAYS`), so that every analytics
figure has something to say on a fresh `make run`.

Day by day, orders are taken and built along the route's own rules (`domain.stages.Progress`:
an inspection that fails sends the unit back where the route says, and the order counts a
rework); the components are booked out of stock when assembly first completes; every morning
each component running short is bought from its preferred supplier, and the delivery arrives
some days before or after the promised date. Testing and QC leave inspections with the checks
that failed; soldering and testing use the floor's equipment. Each pass waits for a worker
skilled for it (and the stage's equipment) and is worked inside their working hours, one pass
at a time, so utilisation and availability stay what a real floor could do.

It is history, not work in progress: an order still in the works today is left out, every
order it keeps has shipped, and none has a workflow. It is written straight into the tables in
one transaction (COPY for the bulk), its orders numbered ZK-H…; a second run finds them and
changes nothing.
The stock levels grow by what the history leaves on the shelves, so the ledger and the levels
still agree (`zhuchka check-stock`)."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from domain.work_calendar import WorkCalendar
from persistence.tables import (
    Bin,
    BomLine,
    Equipment,
    Item,
    Order,
    Product,
    QcTemplate,
    QcTemplateItem,
    StageRequirement,
    SupplierItem,
    Warehouse,
    Worker,
    WorkerSkill,
    Zone,
)
from services.floor.calendars import rules_of
from zhuchka.history_floor import Floor
from zhuchka.history_simulation import PREFIX, Scale, Simulation


async def load_history(
    session: AsyncSession, scale: Scale, progress: Callable[[int, int], None] | None = None
) -> dict[str, int]:
    """Write the history; the rows written per table ({} when it was loaded before)."""
    if await session.scalar(select(Order.id).where(Order.number.like(f"{PREFIX}%")).limit(1)):
        return {}
    floor = await _floor(session, scale.days)
    tables = Simulation(floor, scale, progress).run()
    await _write(session, tables)
    return {table: len(found) for table, found in tables.items()}


async def _floor(session: AsyncSession, days: int) -> Floor:
    warehouse = await session.scalar(select(Warehouse.id).order_by(Warehouse.code).limit(1))
    storage = await session.scalar(
        select(Bin.id)
        .join(Zone, Zone.id == Bin.zone_id)
        .where(Bin.warehouse_id == warehouse, Zone.zone_type == "STORAGE")
        .order_by(Bin.code)
        .limit(1)
    )
    if warehouse is None or storage is None:
        raise RuntimeError("seed the demo workshop first (`zhuchka seed`): it has no warehouse")
    products = []
    for product_id, item_id, sku, soldered in await session.execute(
        select(Product.id, Product.item_id, Item.sku, Product.requires_soldering)
        .join(Item, Item.id == Product.item_id)
        .order_by(Item.sku)
    ):
        bom = [
            (line, quantity)
            for line, quantity in await session.execute(
                select(BomLine.item_id, BomLine.quantity).where(BomLine.product_id == product_id)
            )
        ]
        products.append((product_id, item_id, sku, soldered, bom))
    offers: dict[uuid.UUID, tuple[uuid.UUID, Decimal, int, int]] = {}
    for item_id, supplier_id, price, moq, lead in await session.execute(
        select(
            SupplierItem.item_id,
            SupplierItem.supplier_id,
            SupplierItem.unit_price,
            SupplierItem.min_order_qty,
            SupplierItem.lead_time_days,
        ).order_by(SupplierItem.preferred.desc())
    ):
        offers.setdefault(item_id, (supplier_id, price, moq, lead))
    equipment: dict[str, list[str]] = defaultdict(list)
    for name, stage in await session.execute(select(Equipment.name, Equipment.stage)):
        equipment[stage].append(name)
    workers: dict[str, list[tuple[uuid.UUID, str]]] = defaultdict(list)
    for worker_id, name, stage in await session.execute(
        select(Worker.id, Worker.name, WorkerSkill.stage).join(
            WorkerSkill, WorkerSkill.worker_id == Worker.id
        )
    ):
        workers[stage].append((worker_id, name))
    checks: dict[str, list[str]] = defaultdict(list)
    for stage, description in await session.execute(
        select(QcTemplate.stage, QcTemplateItem.description)
        .join(QcTemplateItem, QcTemplateItem.template_id == QcTemplate.id)
        .order_by(QcTemplateItem.position)
    ):
        checks[stage].append(description)
    targets: dict[str, int] = {}
    for stage, minutes in await session.execute(
        select(StageRequirement.stage, StageRequirement.target_minutes)
    ):
        targets[stage] = minutes
    since = datetime.now(UTC) - timedelta(days=days + 2)
    until = datetime.now(UTC) + timedelta(days=61)
    rules: dict[uuid.UUID | None, WorkCalendar] = {}
    calendars: dict[str, WorkCalendar] = {}
    workers_hours = await session.execute(select(Worker.id, Worker.calendar_id))
    equipment_hours = await session.execute(select(Equipment.name, Equipment.calendar_id))
    for key, calendar_id in [
        *((f"worker:{w}", c) for w, c in workers_hours),
        *((f"equipment:{n}", c) for n, c in equipment_hours),
    ]:
        if calendar_id not in rules:
            rules[calendar_id] = await rules_of(session, calendar_id, since, until)
        calendars[key] = rules[calendar_id]
    return Floor(
        warehouse, storage, products, offers, targets, equipment, workers, checks, calendars
    )


async def _write(session: AsyncSession, tables: dict[str, list[dict[str, Any]]]) -> None:
    """COPY each table's rows (parents first), then add what the history left on the shelf to
    the stock levels and the bin."""
    connection = await session.connection()
    raw = (await connection.get_raw_connection()).driver_connection
    assert raw is not None
    order = [
        "orders", "order_stages", "units", "inspections", "inspection_results",
        "purchase_orders", "purchase_order_lines", "purchase_order_receipts", "stock_movements",
    ]  # fmt: skip
    for table in order:
        found = tables.get(table)
        if not found:
            continue
        columns = list(found[0])
        statement = f"COPY {table} ({', '.join(columns)}) FROM STDIN"  # our own names only
        async with raw.cursor() as cursor, cursor.copy(statement) as copy:
            for row in found:
                await copy.write_row([row[c] for c in columns])
    movements = tables.get("stock_movements", [])
    left: dict[uuid.UUID, int] = defaultdict(int)
    for movement in movements:
        left[movement["item_id"]] += movement["delta"]
    for item, quantity in left.items():
        place = {"warehouse": movements[0]["warehouse_id"], "bin": movements[0]["bin_id"]}
        keys = place | {"item": item, "quantity": quantity}
        await session.execute(
            text(
                "INSERT INTO stock_levels (item_id, warehouse_id, on_hand, reserved, quarantined)"
                " VALUES (:item, :warehouse, :quantity, 0, 0) ON CONFLICT (item_id, warehouse_id)"
                " DO UPDATE SET on_hand = stock_levels.on_hand + :quantity"
            ),
            keys,
        )
        await session.execute(
            text(
                "INSERT INTO bin_stock (item_id, bin_id, warehouse_id, on_hand)"
                " VALUES (:item, :bin, :warehouse, :quantity) ON CONFLICT (item_id, bin_id)"
                " DO UPDATE SET on_hand = bin_stock.on_hand + :quantity"
            ),
            keys,
        )
