"""Production figures against a week worked out by hand: calendars, equipment and workers made
through the API; two orders' stage passes written with the times they happened at.

The week is Monday 2 to Saturday 7 November 2026 (UTC). The plant's day calendar holds five
8-hour shifts (40 h); SS-9 runs two shifts (80 h) less 8 hours of maintenance on Wednesday:
72 h. Targets: soldering 240 minutes a unit, testing 120 (the stages' defaults).

O1 (2 units): soldered 8 h on SS-9; tested 2 h on TR-9 and failed; soldered again 2 h; tested
1 h on TR-9 and passed. O2 (1 unit): soldered 2 h on SS-9; tested 1 h on TR-8; QC (2 h queue).
"""

from __future__ import annotations

import csv
import io
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import delete, select, text, update

from persistence.database import SessionFactory
from persistence.tables import Order, OrderStageRecord
from tests.support import Demo, ok

WEEK = {"since": "2026-11-02T00:00:00Z", "until": "2026-11-07T00:00:00Z"}
H = 3600


def at(day: int, hour: int) -> datetime:
    return datetime(2026, 10 if day > 20 else 11, day, hour, tzinfo=UTC)


def shifts(start: str, end: str) -> list[dict[str, Any]]:
    return [{"weekday": d, "start": start, "end": end} for d in range(5)]


@pytest.fixture
async def week(api: httpx.AsyncClient, sessions: SessionFactory, demo: Demo) -> dict[str, str]:
    day = {"name": "Day", "zone": "UTC", "is_default": True, "shifts": shifts("08:00", "16:00")}
    ok(await api.post("/api/production/calendars", json=day), 201)
    long = {"name": "Long", "zone": "UTC", "shifts": shifts("06:00", "22:00")}
    long_id = ok(await api.post("/api/production/calendars", json=long), 201)["id"]
    service = {"starts_at": "2026-11-04T06:00:00Z", "ends_at": "2026-11-04T14:00:00Z"}
    ok(await api.post(f"/api/production/calendars/{long_id}/exceptions", json=service), 201)
    for name, kind, stage, station, calendar in (
        ("SS-9", "soldering_station", "soldering", "Bench 2", long_id),
        ("TR-9", "test_rig", "testing", "Bench 3", None),
        ("TR-8", "test_rig", "testing", "Bench 3", None),
    ):
        made = {
            "name": name,
            "equipment_type": kind,
            "stage": stage,
            "station": station,
            "calendar_id": calendar,
        }
        ok(await api.post("/api/production/equipment", json=made), 201)
    workers = {}
    for name, calendar in (("Ivan", None), ("Marta", long_id)):
        person = {"name": name, "calendar_id": calendar}
        workers[name] = ok(await api.post("/api/production/workers", json=person), 201)["id"]
    # (order, seq, stage, status, entered, work started, completed, equipment, worker)
    passes = [
        ("O1", 1, "soldering", "completed", at(2, 8), at(2, 10), at(2, 18), "SS-9", "Ivan"),
        ("O1", 2, "testing", "failed", at(2, 18), at(3, 9), at(3, 11), "TR-9", "Marta"),
        ("O1", 3, "soldering", "completed", at(3, 11), at(3, 12), at(3, 14), "SS-9", "Ivan"),
        ("O1", 4, "testing", "completed", at(3, 14), at(3, 15), at(3, 16), "TR-9", "Marta"),
        ("O2", 1, "soldering", "completed", at(4, 8), at(4, 14), at(4, 16), "SS-9", "Ivan"),
        ("O2", 2, "testing", "completed", at(4, 16), at(5, 9), at(5, 10), "TR-8", "Ivan"),
        ("O2", 3, "qc", "completed", at(5, 10), None, at(5, 12), None, None),
        ("O0", 1, "soldering", "completed", at(29, 8), at(29, 9), at(30, 9), "SS-9", "Ivan"),
    ]
    orders = {}
    async with sessions.begin() as session:
        for name, quantity, status in (
            ("O1", 2, "in_production"),
            ("O2", 1, "quality_control"),
            ("O0", 1, "completed"),
        ):
            order = demo.order(
                f"ZK-PA-{name}",
                product="KB-65-SOL",
                quantity=quantity,
                customer=name,
                priority="NORMAL",
                due_date=at(20, 0).date(),
                status=status,
                stage=STAGE_NOW[name],
                completed_at=at(30, 12) if name == "O0" else None,
            )
            session.add(order)
            await session.flush()
            orders[name] = order.id
        for name, seq, stage, status, entered, begun, done, equipment, worker in passes:
            session.add(
                OrderStageRecord(
                    order_id=orders[name],
                    seq=seq,
                    stage=stage,
                    status=status,
                    started_at=entered,
                    work_started_at=begun,
                    completed_at=done,
                    equipment=equipment,
                    started_by=worker,
                    started_worker_id=uuid.UUID(workers[worker]) if worker else None,
                )
            )
    return workers


