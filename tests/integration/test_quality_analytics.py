"""Quality figures against three orders' inspections worked out by hand, written with the
dates they happened on.

A (2 units, hot-swap): testing passed; QC failed (stabilisers, scratches), then passed.
B (1 unit, hot-swap): testing failed (switch test), then passed; QC passed.
C (3 units, soldered): testing and QC passed.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import httpx
import pytest

from domain.analytics import percentile
from persistence.database import SessionFactory
from persistence.tables import Inspection, InspectionResult, OrderStageRecord
from tests.support import Demo, ok

NOV = {"since": "2026-11-01T00:00:00Z", "until": "2026-11-29T00:00:00Z"}


def nov(day: int, hour: int = 12) -> datetime:
    return datetime(2026, 11, day, hour, tzinfo=UTC)


Inspected = tuple[str, bool, int, str, list[str]]  # stage, passed, day, inspector, failed checks
Span = tuple[datetime, datetime]
# order: (product, quantity, completed, reworks, inspections, QC passes (entered, completed))
ORDERS: dict[str, tuple[str, int, datetime, int, list[Inspected], list[Span]]] = {
    "A": (
        "KB-65-HS",
        2,
        nov(9),
        1,
        [
            ("testing", True, 5, "olga", []),
            ("qc", False, 6, "olga", ["Stabilisers do not rattle", "Case free of scratches"]),
            ("qc", True, 8, "olga", []),
        ],
        [(nov(5), nov(6)), (nov(7), nov(8, 0))],
    ),
    "B": (
        "KB-65-HS",
        1,
        nov(13),
        1,
        [
            ("testing", False, 10, "ivan", ["Switch test"]),
            ("testing", True, 11, "olga", []),
            ("qc", True, 12, "olga", []),
        ],
        [(nov(11), nov(12, 0))],
    ),
    "C": (
        "KB-65-SOL",
        3,
        nov(16),
        0,
        [("testing", True, 14, "ivan", []), ("qc", True, 15, "ivan", [])],
        [(nov(14), nov(15, 6))],
    ),
}
QC_SECONDS = [86400.0, 43200.0, 43200.0, 64800.0]


@pytest.fixture
async def inspected(sessions: SessionFactory, demo: Demo) -> None:
    async with sessions.begin() as session:
        for name, (sku, quantity, completed, reworks, inspections, qc) in ORDERS.items():
            order = demo.order(
                f"ZK-QA-{name}",
                product=sku,
                quantity=quantity,
                customer=name,
                priority="NORMAL",
                due_date=completed.date(),
                status="completed",
                stage=None,
                rework_count=reworks,
                completed_at=completed,
            )
            session.add(order)
            await session.flush()
            for seq, (stage, passed, day, inspector, failed) in enumerate(inspections, start=1):
                session.add(
                    Inspection(
                        order_id=order.id,
                        seq=seq,
                        stage=stage,
                        stage_seq=seq,
                        status="passed" if passed else "failed",
                        inspector=inspector,
                        completed_at=nov(day),
                    )
                )
                await session.flush()
                for position, check in enumerate(failed, start=1):
                    session.add(
                        InspectionResult(
                            order_id=order.id,
                            inspection_seq=seq,
                            position=position,
                            description=check,
                            required=True,
                            kind="PASS_FAIL",
                            passed=False,
                            ok=False,
                        )
                    )
            for seq, (entered, done) in enumerate(qc, start=10):
                session.add(
                    OrderStageRecord(
                        order_id=order.id,
                        seq=seq,
                        stage="qc",
                        status="completed",
                        started_at=entered,
                        completed_at=done,
                    )
                )


async def test_first_pass_yield_per_stage_and_product(
    api: httpx.AsyncClient, inspected: None
) -> None:
    figures = ok(await api.get("/api/analytics/quality", params=NOV))
    rows = {(r["stage"], r["product_sku"]): r for r in figures["first_pass"]}
    # Testing: A (2) and C (3) passed first time, B (1) did not: 5 of 6. QC: B and C: 4 of 6.
    assert (rows["testing", "all"]["units"], rows["testing", "all"]["passed_first_time"]) == (6, 5)
    assert rows["testing", "all"]["first_pass_yield"] == pytest.approx(5 / 6)
    assert rows["qc", "all"]["first_pass_yield"] == pytest.approx(4 / 6)
    assert rows["qc", "KB-65-HS"]["first_pass_yield"] == pytest.approx(1 / 3)
    assert rows["qc", "KB-65-SOL"]["first_pass_yield"] == 1.0


async def test_defects_reworks_and_the_checks_that_fail_most(
    api: httpx.AsyncClient, inspected: None
) -> None:
    figures = ok(await api.get("/api/analytics/quality", params=NOV))
    assert {
        d["stage"]: (d["inspections"], d["failed"], d["defect_rate"]) for d in figures["defects"]
    } == {
        "qc": (4, 1, 0.25),
        "testing": (4, 1, 0.25),
    }
    assert {r["reworks"]: r["orders"] for r in figures["reworks"]} == {0: 1, 1: 2}
    pareto = [(c["check"], c["failures"]) for c in figures["failing_checks"]]
    assert pareto == [
        ("Case free of scratches", 1),
        ("Stabilisers do not rattle", 1),
        ("Switch test", 1),
    ]
    assert figures["failing_checks"][-1]["cumulative"] == 1.0
    assert [(i["inspector"], i["inspections"], i["failed"]) for i in figures["inspectors"]] == [
        ("olga", 5, 1),
        ("ivan", 3, 1),
    ]


async def test_time_in_qc_is_interpolated_as_the_domain_defines_it(
    api: httpx.AsyncClient, inspected: None
) -> None:
    qc = ok(await api.get("/api/analytics/quality", params=NOV))["time_in_qc"]
    # Sorted 43,200, 43,200, 64,800, 86,400: the median halfway between the middle two.
    assert (qc["passes"], qc["p50_seconds"], qc["p90_seconds"]) == (4, 54000.0, 79920.0)
    assert qc["p50_seconds"] == percentile(QC_SECONDS, 0.5)
    assert qc["p90_seconds"] == pytest.approx(percentile(QC_SECONDS, 0.9))


async def test_quality_tables_as_csv(api: httpx.AsyncClient, inspected: None) -> None:
    pareto = await api.get("/api/analytics/quality/failing-checks.csv", params=NOV)
    assert [r["check"] for r in csv.DictReader(io.StringIO(pareto.text))] == [
        "Case free of scratches",
        "Stabilisers do not rattle",
        "Switch test",
    ]
    october = {"since": "2026-10-01T00:00:00Z", "until": "2026-11-01T00:00:00Z"}
    empty = ok(await api.get("/api/analytics/quality", params=october))
    assert (empty["first_pass"], empty["time_in_qc"]["p50_seconds"]) == ([], None)
