"""Reading CSV files of items and of opening stock: every bad row is reported with its line
number and the reason, and an import is written only when no row is bad."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import TypeVar

from domain.items import BARCODE_PATTERN, ItemType, is_sku
from domain.limits import MAX_ON_HAND, MAX_QUANTITY

T = TypeVar("T")


@dataclass(frozen=True)
class RowError:
    line: int
    field: str | None
    reason: str


@dataclass(frozen=True)
class ItemRow:
    line: int
    sku: str
    name: str
    item_type: ItemType
    category: str
    unit_of_measure: str
    min_stock_level: int
    max_stock_level: int | None
    reorder_point: int | None
    barcode: str | None
    description: str
    unit_cost: Decimal | None


@dataclass(frozen=True)
class StockRow:
    line: int
    sku: str
    warehouse_code: str
    bin_code: str | None
    quantity: int


ITEM_COLUMNS = {
    "sku", "name", "item_type", "category", "unit_of_measure", "min_stock_level",
    "max_stock_level", "reorder_point", "barcode", "description", "unit_cost",
}  # fmt: skip
ITEM_REQUIRED = {"sku", "name", "item_type", "category"}
MAX_PRICE = Decimal(10) ** 10  # what the unit cost's column holds (12 digits, 2 after the point)
STOCK_COLUMNS = {"sku", "warehouse_code", "bin_code", "quantity"}
STOCK_REQUIRED = {"sku", "warehouse_code", "quantity"}


class _Row:
    """One CSV record being read; problems are collected, not raised one by one."""

    def __init__(self, line: int, values: dict[str, str], errors: list[RowError]) -> None:
        self.line = line
        self.values = {k: (v or "").strip() for k, v in values.items() if k}
        self.errors = errors
        self.ok = True

    def fail(self, field: str | None, reason: str) -> None:
        self.errors.append(RowError(self.line, field, reason))
        self.ok = False

    def text(self, field: str, *, required: bool = False, limit: int = 200) -> str:
        value = self.values.get(field, "")
        if required and not value:
            self.fail(field, "is required")
        elif len(value) > limit:
            self.fail(field, f"is longer than {limit} characters")
        return value

    def number(
        self, field: str, *, limit: int, required: bool = False, positive: bool = False
    ) -> int | None:
        raw = self.text(field, required=required)
        if not raw:
            return None
        if not re.fullmatch(r"[0-9]{1,12}", raw):
            self.fail(field, f"{raw[:20]!r} is not a whole number of zero or more")
            return None
        value = int(raw)
        if positive and value == 0:
            self.fail(field, "must be positive")
        elif value > limit:
            self.fail(field, f"may not exceed {limit:,}")
        return value

    def choice(self, field: str, parse: Callable[[str], T], what: str) -> T | None:
        raw = self.text(field, required=True)
        if not raw:
            return None
        try:
            return parse(raw.upper())
        except ValueError:
            self.fail(field, f"{raw!r} is not {what}")
            return None


def _records(
    text: str, columns: set[str], required: set[str], errors: list[RowError]
) -> Iterator[_Row]:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        names = list(reader.fieldnames or [])
    except csv.Error as unreadable:
        errors.append(RowError(1, None, f"the header cannot be read: {unreadable}"))
        return
    header = set(names)
    if twice := sorted({n for n in names if names.count(n) > 1}):
        errors.append(RowError(1, None, f"columns given twice: {', '.join(twice)}"))
        return
    if missing := sorted(required - header):
        errors.append(RowError(1, None, f"missing columns: {', '.join(missing)}"))
        return
    if unknown := sorted(header - columns):
        errors.append(RowError(1, None, f"unknown columns: {', '.join(unknown)}"))
        return
    while True:
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as unreadable:  # a stray line break, a field beyond the reader's limit
            errors.append(RowError(reader.line_num, None, f"cannot be read: {unreadable}"))
            return
        if not any((v or "").strip() for v in values.values() if isinstance(v, str)):
            continue  # a blank line
        yield _Row(reader.line_num, values, errors)


def parse_items(text: str) -> tuple[list[ItemRow], list[RowError]]:
    errors: list[RowError] = []
    rows: list[ItemRow] = []
    seen_skus: dict[str, int] = {}
    seen_barcodes: dict[str, int] = {}
    for row in _records(text, ITEM_COLUMNS, ITEM_REQUIRED, errors):
        sku = row.text("sku", required=True, limit=64)
        if sku and not is_sku(sku):
            row.fail("sku", f"{sku!r} is not a SKU (letters, digits, . _ / -)")
        if sku in seen_skus:
            row.fail("sku", f"{sku} is also on line {seen_skus[sku]}")
        seen_skus.setdefault(sku, row.line)
        name = row.text("name", required=True)
        item_type = row.choice("item_type", ItemType, "one of " + ", ".join(ItemType))
        category = row.text("category", required=True, limit=64)
        minimum = row.number("min_stock_level", limit=MAX_ON_HAND) or 0
        maximum = row.number("max_stock_level", limit=MAX_ON_HAND)
        if maximum is not None and maximum < minimum:
            row.fail("max_stock_level", "is below min_stock_level")
        barcode = row.text("barcode", limit=64) or None
        if barcode and not re.fullmatch(BARCODE_PATTERN, barcode):
            row.fail("barcode", f"{barcode!r} is not a barcode (letters, digits, -)")
        if barcode and barcode in seen_barcodes:
            row.fail("barcode", f"{barcode} is also on line {seen_barcodes[barcode]}")
        if barcode:
            seen_barcodes.setdefault(barcode, row.line)
        cost_text = row.text("unit_cost")
        cost: Decimal | None = None
        if cost_text:
            try:
                cost = Decimal(cost_text)
                if not cost.is_finite() or not 0 <= cost < MAX_PRICE:
                    raise InvalidOperation
                if cost != cost.quantize(Decimal("0.01")):
                    raise InvalidOperation
            except InvalidOperation:
                row.fail("unit_cost", f"{cost_text!r} is not a price")
        reorder = row.number("reorder_point", limit=MAX_ON_HAND)
        unit = row.text("unit_of_measure", limit=32) or "PIECE"
        description = row.text("description", limit=4000)
        if row.ok and item_type is not None:
            rows.append(
                ItemRow(
                    line=row.line,
                    sku=sku,
                    name=name,
                    item_type=item_type,
                    category=category,
                    unit_of_measure=unit,
                    min_stock_level=minimum,
                    max_stock_level=maximum,
                    reorder_point=reorder,
                    barcode=barcode,
                    description=description,
                    unit_cost=cost,
                )
            )
    return rows, errors


def parse_stock(text: str) -> tuple[list[StockRow], list[RowError]]:
    errors: list[RowError] = []
    rows: list[StockRow] = []
    for row in _records(text, STOCK_COLUMNS, STOCK_REQUIRED, errors):
        sku = row.text("sku", required=True, limit=64)
        warehouse = row.text("warehouse_code", required=True, limit=32)
        bin_code = row.text("bin_code", limit=32) or None
        quantity = row.number("quantity", limit=MAX_QUANTITY, required=True, positive=True)
        if row.ok and quantity is not None:
            rows.append(StockRow(row.line, sku, warehouse, bin_code, quantity))
    return rows, errors
