"""The analytics endpoints against a small history worked out by hand.

The catalogue is made through the API; the ledger's history is written with the dates it
happened on (the API books every movement at the moment it is made, and these figures are
about weeks gone by), the stock levels and bins agreeing with it."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from core.settings import Settings
from domain.access import Role
from persistence.database import SessionFactory
from tests.support import api_client, ok

NOV = {"since": "2026-11-01T00:00:00Z", "until": "2026-11-29T00:00:00Z"}  # four whole weeks


def nov(day: int, hour: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, tzinfo=UTC)


# sku: (category, unit cost, [(when, delta)]); receipts are positive, issues negative.
HISTORY: dict[str, tuple[str, str, list[tuple[datetime, int]]]] = {
    "CHIP": (
        "ELECTRONICS",
        "10.00",
        [
            (datetime(2026, 10, 20, tzinfo=UTC), 100),
            (nov(2), -10),
            (nov(9), -10),
            (nov(16), -10),
            (nov(23), -10),
            (datetime(2026, 12, 1, tzinfo=UTC), -5),  # after the period
        ],
    ),
    "CASE": ("CASES", "50.00", [(nov(1), 20), (nov(8, 12), -5), (nov(22), -5)]),
    "KEYCAP": (
        "KEYCAPS",
        "1.00",
        [
            (datetime(2026, 10, 1, tzinfo=UTC), 300),
            (nov(3), -20),
            (nov(10), -30),
            (nov(17), -10),
            (nov(24), -20),
        ],
    ),
    "FOAM": ("CASES", "5.00", [(datetime(2026, 9, 1, tzinfo=UTC), 10)]),
}


@pytest.fixture
async def history(api: httpx.AsyncClient, sessions: SessionFactory) -> dict[str, str]:
    warehouse = ok(
        await api.post(
            "/api/inventory/warehouses",
            json={"name": "Main", "code": "WH-A", "city": "Moscow", "country": "Russia"},
        ),
        201,
    )
    [receiving] = ok(await api.get(f"/api/inventory/warehouses/{warehouse['id']}/bins"))
    ids = {}
    for sku, (category, cost, moves) in HISTORY.items():
        item = ok(
            await api.post(
                "/api/inventory/items",
                json={
                    "sku": sku,
                    "name": sku.title(),
                    "item_type": "COMPONENT",
                    "category": category,
                    "unit_cost": cost,
                },
            ),
            201,
        )
        ids[sku] = item["id"]
        await _book(sessions, uuid.UUID(item["id"]), warehouse["id"], receiving["id"], moves)
    return ids


async def _book(
    sessions: SessionFactory,
    item_id: uuid.UUID,
    warehouse_id: str,
    bin_id: str,
    moves: list[tuple[datetime, int]],
) -> None:
    held = sum(delta for _, delta in moves)
    keys = {"item": item_id, "warehouse": warehouse_id, "bin": bin_id}
    async with sessions.begin() as session:
        for when, delta in moves:
            await session.execute(
                text(
                    "INSERT INTO stock_movements (item_id, warehouse_id, bin_id, movement_type,"
                    " quantity, delta, reason, operation_id, created_at) VALUES (:item,"
                    " :warehouse, :bin, :kind, :quantity, :delta, 'history', gen_random_uuid(),"
                    " :when)"
                ),
                keys
                | {
                    "kind": "RECEIPT" if delta > 0 else "ISSUE",
                    "quantity": abs(delta),
                    "delta": delta,
                    "when": when,
                },
            )
        await session.execute(
            text(
                "INSERT INTO stock_levels (item_id, warehouse_id, on_hand, reserved, quarantined)"
                " VALUES (:item, :warehouse, :held, 0, 0)"
            ),
            keys | {"held": held},
        )
        await session.execute(
            text(
                "INSERT INTO bin_stock (item_id, bin_id, warehouse_id, on_hand)"
                " VALUES (:item, :bin, :warehouse, :held)"
            ),
            keys | {"held": held},
        )


def _by_sku(figures: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {f["sku"]: f for f in figures["items"]}


async def test_turnover_days_of_supply_and_the_average_held(
    api: httpx.AsyncClient, history: dict[str, str]
) -> None:
    figures = ok(await api.get("/api/analytics/inventory", params=NOV))
    assert figures["weeks"] == 4
    chip = _by_sku(figures)["CHIP"]
    # 100 for a day, then 90, 80 and 70 for a week each, 60 for the last six days:
    # 2,140 unit-days over 28 days.
    assert chip["consumed"] == 40
    assert Decimal(chip["consumption_value"]) == 400
    assert chip["average_on_hand"] == pytest.approx(2140 / 28, abs=0.001)
    assert chip["on_hand"] == 60  # at the end of the period (55 now)
    assert chip["turnover"] == pytest.approx(400 / (2140 / 28 * 10))
    assert chip["days_of_supply"] == pytest.approx(60 / (40 / 28))
    assert chip["weekly_consumption"] == [10, 10, 10, 10]
    case = _by_sku(figures)["CASE"]
    # Received at the start: 20 for 7.5 days, 15 for 13.5, 10 for 7: 422.5 unit-days.
    assert case["average_on_hand"] == pytest.approx(422.5 / 28, abs=0.001)
    assert case["turnover"] == pytest.approx(500 / (422.5 / 28 * 50))
    assert case["days_of_supply"] == pytest.approx(28.0)
    foam = _by_sku(figures)["FOAM"]
    assert (foam["consumed"], foam["turnover"], foam["days_of_supply"]) == (0, 0.0, None)
    assert foam["average_on_hand"] == 10


async def test_abc_xyz_classes_and_their_matrix(
    api: httpx.AsyncClient, history: dict[str, str]
) -> None:
    figures = ok(await api.get("/api/analytics/inventory", params=NOV))
    # Consumption values: CASE 500, CHIP 400, KEYCAP 80, FOAM 0 (of 980). Before KEYCAP come
    # 900 / 980 = 92 %: a B. Weekly: CHIP steady (X), KEYCAP 20, 30, 10, 20 (cv 0.35: X),
    # CASE 0, 5, 0, 5 (cv 1.0: Z), FOAM none (Z).
    classes = {f["sku"]: f["abc"] + f["xyz"] for f in figures["items"]}
    assert classes == {"CASE": "AZ", "CHIP": "AX", "KEYCAP": "BX", "FOAM": "CZ"}
    assert [f["sku"] for f in figures["items"]] == ["CASE", "CHIP", "KEYCAP", "FOAM"]
    assert _by_sku(figures)["KEYCAP"]["variation"] == pytest.approx(50**0.5 / 20)
    cells = figures["matrix"]
    assert (cells["AX"], cells["AZ"], cells["BX"], cells["CZ"], sum(cells.values())) == (
        1,
        1,
        1,
        1,
        4,
    )
    stricter = ok(
        await api.get("/api/analytics/inventory", params=NOV | {"abc_a": 0.5, "xyz_x": 0.3})
    )
    assert {f["sku"]: f["abc"] + f["xyz"] for f in stricter["items"]}["CHIP"] == "BX"
    assert {f["sku"]: f["abc"] + f["xyz"] for f in stricter["items"]}["KEYCAP"] == "BY"


async def test_turnover_by_category(api: httpx.AsyncClient, history: dict[str, str]) -> None:
    figures = ok(await api.get("/api/analytics/inventory", params=NOV))
    cases = next(c for c in figures["categories"] if c["category"] == "CASES")
    # CASE held 754.46 on average, FOAM 50.00; 500 consumed.
    assert cases["items"] == 2
    assert Decimal(cases["average_value"]) == Decimal("804.46")
    assert cases["turnover"] == pytest.approx(500 / 804.46)


async def test_dead_stock_is_what_has_not_moved(
    api: httpx.AsyncClient, history: dict[str, str]
) -> None:
    days = (datetime.now(UTC) - datetime(2026, 9, 1, tzinfo=UTC)).days
    dead = ok(await api.get("/api/analytics/inventory/dead-stock", params={"days": days - 1}))
    assert [(d["sku"], d["on_hand"], Decimal(d["value"])) for d in dead] == [
        ("FOAM", 10, Decimal(50))
    ]
    assert ok(await api.get("/api/analytics/inventory/dead-stock", params={"days": days + 1})) == []


async def test_each_table_comes_as_csv_too(api: httpx.AsyncClient, history: dict[str, str]) -> None:
    answer = await api.get("/api/analytics/inventory/items.csv", params=NOV)
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(answer.text)))
    assert [r["sku"] for r in rows] == ["CASE", "CHIP", "KEYCAP", "FOAM"]
    assert rows[1]["weekly_consumption"] == "10 10 10 10"
    categories = await api.get("/api/analytics/inventory/categories.csv", params=NOV)
    assert [r["category"] for r in csv.DictReader(io.StringIO(categories.text))] == [
        "CASES",
        "ELECTRONICS",
        "KEYCAPS",
    ]
    dead = await api.get("/api/analytics/inventory/dead-stock.csv", params={"days": 30})
    assert [r["sku"] for r in csv.DictReader(io.StringIO(dead.text))] == ["FOAM"]


async def test_a_period_must_make_sense(api: httpx.AsyncClient) -> None:
    backwards = await api.get(
        "/api/analytics/inventory", params={"since": NOV["until"], "until": NOV["since"]}
    )
    too_long = await api.get(
        "/api/analytics/inventory",
        params={"since": "2020-01-01T00:00:00Z", "until": NOV["until"]},
    )
    no_zone = await api.get("/api/analytics/inventory", params={"since": "2026-11-01T00:00:00"})
    bad_class = await api.get("/api/analytics/inventory", params={"abc_a": 0.9, "abc_b": 0.8})
    assert [a.status_code for a in (backwards, too_long, no_zone, bad_class)] == [422] * 4
    assert backwards.json()["detail"][0]["loc"] == ["query", "since"]  # where it was sent
    default = ok(await api.get("/api/analytics/inventory"))
    since = datetime.fromisoformat(default["since"])
    until = datetime.fromisoformat(default["until"])
    assert until - since == timedelta(days=30)


async def test_viewers_read_the_figures_and_strangers_do_not(
    settings: Settings, sessions: SessionFactory
) -> None:
    async with api_client(settings, as_role=Role.VIEWER) as viewer:
        assert (await viewer.get("/api/analytics/inventory")).status_code == 200
    async with api_client(settings, as_role=None) as stranger:
        assert (await stranger.get("/api/analytics/inventory")).status_code == 401
