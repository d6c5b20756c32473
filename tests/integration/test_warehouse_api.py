"""The warehouse through the API: items, zones and bins, climate readings, receipts into bins,
transfers, stocktakes, analytics, CSV, and the stock check."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
import uuid
from typing import Any

import httpx
from sqlalchemy import text

from core.settings import Settings
from persistence.database import SessionFactory
from tests.support import Demo, assert_stock_consistent, ok


async def _second_warehouse(api: httpx.AsyncClient) -> dict[str, Any]:
    """A second warehouse with a storage zone (15..25 °C, at most 60 %) and two bins."""
    warehouse = ok(
        await api.post(
            "/api/inventory/warehouses",
            json={"name": "Kazan depot", "code": "WH-KZN", "city": "Kazan", "country": "Russia"},
        ),
        201,
    )
    zone = ok(
        await api.post(
            f"/api/inventory/warehouses/{warehouse['id']}/zones",
            json={
                "name": "Racks",
                "zone_type": "STORAGE",
                "min_temperature": 15,
                "max_temperature": 25,
                "max_humidity": 60,
            },
        ),
        201,
    )
    bins = [
        ok(
            await api.post(
                f"/api/inventory/zones/{zone['id']}/bins", json={"code": c, "shelf": "B-01"}
            ),
            201,
        )
        for c in ("B-01-01", "B-01-02")
    ]
    return {"warehouse": warehouse, "zone": zone, "bins": bins}


async def test_items_have_full_attributes_search_sorting_barcodes_and_archiving(
    api: httpx.AsyncClient, demo: Demo
) -> None:
    created = ok(
        await api.post(
            "/api/inventory/items",
            json={
                "sku": "SW-TAC-BRN",
                "name": "Tactile switch, brown",
                "description": "55 g tactile, 5-pin",
                "item_type": "COMPONENT",
                "category": "SWITCH",
                "barcode": "4600000000011",
                "min_stock_level": 140,
                "reorder_point": 280,
                "unit_cost": "0.35",
                "weight_grams": 2,
                "length_mm": 15,
                "width_mm": 15,
                "height_mm": 18,
            },
        ),
        201,
    )
    assert created["reorder_point"] == 280
    assert created["is_active"] is True
    by_code = ok(await api.get("/api/inventory/items/by-barcode/4600000000011"))
    assert by_code["id"] == created["id"]
    assert (await api.get("/api/inventory/items/by-barcode/0000")).status_code == 404
    switches = ok(
        await api.get(
            "/api/inventory/items",
            params={"category": "switch", "sort": "name", "descending": True},
        )
    )
    assert [i["sku"] for i in switches["items"]] == ["SW-TAC-BRN", "SW-LIN-RED"]
    assert (ok(await api.get("/api/inventory/items", params={"search": "5-pin"})))["total"] == 1

    edited = ok(
        await api.patch(
            f"/api/inventory/items/{created['id']}",
            json={"name": "Brown switch", "unit_cost": "0.33"},
        )
    )
    assert (edited["name"], edited["unit_cost"]) == ("Brown switch", "0.33")
    taken = await api.patch(
        f"/api/inventory/items/{created['id']}", json={"barcode": "4600000000011"}
    )
    assert taken.status_code == 200  # its own barcode
    ok(
        await api.post(
            "/api/inventory/items",
            json={
                "sku": "X-1",
                "name": "x",
                "item_type": "TOOL",
                "category": "T",
                "barcode": "123",
            },
        ),
        201,
    )
    clash = await api.patch(f"/api/inventory/items/{created['id']}", json={"barcode": "123"})
    assert clash.status_code == 409
    bad = await api.patch(f"/api/inventory/items/{created['id']}", json={"max_stock_level": 1})
    assert bad.status_code == 422

    in_use = await api.delete(f"/api/inventory/items/{demo.items['SW-LIN-RED']}")
    assert in_use.status_code == 409
    assert "archive" in in_use.json()["detail"]
    archived = ok(
        await api.patch(
            f"/api/inventory/items/{demo.items['SW-LIN-RED']}", json={"is_active": False}
        )
    )
    assert archived["is_active"] is False
    listed = ok(await api.get("/api/inventory/items", params={"category": "SWITCH"}))
    assert [i["sku"] for i in listed["items"]] == ["SW-TAC-BRN"]
    assert (await api.delete(f"/api/inventory/items/{created['id']}")).status_code == 204
    assert (await api.get(f"/api/inventory/items/{created['id']}")).status_code == 404


async def test_zones_bins_and_readings(api: httpx.AsyncClient) -> None:
    place = await _second_warehouse(api)
    warehouse, zone = place["warehouse"], place["zone"]
    zones = ok(await api.get(f"/api/inventory/warehouses/{warehouse['id']}/zones"))
    assert {(z["name"], z["zone_type"]) for z in zones} == {
        ("Racks", "STORAGE"),
        ("Receiving", "RECEIVING"),
    }
    bins = ok(await api.get(f"/api/inventory/warehouses/{warehouse['id']}/bins"))
    assert [b["code"] for b in bins] == ["B-01-01", "B-01-02", "RECEIVING"]
    url = f"/api/inventory/warehouses/{warehouse['id']}/zones"
    assert (await api.post(url, json={"name": "Racks", "zone_type": "STORAGE"})).status_code == 409
    assert (await api.post(url, json={"name": "Cold", "zone_type": "FREEZER"})).status_code == 422
    upside_down = {
        "name": "Odd",
        "zone_type": "STORAGE",
        "min_temperature": 30,
        "max_temperature": 10,
    }
    assert (await api.post(url, json=upside_down)).status_code == 422
    assert (
        await api.post(f"/api/inventory/zones/{zone['id']}/bins", json={"code": "B-01-01"})
    ).status_code == 409
    assert (
        await api.post(f"/api/inventory/zones/{uuid.uuid4()}/bins", json={"code": "Z"})
    ).status_code == 404

    readings = f"/api/inventory/zones/{zone['id']}/readings"
    fine = ok(await api.post(readings, json={"temperature": 21.5, "humidity": 45}), 201)
    assert fine["out_of_range"] is False
    hot = ok(await api.post(readings, json={"temperature": 27, "humidity": 65}), 201)
    assert hot["out_of_range"] is True
    assert hot["problems"] == (
        "temperature 27 above the maximum 25.0; humidity 65 above the maximum 60.0"
    )
    assert (await api.post(readings, json={})).status_code == 422
    flagged = ok(await api.get(readings, params={"out_of_range": True}))
    assert [r["id"] for r in flagged] == [hot["id"]]
    metrics = (await api.get("/metrics")).text
    assert (
        'zhuchka_zone_readings_out_of_range_total{warehouse="WH-KZN",zone_type="STORAGE"}'
        in metrics
    )


async def test_receive_into_a_bin_and_transfer_between_bins_and_warehouses(
    api: httpx.AsyncClient, demo: Demo, sessions: SessionFactory
) -> None:
    place = await _second_warehouse(api)
    kazan, b1, b2 = place["warehouse"]["id"], place["bins"][0]["id"], place["bins"][1]["id"]
    item, main = str(demo.items["CASE-65-AL"]), str(demo.warehouse_id)
    move = {"item_id": item, "reason": "test"}
    received = ok(
        await api.post(
            "/api/inventory/move",
            json={**move, "warehouse_id": kazan, "quantity": 12, "bin_id": b1},
        ),
        201,
    )
    assert received["bin_id"] == b1
    foreign_bin = await api.post(
        "/api/inventory/move", json={**move, "warehouse_id": main, "quantity": 1, "bin_id": b1}
    )
    assert foreign_bin.status_code == 409
    unknown_bin = await api.post(
        "/api/inventory/move",
        json={**move, "warehouse_id": kazan, "quantity": 1, "bin_id": str(uuid.uuid4())},
    )
    assert unknown_bin.status_code == 404

    between_bins = ok(
        await api.post(
            "/api/inventory/move",
            json={
                **move,
                "warehouse_id": kazan,
                "quantity": 5,
                "movement_type": "TRANSFER",
                "bin_id": b1,
                "to_bin_id": b2,
            },
        ),
        201,
    )
    assert [(leg["bin_id"], leg["delta"]) for leg in between_bins["legs"]] == [(b1, -5), (b2, 5)]
    assert len({leg["operation_id"] for leg in between_bins["legs"]}) == 1

    to_main = ok(
        await api.post(
            "/api/inventory/move",
            json={
                **move,
                "warehouse_id": kazan,
                "quantity": 7,
                "movement_type": "TRANSFER",
                "to_warehouse_id": main,
            },
        ),
        201,
    )
    assert [leg["warehouse_id"] for leg in to_main["legs"]] == [kazan, main]
    too_many = await api.post(
        "/api/inventory/move",
        json={
            **move,
            "warehouse_id": kazan,
            "quantity": 99,
            "movement_type": "TRANSFER",
            "to_warehouse_id": main,
        },
    )
    assert too_many.status_code == 409
    assert too_many.json()["available"] == 5
    same_bin = await api.post(
        "/api/inventory/move",
        json={
            **move,
            "warehouse_id": kazan,
            "quantity": 1,
            "movement_type": "TRANSFER",
            "bin_id": b2,
            "to_bin_id": b2,
        },
    )
    assert same_bin.status_code == 409
    no_target = await api.post(
        "/api/inventory/move",
        json={**move, "warehouse_id": kazan, "quantity": 1, "movement_type": "TRANSFER"},
    )
    assert no_target.status_code == 422
    stock = {
        s["warehouse_id"]: s
        for s in ok(await api.get("/api/inventory/stock", params={"item_id": item}))
    }
    assert stock[kazan]["on_hand"] == 5
    assert {b["bin_code"]: b["on_hand"] for b in stock[kazan]["bins"]} == {"B-01-02": 5}
    assert stock[main]["on_hand"] == 10 + 7
    in_b2 = ok(await api.get("/api/inventory/stock", params={"item_id": item, "bin_id": b2}))
    assert [s["warehouse_id"] for s in in_b2] == [kazan]  # not the item's stock elsewhere
    ledger = ok(
        await api.get(
            "/api/inventory/movements", params={"item_id": item, "movement_type": "TRANSFER"}
        )
    )
    assert len(ledger) == 4
    await assert_stock_consistent(sessions)


async def test_a_stocktake_counts_reviews_and_posts_the_differences(
    api: httpx.AsyncClient, demo: Demo, sessions: SessionFactory
) -> None:
    bins = {
        b["code"]: b["id"]
        for b in ok(await api.get(f"/api/inventory/warehouses/{demo.warehouse_id}/bins"))
    }
    zones = {
        z["name"]: z["id"]
        for z in ok(await api.get(f"/api/inventory/warehouses/{demo.warehouse_id}/zones"))
    }
    opened = ok(
        await api.post(
            "/api/inventory/stocktakes",
            json={"warehouse_id": str(demo.warehouse_id), "zone_id": zones["Storage racks"]},
        ),
        201,
    )
    assert opened["number"].startswith("ST-")
    assert {line["sku"]: line["expected"] for line in opened["lines"]}["SW-LIN-RED"] == 300
    second = await api.post(
        "/api/inventory/stocktakes", json={"warehouse_id": str(demo.warehouse_id)}
    )
    assert second.status_code == 409  # the storage zone is being counted
    url = f"/api/inventory/stocktakes/{opened['id']}"
    assert (await api.post(f"{url}/post")).status_code == 409  # nothing counted yet
    counts = [
        {"item_id": str(demo.items["SW-LIN-RED"]), "bin_id": bins["A-01-01"], "counted": 296},
        {"item_id": str(demo.items["BOX-65"]), "bin_id": bins["A-01-01"], "counted": 20},
        {
            "item_id": str(demo.items["CABLE-USBC"]),
            "bin_id": bins["A-01-02"],
            "counted": 3,
        },  # found
    ]
    review = ok(await api.put(f"{url}/counts", json={"lines": counts}))
    differences = {
        (line["sku"], line["bin_code"]): line["difference"]
        for line in review["lines"]
        if line["counted"] is not None
    }
    assert differences == {
        ("SW-LIN-RED", "A-01-01"): -4,
        ("BOX-65", "A-01-01"): 0,
        ("CABLE-USBC", "A-01-02"): 3,
    }
    outside = await api.put(
        f"{url}/counts", json={"lines": [{**counts[0], "bin_id": bins["RCV-01"]}]}
    )
    assert outside.status_code == 409  # not in the zone being counted
    # While the count is open, 10 switches are issued from the counted bin: posting respects it.
    ok(
        await api.post(
            "/api/inventory/move",
            json={
                "item_id": str(demo.items["SW-LIN-RED"]),
                "warehouse_id": str(demo.warehouse_id),
                "quantity": 10,
                "movement_type": "ISSUE",
                "bin_id": bins["A-01-01"],
                "reason": "sample",
            },
        ),
        201,
    )
    posted = ok(await api.post(f"{url}/post"))
    assert posted["status"] == "posted"
    adjusted = {line["sku"]: line["adjusted_by"] for line in posted["lines"] if line["adjusted_by"]}
    assert adjusted == {"SW-LIN-RED": 6, "CABLE-USBC": 3}  # 296 counted, 290 left after the issue
    assert (await api.post(f"{url}/post")).status_code == 409
    listed = ok(await api.get("/api/inventory/stocktakes", params={"status": "posted"}))
    assert [(s["number"], s["lines"]) for s in listed] == [(opened["number"], posted["lines"])]
    counts_rows = ok(
        await api.get("/api/inventory/movements", params={"movement_type": "ADJUSTMENT"})
    )
    assert {(m["reason_code"], m["reason"]) for m in counts_rows} == {
        ("COUNT", f"stocktake {opened['number']}")
    }
    stock = ok(
        await api.get("/api/inventory/stock", params={"item_id": str(demo.items["SW-LIN-RED"])})
    )
    assert stock[0]["on_hand"] == 296
    await assert_stock_consistent(sessions)


async def test_low_stock_and_the_summary(api: httpx.AsyncClient, demo: Demo) -> None:
    params = {"item_id": str(demo.items["SW-LIN-RED"]), "warehouse_id": str(demo.warehouse_id)}
    ok(await api.post("/api/inventory/reserve", params={**params, "quantity": 200}), 201)
    low = {row["sku"]: row for row in ok(await api.get("/api/inventory/analytics/low-stock"))}
    assert low["SW-LIN-RED"]["available"] == 100
    assert low["SW-LIN-RED"]["threshold"] == 200  # the reorder point, above the minimum 140
    assert low["SW-LIN-RED"]["shortfall"] == 100
    assert "CASE-65-AL" not in low
    summary = ok(await api.get("/api/inventory/analytics/summary"))
    assert summary["warehouses"] == 1
    assert summary["open_reservations"] == 1
    assert summary["low_stock_items"] == len(low)
    assert summary["totals"]["on_hand"] == 6 + 3 + 10 + 10 + 300 + 8 + 60 + 20 + 20
    assert summary["by_type"]["PACKAGING"]["value"] == "24.00"  # 20 boxes at 1.20
    assert summary["by_warehouse"]["WH-MAIN"]["reserved"] == 200


ITEMS_CSV = """sku,name,item_type,category,min_stock_level,barcode
LUBE-205,Krytox 205g0,TOOL,LUBE,1,
SW-LIN-RED,Duplicate,COMPONENT,SWITCH,0,
FOAM-65,Case foam,COMPONENT,FOAM,oops,
"""
STOCK_CSV = """sku,warehouse_code,bin_code,quantity
LUBE-205,WH-MAIN,A-01-02,3
LUBE-205,WH-NOPE,,1
NOPE,WH-MAIN,,1
LUBE-205,WH-MAIN,ZZ,1
"""


async def test_csv_import_reports_every_bad_row_and_writes_only_a_clean_file(
    api: httpx.AsyncClient, demo: Demo
) -> None:
    headers = {"Content-Type": "text/csv"}
    bad = await api.post(
        "/api/inventory/import/items", params={"dry_run": False}, content=ITEMS_CSV, headers=headers
    )
    assert bad.status_code == 422
    assert [(e["line"], e["field"]) for e in bad.json()["errors"]] == [
        (3, "sku"),
        (4, "min_stock_level"),
    ]
    assert bad.json()["written"] == 0
    assert (await api.get("/api/inventory/items", params={"search": "LUBE"})).json()["total"] == 0
    good = "\n".join(ITEMS_CSV.splitlines()[:2]) + "\n"
    dry = ok(await api.post("/api/inventory/import/items", content=good, headers=headers))
    assert (dry["dry_run"], dry["valid"], dry["written"]) == (True, True, 0)
    done = ok(
        await api.post(
            "/api/inventory/import/items", params={"dry_run": False}, content=good, headers=headers
        )
    )
    assert done["written"] == 1

    stock_csv = STOCK_CSV
    refused = await api.post(
        "/api/inventory/import/stock", params={"dry_run": False}, content=stock_csv, headers=headers
    )
    assert [(e["line"], e["field"]) for e in refused.json()["errors"]] == [
        (3, "warehouse_code"),
        (4, "sku"),
        (5, "bin_code"),
    ]
    only_good = "\n".join(stock_csv.splitlines()[:2]) + "\n"
    ok(
        await api.post(
            "/api/inventory/import/stock",
            params={"dry_run": False},
            content=only_good,
            headers=headers,
        )
    )

    exported = (await api.get("/api/inventory/export/stock.csv")).text
    rows = list(csv.DictReader(io.StringIO(exported)))
    assert {
        "sku": "LUBE-205",
        "warehouse_code": "WH-MAIN",
        "bin_code": "A-01-02",
        "on_hand": "3",
        "warehouse_on_hand": "3",
        "reserved": "0",
    } in rows
    items = list(
        csv.DictReader(io.StringIO((await api.get("/api/inventory/export/items.csv")).text))
    )
    assert "LUBE-205" in {i["sku"] for i in items}
    movements = await api.get(
        "/api/inventory/export/movements.csv", params={"item_id": str(demo.items["BOX-65"])}
    )
    assert movements.headers["content-type"].startswith("text/csv")
    assert "attachment" in movements.headers["content-disposition"]
    (opening,) = list(csv.DictReader(io.StringIO(movements.text)))
    assert (opening["sku"], opening["bin_code"], opening["delta"]) == ("BOX-65", "A-01-01", "20")


def _check_stock(settings: Settings) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "POSTGRES_HOST": settings.postgres_host,
        "POSTGRES_PORT": str(settings.postgres_port),
        "POSTGRES_USER": settings.postgres_user,
        "POSTGRES_PASSWORD": settings.postgres_password,
        "POSTGRES_DB": settings.postgres_db,
    }
    return subprocess.run(
        [sys.executable, "-m", "zhuchka", "check-stock"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


async def test_check_stock_passes_when_consistent_and_names_what_drifted(
    settings: Settings, demo: Demo, sessions: SessionFactory
) -> None:
    consistent = _check_stock(settings)
    assert consistent.returncode == 0, consistent.stderr
    assert "stock consistent" in consistent.stdout
    async with sessions.begin() as session:  # what a buggy writer (or a hand in psql) would do
        await session.execute(
            text("UPDATE stock_levels SET on_hand = on_hand + 1 WHERE item_id = :i"),
            {"i": demo.items["BOX-65"]},
        )
    drifted = _check_stock(settings)
    assert drifted.returncode == 1
    assert "on hand differs from the ledger" in drifted.stderr
    assert str(demo.items["BOX-65"]) in drifted.stderr
    assert "on hand differs from the sum of its bins" in drifted.stderr