STAGE_NOW: dict[str, str | None] = {"O1": "qc", "O2": "shipping", "O0": None}


def _rows(figures: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {f["name"]: f for f in figures}


async def test_oee_per_piece_of_equipment(api: httpx.AsyncClient, week: dict[str, str]) -> None:
    figures = ok(await api.get("/api/analytics/production", params=WEEK))
    equipment = _rows(figures["equipment"])
    soldering = equipment["SS-9"]
    # Ran 8 + 2 + 2 h of 72 planned; the targets of its 2 + 2 + 1 units are 20 h; O1's first
    # pass was done again, so 3 of 5 units were right the first time.
    assert soldering["planned_seconds"] == 72 * H
    assert (soldering["run_seconds"], soldering["target_seconds"]) == (12 * H, 20 * H)
    assert (soldering["units"], soldering["right_first_time"]) == (5, 3)
    assert soldering["availability"] == pytest.approx(12 / 72)
    assert soldering["performance"] == pytest.approx(20 / 12)
    assert soldering["quality"] == pytest.approx(0.6)
    assert soldering["oee"] == pytest.approx(12 / 72 * 20 / 12 * 0.6)
    rig = equipment["TR-9"]  # 2 + 1 h of 40; targets 4 + 4 h; the failed test is not right
    assert (rig["planned_seconds"], rig["run_seconds"], rig["target_seconds"]) == (
        40 * H,
        3 * H,
        8 * H,
    )
    assert (rig["availability"], rig["quality"]) == (pytest.approx(3 / 40), 0.5)
    assert rig["oee"] == pytest.approx(3 / 40 * 8 / 3 * 0.5)


async def test_oee_per_station_and_overall(api: httpx.AsyncClient, week: dict[str, str]) -> None:
    figures = ok(await api.get("/api/analytics/production", params=WEEK))
    bench = _rows(figures["stations"])["Bench 3"]  # TR-9 and TR-8: 4 h of 80, targets 10 h
    assert (bench["planned_seconds"], bench["run_seconds"], bench["target_seconds"]) == (
        80 * H,
        4 * H,
        10 * H,
    )
    assert (bench["units"], bench["right_first_time"]) == (5, 3)
    assert bench["oee"] == pytest.approx(4 / 80 * 10 / 4 * 0.6)
    overall = figures["overall"]
    assert (overall["planned_seconds"], overall["run_seconds"]) == (152 * H, 16 * H)
    assert overall["oee"] == pytest.approx(16 / 152 * 30 / 16 * 0.6)


async def test_stage_times_the_bottleneck_wip_and_utilisation(
    api: httpx.AsyncClient, week: dict[str, str]
) -> None:
    figures = ok(await api.get("/api/analytics/production", params=WEEK))
    stages = {s["stage"]: s for s in figures["stages"]}
    # Testing queues 15, 1 and 17 h (median 15); soldering 2, 1 and 6 h (median 2); QC 2 h.
    assert stages["testing"]["queue_p50_seconds"] == 15 * H
    assert stages["soldering"]["queue_p50_seconds"] == 2 * H
    assert stages["soldering"]["work_p50_seconds"] == 2 * H
    assert stages["soldering"]["passes"] == 3
    assert (stages["qc"]["queue_p50_seconds"], stages["qc"]["work_p50_seconds"]) == (2 * H, None)
    assert figures["bottleneck"] == "testing"
    assert [(w["stage"], w["orders"], w["units"]) for w in figures["wip"]] == [
        ("qc", 1, 2),
        ("shipping", 1, 1),
    ]
    workers = _rows(figures["workers"])
    # Ivan (the day calendar, 40 h) worked 8 + 2 + 2 + 1 h; Marta (72 h) 2 + 1 h.
    assert (workers["Ivan"]["busy_seconds"], workers["Ivan"]["planned_seconds"]) == (13 * H, 40 * H)
    assert workers["Marta"]["utilisation"] == pytest.approx(3 / 72)


async def test_throughput_per_day_and_csv(api: httpx.AsyncClient, week: dict[str, str]) -> None:
    october = {"since": "2026-10-26T00:00:00Z", "until": "2026-11-02T00:00:00Z"}
    figures = ok(await api.get("/api/analytics/production", params=october))
    assert [(d["day"], d["orders"], d["units"]) for d in figures["throughput"]] == [
        ("2026-10-30", 1, 1)
    ]
    answer = await api.get("/api/analytics/production/equipment.csv", params=WEEK)
    rows = list(csv.DictReader(io.StringIO(answer.text)))
    assert [r["name"] for r in rows] == ["SS-9", "TR-8", "TR-9"]
    assert float(rows[0]["availability"]) == pytest.approx(12 / 72)


async def test_a_period_that_starts_and_ends_within_a_day(
    api: httpx.AsyncClient, week: dict[str, str]
) -> None:
    """Monday 09:00 to Thursday 10:30: Tuesday and Wednesday are read from the daily sums, the
    ends from the passes themselves. In it: O1's four passes and O2's soldering (all of SS-9,
    12 h) and O2's test on TR-8 (1 h, done 10:00); not the QC at noon."""
    period = {"since": "2026-11-02T09:00:00Z", "until": "2026-11-05T10:30:00Z"}
    figures = ok(await api.get("/api/analytics/production", params=period))
    equipment = _rows(figures["equipment"])
    assert (equipment["SS-9"]["run_seconds"], equipment["SS-9"]["right_first_time"]) == (12 * H, 3)
    assert (equipment["TR-8"]["run_seconds"], equipment["TR-8"]["units"]) == (H, 1)
    assert (equipment["TR-9"]["run_seconds"], equipment["TR-9"]["units"]) == (3 * H, 4)
    workers = _rows(figures["workers"])
    assert (workers["Ivan"]["busy_seconds"], workers["Ivan"]["passes"]) == (13 * H, 4)
    assert (workers["Marta"]["busy_seconds"], workers["Marta"]["passes"]) == (3 * H, 2)
    inside_a_day = {"since": "2026-11-02T09:00:00Z", "until": "2026-11-02T19:00:00Z"}
    figures = ok(await api.get("/api/analytics/production", params=inside_a_day))
    assert _rows(figures["equipment"])["SS-9"]["run_seconds"] == 8 * H  # O1's first soldering


_RECOUNTED = text(
    """
    SELECT (completed_at AT TIME ZONE 'UTC')::date, equipment, sum(pass_work_seconds(s)),
           sum(coalesce(target_seconds, 0)), sum(units), sum(pass_right_first_time(s))
    FROM order_stages s WHERE pass_work_seconds(s) IS NOT NULL AND equipment IS NOT NULL
    GROUP BY 1, 2
    UNION ALL
    SELECT (completed_at AT TIME ZONE 'UTC')::date, started_worker_id::text,
           sum(pass_work_seconds(s)), count(*), NULL, NULL
    FROM order_stages s WHERE pass_work_seconds(s) IS NOT NULL AND started_worker_id IS NOT NULL
    GROUP BY 1, 2
    """
)
_KEPT = text(
    """
    SELECT day, equipment, run_seconds, target_seconds, units, right_first_time
    FROM equipment_days WHERE (run_seconds, target_seconds, units) <> (0, 0, 0)
    UNION ALL
    SELECT day, worker_id::text, busy_seconds, passes, NULL, NULL
    FROM worker_days WHERE passes <> 0
    """
)


async def _days_agree_with_the_passes(sessions: SessionFactory) -> None:
    async with sessions() as session:
        recounted = sorted(map(tuple, await session.execute(_RECOUNTED)), key=str)
        kept = sorted(map(tuple, await session.execute(_KEPT)), key=str)
    assert kept == recounted
    assert kept  # there is something to agree on


async def test_the_daily_sums_follow_every_change_of_the_passes(
    api: httpx.AsyncClient, sessions: SessionFactory, week: dict[str, str]
) -> None:
    """Kept by the database: written, corrected, sent back, moved to another day, deleted,
    the day rows always equal the passes summed afresh (to the microsecond: numeric)."""
    await _days_agree_with_the_passes(sessions)
    o2_id = select(Order.id).where(Order.number == "ZK-PA-O2").scalar_subquery()
    o2 = OrderStageRecord.order_id == o2_id
    async with sessions.begin() as session:
        first_soldering = (o2, OrderStageRecord.seq == 1)
        await session.execute(  # a correction: started 90.5 s later
            update(OrderStageRecord)
            .where(*first_soldering)
            .values(work_started_at=at(4, 14) + timedelta(seconds=90.5))
        )
    await _days_agree_with_the_passes(sessions)
    async with sessions.begin() as session:  # O2 is sent back to soldering after its QC
        session.add(
            OrderStageRecord(
                order_id=await session.scalar(select(o2_id)),
                seq=4,
                stage="soldering",
                status="completed",
                started_at=at(5, 12),
                work_started_at=at(5, 13),
                completed_at=at(6, 1),
                equipment="SS-9",
            )
        )
    await _days_agree_with_the_passes(sessions)
    figures = ok(await api.get("/api/analytics/production", params=WEEK))
    soldering = _rows(figures["equipment"])["SS-9"]
    # O2's first soldering no longer counts as right first time; its second one does.
    assert (soldering["units"], soldering["right_first_time"]) == (6, 3)
    async with sessions.begin() as session:  # a pass moved to the next day, then failed
        await session.execute(
            update(OrderStageRecord)
            .where(o2, OrderStageRecord.seq == 4)
            .values(completed_at=at(6, 23) + timedelta(hours=2), status="failed")
        )
    await _days_agree_with_the_passes(sessions)
    async with sessions.begin() as session:
        await session.execute(delete(OrderStageRecord).where(o2))
    await _days_agree_with_the_passes(sessions)


async def test_a_period_of_whole_days_in_the_plants_zone(
    api: httpx.AsyncClient, week: dict[str, str]
) -> None:
    """Days instead of instants: from the start of the first to the end of the last, in the
    plant's zone (the default calendar's: UTC here)."""
    by_days = ok(
        await api.get(
            "/api/analytics/production", params={"since": "2026-11-02", "until": "2026-11-06"}
        )
    )
    by_instants = ok(await api.get("/api/analytics/production", params=WEEK))
    assert (by_days["since"], by_days["until"]) == ("2026-11-02T00:00:00Z", "2026-11-07T00:00:00Z")
    assert by_days["equipment"] == by_instants["equipment"]
    naive = await api.get("/api/analytics/production", params={"since": "2026-11-02T10:00"})
    assert naive.status_code == 422  # an instant needs its zone
    far = await api.get("/api/analytics/production", params={"until": "9999-12-31"})
    assert far.status_code == 200  # up to now
