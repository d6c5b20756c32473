"""Claiming equipment for a stage on real PostgreSQL: one station, one order at a time, even
when workers race for it; a retried claim keeps what it has; serial numbers are made once."""

from __future__ import annotations

import asyncio
import uuid

import pytest

from domain.errors import Conflict, NotFound
from domain.stages import Stage
from persistence.database import SessionFactory
from services.floor import resources, stage_work
from tests.support import Demo, place_order


async def _ivan(sessions: SessionFactory) -> uuid.UUID:
    async with sessions.begin() as session:
        await resources.create_equipment(
            session, "SS-1", "soldering_station", Stage.SOLDERING, None
        )
        worker = await resources.create_worker(
            session, "Ivan", None, {Stage.SOLDERING: 3, Stage.ASSEMBLY: 2}
        )
    return worker.id


async def test_two_orders_racing_for_one_station_get_it_once(
    sessions: SessionFactory, demo: Demo
) -> None:
    ivan = await _ivan(sessions)
    orders = [await place_order(sessions, demo, sku="KB-65-SOL") for _ in range(2)]

    async def claim(order_id: uuid.UUID) -> str | None:
        try:
            async with sessions.begin() as session:
                return (await stage_work.claim(session, order_id, Stage.SOLDERING, ivan)).equipment
        except Conflict:
            return None

    won = await asyncio.gather(*(claim(o.order_id) for o in orders))
    assert sorted(won, key=str) == [None, "SS-1"]
    winner = orders[won.index("SS-1")].order_id
    loser = orders[won.index(None)].order_id

    async with sessions.begin() as session:  # a retry of the winner's claim keeps the station
        assert (await stage_work.claim(session, winner, Stage.SOLDERING, ivan)).equipment == "SS-1"
    async with sessions.begin() as session:
        assert await stage_work.release(session, winner, Stage.SOLDERING) == 1
    assert await claim(loser) == "SS-1"
    async with sessions() as session:
        station = (await resources.equipment_list(session))[0][0]
        assert (station.status, station.held_by_order_id) == ("in_use", loser)


async def test_a_claim_without_equipment_checks_only_the_skill(
    sessions: SessionFactory, demo: Demo
) -> None:
    ivan = await _ivan(sessions)
    order = await place_order(sessions, demo)
    async with sessions.begin() as session:
        assert (
            await stage_work.claim(session, order.order_id, Stage.ASSEMBLY, ivan)
        ).equipment is None
        with pytest.raises(Conflict, match="Ivan has no qc skill"):
            await stage_work.claim(session, order.order_id, Stage.QC, ivan)
        with pytest.raises(NotFound):
            await stage_work.claim(session, order.order_id, Stage.ASSEMBLY, uuid.uuid4())


async def test_equipment_in_use_cannot_go_to_maintenance(
    sessions: SessionFactory, demo: Demo
) -> None:
    ivan = await _ivan(sessions)
    order = await place_order(sessions, demo, sku="KB-65-SOL")
    async with sessions.begin() as session:
        await stage_work.claim(session, order.order_id, Stage.SOLDERING, ivan)
    async with sessions.begin() as session:
        station = (await resources.equipment_list(session))[0][0]
        with pytest.raises(Conflict, match=f"in use by {order.number}"):
            await resources.set_equipment_status(session, station, "maintenance")


async def test_serial_numbers_are_made_once_per_unit(sessions: SessionFactory, demo: Demo) -> None:
    order = await place_order(sessions, demo, quantity=3)
    for _ in range(2):  # a retried activity makes no new numbers
        async with sessions.begin() as session:
            serials = await stage_work.assign_serials(session, order.order_id)
    assert serials == [f"KB-65-HS-{order.number}-{n:02d}" for n in (1, 2, 3)]
