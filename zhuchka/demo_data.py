"""The demo workshop: a 65% keyboard in two variants, its parts, one warehouse, suppliers
with real-looking terms, and opening stock that covers a few orders but not many.

Idempotent: every record is keyed by its business key (SKU, code, name), and the opening stock
is booked through the ledger with fixed idempotency keys, so seeding twice changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from api.auth.passwords import hash_password
from core.settings import Settings
from domain.stock import MovementType
from persistence.database import create_engine, create_session_factory
from persistence.tables import (
    Bin,
    BomLine,
    Item,
    Product,
    Supplier,
    SupplierContact,
    SupplierItem,
    SupplierPriceBreak,
    Warehouse,
    Zone,
)
from services.inventory.stock_ledger import LedgerEntry, post_movement
from zhuchka.demo_floor import seed_demo_floor, seed_demo_users
from zhuchka.demo_history import load_history
from zhuchka.history_simulation import Scale

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

# Below the reorder point, the reorder scan buys back up to the maximum: sku -> (point, max).
REORDER = {"SW-LIN-RED": (200, 1400), "PCB-65-HS": (4, 20)}

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

# supplier -> its record, contacts, and offers: sku, unit price, MOQ, pack, lead days, preferred
SUPPLIERS: dict[str, dict[str, Any]] = {
    "Gateron Direct": {
        "record": {
            "email": "sales@gateron.example",
            "phone": "+86 755 0000 0000",
            "rating": Decimal("4.6"),
            "payment_terms": "50% upfront, 50% on shipping",
            "currency": "USD",
            "credit_limit": Decimal("5000"),
        },
        "contacts": [("Li Wei", "li.wei@gateron.example", "sales")],
        "offers": [("SW-LIN-RED", "0.32", 700, 70, 14, True)],
    },
    "Keyparts Depot": {
        "record": {
            "email": "orders@keyparts.example",
            "phone": "+7 495 000 00 00",
            "rating": Decimal("4.1"),
            "payment_terms": "net 30",
            "currency": "RUB",
            "over_receipt_tolerance_pct": 5,
        },
        "contacts": [("Olga Smirnova", "olga@keyparts.example", "account manager")],
        "offers": [
            ("SW-LIN-RED", "0.45", 140, 70, 5, False),
            ("STAB-SCREW-2U", "0.90", 40, 4, 5, True),
            ("CABLE-USBC", "4.50", 10, 1, 5, True),
            ("BOX-65", "1.20", 50, 25, 7, True),
        ],
    },
    "JLC Boards": {
        "record": {
            "email": "pcb@jlc.example",
            "phone": "+86 755 1111 1111",
            "rating": Decimal("4.8"),
            "payment_terms": "prepaid",
            "currency": "USD",
        },
        "contacts": [],
        "offers": [
            ("PCB-65-HS", "19.50", 5, 5, 21, True),
            ("PCB-65-SOL", "14.00", 5, 5, 21, True),
        ],
    },
    "MetalWorks": {
        "record": {
            "email": "cnc@metalworks.example",
            "phone": "+7 812 000 00 00",
            "rating": Decimal("3.9"),
            "payment_terms": "net 14",
            "currency": "RUB",
            "credit_limit": Decimal("3000"),
        },
        "contacts": [("Pavel Orlov", "pavel@metalworks.example", "production")],
        "offers": [
            ("PLATE-65-AL", "12.00", 5, 1, 10, True),
            ("CASE-65-AL", "48.00", 5, 1, 12, True),
        ],
    },
    "Keycap Studio": {
        "record": {
            "email": "hello@keycapstudio.example",
            "phone": "+49 30 0000 0000",
            "rating": Decimal("4.3"),
            "payment_terms": "net 30",
            "currency": "EUR",
        },
        "contacts": [],
        "offers": [("KEYCAPS-PBT-65", "27.00", 10, 1, 7, True)],
    },
}
# Cheaper switches by the larger batch: (from quantity, unit price).
PRICE_BREAKS = {("Gateron Direct", "SW-LIN-RED"): [(1400, "0.30"), (7000, "0.27")]}


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
                    "reorder_point": REORDER.get(sku, (None, None))[0],
                    "max_stock_level": REORDER.get(sku, (None, None))[1],
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

    for name, supplier in SUPPLIERS.items():
        created = await session.scalar(
            insert(Supplier)
            .values(name=name, **supplier["record"])
            .on_conflict_do_nothing()
            .returning(Supplier.id)
        )
        supplier_id = await session.scalar(select(Supplier.id).where(Supplier.name == name))
        if created is not None:
            session.add_all(
                SupplierContact(supplier_id=created, name=n, email=e, role=r)
                for n, e, r in supplier["contacts"]
            )
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
                    for sku, price, moq, pack, lead, preferred in supplier["offers"]
                ]
            )
            .on_conflict_do_nothing()
        )
    for (name, sku), breaks in PRICE_BREAKS.items():
        offer = await session.scalar(
            select(SupplierItem.id)
            .join(Supplier, Supplier.id == SupplierItem.supplier_id)
            .where(Supplier.name == name, SupplierItem.item_id == items[sku])
        )
        await session.execute(
            insert(SupplierPriceBreak)
            .values(
                [
                    {"supplier_item_id": offer, "min_quantity": q, "unit_price": Decimal(p)}
                    for q, p in breaks
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


async def seed_database(
    settings: Settings, *, demo_password: str | None = None, reset_demo_passwords: bool = False
) -> None:
    """The demo workshop in one transaction; with `demo_password`, the demo accounts too."""
    engine = create_engine(settings)
    try:
        async with create_session_factory(engine).begin() as session:
            await seed_demo(session)
            if demo_password is not None:
                await seed_demo_users(
                    session, await hash_password(demo_password), reset=reset_demo_passwords
                )
            await seed_demo_floor(session)
    finally:
        await engine.dispose()


async def seed_history(
    settings: Settings, scale: Scale, progress: Callable[[int, int], None] | None = None
) -> dict[str, int]:
    """The demo workshop's past (`zhuchka.demo_history`), in one transaction."""
    engine = create_engine(settings)
    try:
        async with create_session_factory(engine).begin() as session:
            return await load_history(session, scale, progress)
    finally:
        await engine.dispose()
