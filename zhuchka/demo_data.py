"""The demo workshop: a 65% keyboard in two variants, its parts, one warehouse, suppliers
with real-looking terms, and opening stock that covers a few orders but not many.

Idempotent: every record is keyed by its business key (SKU, code, name), and the opening stock
is booked through the ledger with fixed idempotency keys, so seeding twice changes nothing.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from domain.access import Role
from domain.stock import MovementType
from persistence.stock_ledger import LedgerEntry, post_movement
from persistence.tables import (
    Bin,
    BomLine,
    Item,
    Product,
    Supplier,
    SupplierItem,
    User,
    Warehouse,
    Zone,
)

WAREHOUSE = {
    "code": "WH-MAIN",
    "name": "Main workshop warehouse",
    "address": "12 Lesnaya St",
    "city": "Moscow",
    "country": "Russia",
}
# zone, type, its bins (code, shelf, cell)
ZONES: list[tuple[str, str, list[tuple[str, str | None, str | None]]]] = [
    ("Receiving dock", "RECEIVING", [("RCV-01", None, None)]),
    ("Storage racks", "STORAGE", [("A-01-01", "A-01", "01"), ("A-01-02", "A-01", "02")]),
    ("Dispatch", "SHIPPING", [("SHP-01", None, None)]),
    ("Quarantine", "QUARANTINE", [("QRN-01", None, None)]),
]
OPENING_STOCK_BIN = "A-01-01"

# sku, name, type, category, unit, min stock, opening stock
ITEMS = [
    ("PCB-65-HS", "65% hot-swap PCB", "COMPONENT", "PCB", "PIECE", 5, 6),
    ("PCB-65-SOL", "65% solder PCB", "COMPONENT", "PCB", "PIECE", 3, 3),
    ("PLATE-65-AL", "65% aluminium plate", "COMPONENT", "PLATE", "PIECE", 5, 10),
    ("CASE-65-AL", "65% aluminium case", "COMPONENT", "CASE", "PIECE", 5, 10),
    ("SW-LIN-RED", "Linear switch, red, 45 g", "COMPONENT", "SWITCH", "PIECE", 140, 300),
    ("KEYCAPS-PBT-65", "PBT keycap set, 65%", "COMPONENT", "KEYCAPS", "SET", 5, 8),
    ("STAB-SCREW-2U", "Screw-in stabiliser, 2u", "COMPONENT", "STABILISER", "PIECE", 20, 60),
    ("CABLE-USBC", "USB-C cable, coiled, 1.5 m", "COMPONENT", "CABLE", "PIECE", 10, 20),
    ("BOX-65", "Retail box, 65%", "PACKAGING", "BOX", "PIECE", 10, 20),
    ("KB-65-HS", "Zhuchka 65 hot-swap keyboard", "FINISHED_PRODUCT", "KEYBOARD", "PIECE", 0, 0),
    ("KB-65-SOL", "Zhuchka 65 soldered keyboard", "FINISHED_PRODUCT", "KEYBOARD", "PIECE", 0, 0),
]

_COMMON_BOM = [
    ("PLATE-65-AL", 1),
    ("CASE-65-AL", 1),
    ("SW-LIN-RED", 68),
    ("KEYCAPS-PBT-65", 1),
    ("STAB-SCREW-2U", 4),
    ("CABLE-USBC", 1),
    ("BOX-65", 1),
]
PRODUCTS = {
    "KB-65-HS": (False, [("PCB-65-HS", 1), *_COMMON_BOM]),
    "KB-65-SOL": (True, [("PCB-65-SOL", 1), *_COMMON_BOM]),
}

# supplier -> (email, phone, offers: sku, unit price, MOQ, pack size, lead days, preferred)
SUPPLIERS = {
    "Gateron Direct": (
        "sales@gateron.example",
        "+86 755 0000 0000",
        [("SW-LIN-RED", "0.32", 700, 70, 14, True)],
    ),
    "Keyparts Depot": (
        "orders@keyparts.example",
        "+7 495 000 00 00",
        [
            ("SW-LIN-RED", "0.45", 140, 70, 5, False),
            ("STAB-SCREW-2U", "0.90", 40, 4, 5, True),
            ("CABLE-USBC", "4.50", 10, 1, 5, True),
            ("BOX-65", "1.20", 50, 25, 7, True),
        ],
    ),
    "JLC Boards": (
        "pcb@jlc.example",
        "+86 755 1111 1111",
        [("PCB-65-HS", "19.50", 5, 5, 21, True), ("PCB-65-SOL", "14.00", 5, 5, 21, True)],
    ),
    "MetalWorks": (
        "cnc@metalworks.example",
        "+7 812 000 00 00",
        [("PLATE-65-AL", "12.00", 5, 1, 10, True), ("CASE-65-AL", "48.00", 5, 1, 12, True)],
    ),
    "Keycap Studio": (
        "hello@keycapstudio.example",
        "+49 30 0000 0000",
        [("KEYCAPS-PBT-65", "27.00", 10, 1, 7, True)],
    ),
}


async def seed_demo(session: AsyncSession) -> None:
    await session.execute(insert(Warehouse).values(**WAREHOUSE).on_conflict_do_nothing())
    warehouse = await session.scalar(select(Warehouse).where(Warehouse.code == WAREHOUSE["code"]))
    assert warehouse is not None
    await session.execute(
        insert(Zone)
        .values([{"warehouse_id": warehouse.id, "name": n, "zone_type": t} for n, t, _ in ZONES])
        .on_conflict_do_nothing()
    )
    zones = dict(
        (
            await session.execute(
                select(Zone.name, Zone.id).where(Zone.warehouse_id == warehouse.id)
            )
        ).all()
    )
    await session.execute(
        insert(Bin)
        .values(
            [
                {
                    "zone_id": zones[zone],
                    "warehouse_id": warehouse.id,
                    "code": code,
                    "shelf": shelf,
                    "cell": cell,
                }
                for zone, _, bins in ZONES
                for code, shelf, cell in bins
            ]
        )
        .on_conflict_do_nothing()
    )
    storage_bin = await session.scalar(
        select(Bin.id).where(Bin.warehouse_id == warehouse.id, Bin.code == OPENING_STOCK_BIN)
    )
    await session.execute(
        insert(Item)
        .values(
            [
                {
                    "sku": sku,
                    "name": name,
                    "item_type": kind,
                    "category": category,
                    "unit_of_measure": unit,
                    "min_stock_level": minimum,
                }
                for sku, name, kind, category, unit, minimum, _ in ITEMS
            ]
        )
        .on_conflict_do_nothing()
    )
    items = {i.sku: i.id for i in (await session.scalars(select(Item))).all()}

    for sku, (soldered, bom) in PRODUCTS.items():
        await session.execute(
            insert(Product)
            .values(item_id=items[sku], requires_soldering=soldered)
            .on_conflict_do_nothing()
        )
        product_id = await session.scalar(select(Product.id).where(Product.item_id == items[sku]))
        await session.execute(
            insert(BomLine)
            .values(
                [{"product_id": product_id, "item_id": items[c], "quantity": q} for c, q in bom]
            )
            .on_conflict_do_nothing()
        )

    for name, (email, phone, offers) in SUPPLIERS.items():
        await session.execute(
            insert(Supplier).values(name=name, email=email, phone=phone).on_conflict_do_nothing()
        )
        supplier_id = await session.scalar(select(Supplier.id).where(Supplier.name == name))
        await session.execute(
            insert(SupplierItem)
            .values(
                [
                    {
                        "supplier_id": supplier_id,
                        "item_id": items[sku],
                        "unit_price": Decimal(price),
                        "min_order_qty": moq,
                        "pack_size": pack,
                        "lead_time_days": lead,
                        "preferred": preferred,
                    }
                    for sku, price, moq, pack, lead, preferred in offers
                ]
            )
            .on_conflict_do_nothing()
        )

    for sku, *_, opening in ITEMS:
        if opening:
            await post_movement(
                session,
                LedgerEntry(
                    item_id=items[sku],
                    warehouse_id=warehouse.id,
                    movement_type=MovementType.RECEIPT,
                    delta=opening,
                    bin_id=storage_bin,
                    reason="opening stock",
                    idempotency_key=f"seed:opening:{sku}",
                    actor="seed",
                ),
            )


DEMO_PASSWORD = "Zhuchka-demo-2026"  # noqa: S105 - printed by `make run`; dev only
DEMO_USERS = [(f"{role.value}@zhuchka.example", role) for role in Role]


async def seed_demo_users(session: AsyncSession, password_hash: str) -> None:
    """One confirmed account per role, all with DEMO_PASSWORD (skipped when present)."""
    now = datetime.now(UTC)
    await session.execute(
        insert(User)
        .values(
            [
                {
                    "email": email,
                    "password_hash": password_hash,
                    "roles": [role.value],
                    "full_name": f"Demo {role.value.replace('_', ' ')}",
                    "is_active": True,
                    "email_confirmed_at": now,
                    "password_changed_at": now,
                }
                for email, role in DEMO_USERS
            ]
        )
        .on_conflict_do_nothing()
    )
