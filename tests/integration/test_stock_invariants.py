"""Stock stays right under concurrency: receipts, issues, transfers between bins (quarantine
ones too) and warehouses, reservations, releases and adjustments race against real PostgreSQL,
and after every run each level equals its ledger and its bins, reserved equals the open
reservations, quarantined equals the quarantine bins, nothing is negative and nothing reserved
is in quarantine. The property test lets hypothesis choose the operations."""

from __future__ import annotations

import asyncio
import random
import uuid
from dataclasses import dataclass

from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool

from core.settings import Settings
from domain.errors import Conflict, DomainError
from domain.stock import AdjustmentReason, MovementType, ReservationStatus
from persistence.database import SessionFactory, create_session_factory
from persistence.tables import Base, Bin, Item, Reservation, Warehouse, Zone
from services.inventory.locations import default_bin
from services.inventory.reservations import release_reservation, reserve_exact
from services.inventory.stock_audit import audit_stock
from services.inventory.stock_ledger import LedgerEntry, post_movement, transfer


@dataclass(frozen=True)
class Floor:
    item: uuid.UUID
    warehouses: tuple[uuid.UUID, uuid.UUID]
    # warehouse -> its two storage bins, its receiving bin and its quarantine bin
    bins: dict[uuid.UUID, list[uuid.UUID]]


BINS = 4


async def _floor(sessions: SessionFactory) -> Floor:
    """Two warehouses with two storage bins, a receiving and a quarantine bin each, and a new
    item."""
    tag = uuid.uuid4().hex[:8]
    async with sessions.begin() as session:
        item = Item(
            sku=f"RACE-{tag}",
            name="racing item",
            item_type="COMPONENT",
            category="X",
            unit_of_measure="PIECE",
        )
        session.add(item)
        warehouses = []
        bins: dict[uuid.UUID, list[uuid.UUID]] = {}
        for n in (1, 2):
            warehouse = Warehouse(name=f"W{n}", code=f"R{n}-{tag}")
            session.add(warehouse)
            await session.flush()
            zone = Zone(warehouse_id=warehouse.id, name="Racks", zone_type="STORAGE")
            session.add(zone)
            await session.flush()
            bins[warehouse.id] = []
            for code in ("S-1", "S-2"):
                bin_ = Bin(zone_id=zone.id, warehouse_id=warehouse.id, code=code)
                session.add(bin_)
                await session.flush()
                bins[warehouse.id].append(bin_.id)
            bins[warehouse.id].append(await default_bin(session, warehouse.id))
            quarantine = Zone(warehouse_id=warehouse.id, name="Held", zone_type="QUARANTINE")
            session.add(quarantine)
            await session.flush()
            held = Bin(zone_id=quarantine.id, warehouse_id=warehouse.id, code="Q-1")
            session.add(held)
            await session.flush()
            bins[warehouse.id].append(held.id)
            warehouses.append(warehouse.id)
    return Floor(item.id, (warehouses[0], warehouses[1]), bins)


Op = tuple[str, int, int, int]  # kind, quantity, warehouse index, bin index


async def _apply(sessions: SessionFactory, floor: Floor, op: Op) -> bool:
    """One operation in its own transaction; refused ones (409s) return False."""
    kind, quantity, w, b = op
    warehouse = floor.warehouses[w]
    other = floor.warehouses[1 - w]
    bin_id = floor.bins[warehouse][b]
    entry = LedgerEntry(
        floor.item, warehouse, MovementType.RECEIPT, quantity, "race", bin_id=bin_id
    )
    try:
        async with sessions.begin() as session:
            if kind == "receive":
                await post_movement(session, entry)
            elif kind == "issue":
                await post_movement(
                    session,
                    LedgerEntry(floor.item, warehouse, MovementType.ISSUE, -quantity, "race"),
                )
            elif kind == "adjust":
                await post_movement(
                    session,
                    LedgerEntry(
                        floor.item,
                        warehouse,
                        MovementType.ADJUSTMENT,
                        -quantity,
                        "race",
                        bin_id=bin_id,
                        reason_code=AdjustmentReason.DAMAGE,
                    ),
                )
            elif kind == "move-bins":
                target = floor.bins[warehouse][(b + 1) % BINS]
                await transfer(session, entry, to_warehouse_id=warehouse, to_bin_id=target)
            elif kind == "move-warehouses":
                await transfer(session, entry, to_warehouse_id=other)
            elif kind == "reserve":
                await reserve_exact(session, floor.item, warehouse, quantity)
            elif kind == "release":
                open_one = await session.scalar(
                    select(Reservation.id)
                    .where(
                        Reservation.item_id == floor.item,
                        Reservation.status == ReservationStatus.RESERVED,
                    )
                    .limit(1)
                )
                if open_one is None:
                    return False
                await release_reservation(session, open_one)
    except (DomainError, Conflict):
        return False
    return True


async def _race(
    sessions: SessionFactory, floor: Floor, ops: list[Op], waves: int = 3
) -> list[bool]:
    """The operations in a few waves; within a wave all of them at once. Later waves meet the
    reservations and the stock the earlier ones left."""
    outcomes: list[bool] = []
    for wave in range(waves):
        outcomes += await asyncio.gather(*(_apply(sessions, floor, op) for op in ops[wave::waves]))
    return outcomes


async def _assert_right(sessions: SessionFactory) -> None:
    audit = await audit_stock(sessions)
    assert audit.consistent, "\n".join(str(p) for p in audit.problems)


async def test_racing_movements_keep_every_number_right(sessions: SessionFactory) -> None:
    floor = await _floor(sessions)
    await _apply(sessions, floor, ("receive", 40, 0, 0))
    await _apply(sessions, floor, ("receive", 40, 0, 1))
    chooser = random.Random(1)
    kinds = ["issue", "adjust", "move-bins", "move-warehouses", "reserve", "release", "receive"]
    ops = [
        (
            chooser.choice(kinds),
            chooser.randint(1, 9),
            chooser.randint(0, 1),
            chooser.randint(0, BINS - 1),
        )
        for _ in range(120)
    ]
    outcomes = await _race(sessions, floor, ops)
    assert any(outcomes)
    assert not all(outcomes)  # some were refused for lack of stock
    await _assert_right(sessions)


OPERATIONS = st.tuples(
    st.sampled_from(
        ["receive", "issue", "adjust", "move-bins", "move-warehouses", "reserve", "release"]
    ),
    st.integers(min_value=1, max_value=12),
    st.integers(min_value=0, max_value=1),
    st.integers(min_value=0, max_value=BINS - 1),
)


def test_any_mix_of_concurrent_operations_keeps_stock_right(settings: Settings) -> None:
    """Hypothesis picks batches of operations; each batch races, then the books must balance."""
    engine = create_async_engine(settings.database_url, poolclass=NullPool)
    sessions = create_session_factory(engine)
    floor = asyncio.run(_floor(sessions))

    @hypothesis_settings(
        max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow]
    )
    @given(
        start=st.integers(min_value=0, max_value=30),
        batch=st.lists(OPERATIONS, min_size=1, max_size=25),
    )
    def run(start: int, batch: list[Op]) -> None:
        async def one_run() -> None:
            if start:
                await _apply(sessions, floor, ("receive", start, 0, 0))
            await _race(sessions, floor, batch)
            await _assert_right(sessions)

        asyncio.run(one_run())

    try:
        run()
    finally:
        asyncio.run(_truncate(engine))


async def _truncate(engine: AsyncEngine) -> None:
    tables = ", ".join(t.name for t in Base.metadata.sorted_tables)
    async with engine.begin() as connection:
        await connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    await engine.dispose()
