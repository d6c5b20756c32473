from decimal import Decimal

import pytest

from domain.errors import IllegalTransition, InsufficientStock, InvalidInput
from domain.inventory_import import parse_items, parse_stock
from domain.locations import Range, reading_problems
from domain.stock import BinQuantity, ZoneType, pick_bins
from domain.stocktake import CountLine, check_open, differences

S, R, Q, D = ZoneType.STORAGE, ZoneType.RECEIVING, ZoneType.QUARANTINE, ZoneType.SHIPPING


def test_issues_take_from_storage_first_and_the_fullest_bin_first() -> None:
    bins = [
        BinQuantity("rcv", R, 100),
        BinQuantity("a1", S, 10),
        BinQuantity("a2", S, 30),
        BinQuantity("qrn", Q, 500),
    ]
    assert pick_bins(bins, 25) == [("a2", 25)]
    assert pick_bins(bins, 45) == [("a2", 30), ("a1", 10), ("rcv", 5)]


def test_quarantined_stock_is_never_picked() -> None:
    with pytest.raises(InsufficientStock, match="only 10 outside quarantine") as refused:
        pick_bins([BinQuantity("a1", S, 10), BinQuantity("qrn", Q, 500)], 11)
    assert refused.value.details["available"] == 10
    assert pick_bins([BinQuantity("shp", D, 3)], 3) == [("shp", 3)]


def test_a_reading_is_judged_against_the_zones_limits() -> None:
    cold = Range(Decimal(15), Decimal(25))
    dry = Range(None, Decimal(60))
    assert reading_problems(Decimal(20), Decimal(40), climate=cold, moisture=dry) == []
    assert reading_problems(Decimal("25.1"), None, climate=cold, moisture=dry) == [
        "temperature 25.1 above the maximum 25"
    ]
    assert len(reading_problems(Decimal(10), Decimal(61), climate=cold, moisture=dry)) == 2
    assert reading_problems(Decimal(99), None, climate=Range(), moisture=Range()) == []
    with pytest.raises(InvalidInput):
        reading_problems(None, None, climate=cold, moisture=dry)
    with pytest.raises(InvalidInput):
        Range(Decimal(5), Decimal(1))


def test_posting_a_count_adjusts_to_what_was_counted_against_the_bin_now() -> None:
    lines = [
        CountLine(("pcb", "a1"), expected=10, counted=8),
        CountLine(("sw", "a1"), expected=300, counted=300),
        CountLine(("case", "a2"), expected=5, counted=None),  # not counted: left alone
        CountLine(("box", "a2"), expected=0, counted=4),  # found
    ]
    # Two PCBs were issued while the count was open: the bin holds 8, as counted.
    now = {("pcb", "a1"): 8, ("sw", "a1"): 300, ("case", "a2"): 5}
    assert differences(lines, now) == {("box", "a2"): 4}
    assert differences(lines, {("pcb", "a1"): 10, ("sw", "a1"): 301}) == {
        ("pcb", "a1"): -2,
        ("sw", "a1"): -1,
        ("box", "a2"): 4,
    }
    check_open("open")
    with pytest.raises(IllegalTransition):
        check_open("posted")


ITEMS = """sku,name,item_type,category,min_stock_level,max_stock_level,barcode,unit_cost
SW-TAC-BRN,Tactile switch,component,SWITCH,140,2000,4600000000011,0.35
SW-TAC-BRN,Tactile switch again,COMPONENT,SWITCH,0,,,
,No SKU,COMPONENT,SWITCH,,,,
KC-1,Keycap,GADGET,KEYCAPS,5,3,4600000000011,-1
LUBE-205,Krytox 205g0,TOOL,LUBE,,,,12.5
"""


def test_an_items_file_reports_every_bad_row_with_its_line() -> None:
    rows, errors = parse_items(ITEMS)
    assert [r.sku for r in rows] == ["SW-TAC-BRN", "LUBE-205"]
    assert rows[0].item_type == "COMPONENT"
    assert rows[1].unit_cost == Decimal("12.5")
    found = {(e.line, e.field) for e in errors}
    assert found == {
        (3, "sku"),  # a repeat of line 2
        (4, "sku"),  # missing
        (5, "item_type"),
        (5, "max_stock_level"),
        (5, "barcode"),  # a repeat of line 2
        (5, "unit_cost"),
    }
    assert any("also on line 2" in e.reason for e in errors if e.line == 3)


def test_a_file_with_wrong_columns_is_refused_at_line_one() -> None:
    _, errors = parse_items("sku,title\nX,Y\n")
    assert [(e.line, e.reason) for e in errors] == [
        (1, "missing columns: category, item_type, name")
    ]
    _, errors = parse_stock("sku,warehouse_code,quantity,colour\nX,W,1,red\n")
    assert errors[0].reason == "unknown columns: colour"


def test_an_opening_stock_file() -> None:
    rows, errors = parse_stock(
        "sku,warehouse_code,bin_code,quantity\nA,WH,A-01,5\nB,WH,,0\nC,WH,,x\n\n"
    )
    assert [(r.sku, r.bin_code, r.quantity) for r in rows] == [("A", "A-01", 5)]
    assert [(e.line, e.field) for e in errors] == [(3, "quantity"), (4, "quantity")]


def test_each_kind_of_bad_value_in_an_items_file_is_named() -> None:
    header = "sku,name,item_type,category,min_stock_level,barcode,unit_cost"
    rows, errors = parse_items(
        f"{header}\n"
        "A B,Switch,COMPONENT,SW,,,\n"  # a space is not in a SKU
        f"OK-1,{'n' * 201},COMPONENT,SW,,,\n"  # a name too long
        "OK-2,Switch,COMPONENT,SW,999999999999,,\n"  # beyond what a bin can hold
        ",,,,,,\n"  # a blank line: skipped
        "OK-3,Switch,COMPONENT,SW,,46/00,\n"  # not a barcode
        "OK-4,Switch,COMPONENT,SW,,,0.355\n"  # a price to a tenth of a cent
        "OK-5,Switch,COMPONENT,SW,,,\n"
    )
    assert [r.sku for r in rows] == ["OK-5"]
    reasons = {(e.line, e.field): e.reason for e in errors}
    assert "is not a SKU" in reasons[(2, "sku")]
    assert reasons[(3, "name")] == "is longer than 200 characters"
    assert reasons[(4, "min_stock_level")].startswith("may not exceed")
    assert "is not a barcode" in reasons[(6, "barcode")]
    assert "is not a price" in reasons[(7, "unit_cost")]
    assert 5 not in {e.line for e in errors}


def test_an_unreadable_header_is_refused_at_line_one() -> None:
    _, errors = parse_items("sku," + "x" * 200_000 + "\n")  # beyond the csv field limit
    assert errors[0].line == 1
    assert errors[0].reason.startswith("the header cannot be read")
