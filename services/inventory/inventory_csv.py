"""CSV import (items, opening stock) and export (items, stock, movements).

An import is checked whole — the file's own rows, then against the database — and written only
when no row is bad; a dry run only reports."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator, Iterable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import ARRAY, ColumnElement, Select, String, any_, literal, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.inventory_import import ItemRow, RowError, StockRow
from domain.stock import MovementType
from persistence.tables import Bin, BinStock, Item, StockLevel, StockMovement, Warehouse
from services.inventory.stock_ledger import LedgerEntry, post_movement


@dataclass
class ImportReport:
    dry_run: bool
    rows: int
    errors: list[RowError] = field(default_factory=list)
    written: int = 0

    @property
    def valid(self) -> bool:
        return not self.errors


async def import_items(
    session: AsyncSession, rows: Sequence[ItemRow], errors: list[RowError], *, dry_run: bool
) -> ImportReport:
    report = ImportReport(dry_run, len(rows) + len({e.line for e in errors if e.line > 1}), errors)
    skus = [r.sku for r in rows]
    taken = set(await session.scalars(select(Item.sku).where(Item.sku == any_(_texts(skus)))))
    barcodes = [r.barcode for r in rows if r.barcode]
    used = set(
        await session.scalars(select(Item.barcode).where(Item.barcode == any_(_texts(barcodes))))
    )
    for row in rows:
        if row.sku in taken:
            report.errors.append(RowError(row.line, "sku", f"{row.sku} already exists"))
        if row.barcode in used:
            report.errors.append(RowError(row.line, "barcode", f"{row.barcode} is already used"))
    report.errors.sort(key=lambda e: (e.line, e.field or ""))
    if report.valid and not dry_run:
        session.add_all(
            Item(
                sku=r.sku,
                name=r.name,
                item_type=r.item_type.value,
                category=r.category,
                unit_of_measure=r.unit_of_measure,
                min_stock_level=r.min_stock_level,
                max_stock_level=r.max_stock_level,
                reorder_point=r.reorder_point,
                barcode=r.barcode,
                description=r.description,
                unit_cost=r.unit_cost,
            )
            for r in rows
        )
        await session.flush()
        report.written = len(rows)
    return report


async def import_stock(
    session: AsyncSession,
    rows: Sequence[StockRow],
    errors: list[RowError],
    *,
    actor: str | None,
    dry_run: bool,
) -> ImportReport:
    """Opening stock: each row is a receipt into the named bin (or the receiving bin)."""
    report = ImportReport(dry_run, len(rows) + len({e.line for e in errors if e.line > 1}), errors)
    items = dict(
        (
            await session.execute(
                select(Item.sku, Item.id).where(Item.sku == any_(_texts({r.sku for r in rows})))
            )
        ).all()
    )
    warehouses = dict(
        (
            await session.execute(
                select(Warehouse.code, Warehouse.id).where(
                    Warehouse.code == any_(_texts({r.warehouse_code for r in rows}))
                )
            )
        ).all()
    )
    bins = {
        (w, code): b
        for w, code, b in await session.execute(
            select(Bin.warehouse_id, Bin.code, Bin.id).where(
                Bin.warehouse_id.in_(warehouses.values())
            )
        )
    }
    resolved: list[tuple[StockRow, LedgerEntry]] = []
    for row in rows:
        item, warehouse = items.get(row.sku), warehouses.get(row.warehouse_code)
        if item is None:
            report.errors.append(RowError(row.line, "sku", f"no item has SKU {row.sku}"))
        if warehouse is None:
            report.errors.append(
                RowError(row.line, "warehouse_code", f"no warehouse {row.warehouse_code}")
            )
        bin_id = bins.get((warehouse, row.bin_code)) if row.bin_code and warehouse else None
        if row.bin_code and warehouse and bin_id is None:
            report.errors.append(
                RowError(row.line, "bin_code", f"no bin {row.bin_code} in {row.warehouse_code}")
            )
        if item and warehouse:
            resolved.append(
                (
                    row,
                    LedgerEntry(
                        item_id=item,
                        warehouse_id=warehouse,
                        movement_type=MovementType.RECEIPT,
                        delta=row.quantity,
                        bin_id=bin_id,
                        reason=f"opening stock (import, line {row.line})",
                        actor=actor,
                    ),
                )
            )
    report.errors.sort(key=lambda e: (e.line, e.field or ""))
    if report.valid and not dry_run:
        for _, entry in sorted(resolved, key=lambda r: (r[1].item_id, r[1].warehouse_id)):
            await post_movement(session, entry)
        report.written = len(resolved)
    return report


def _texts(values: Iterable[str]) -> ColumnElement[list[str]]:
    """Many values as one array parameter: a file may have more rows than a statement may
    have parameters (65,535)."""
    return literal(sorted(set(values)), ARRAY(String()))


# A cell a spreadsheet would run as a formula; written with a leading apostrophe instead.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def csv_line(values: Sequence[object]) -> str:
    """One row; text that starts like a formula is neutralised (CSV injection)."""
    out = io.StringIO()
    csv.writer(out).writerow([_cell(v) for v in values])
    return out.getvalue()


async def items_csv(session: AsyncSession) -> AsyncIterator[str]:
    columns = [
        "sku", "name", "item_type", "category", "unit_of_measure", "min_stock_level",
        "max_stock_level", "reorder_point", "barcode", "description", "unit_cost", "is_active",
    ]  # fmt: skip
    yield csv_line(columns)
    for item in await session.scalars(select(Item).order_by(Item.sku)):
        yield csv_line([getattr(item, c) for c in columns])


async def stock_csv(session: AsyncSession) -> AsyncIterator[str]:
    yield csv_line(
        ["sku", "warehouse_code", "bin_code", "on_hand", "warehouse_on_hand", "reserved"]
    )
    rows = await session.execute(
        select(
            Item.sku,
            Warehouse.code,
            Bin.code,
            BinStock.on_hand,
            StockLevel.on_hand,
            StockLevel.reserved,
        )
        .join(Item, Item.id == BinStock.item_id)
        .join(Bin, Bin.id == BinStock.bin_id)
        .join(Warehouse, Warehouse.id == BinStock.warehouse_id)
        .join(
            StockLevel,
            (StockLevel.item_id == BinStock.item_id)
            & (StockLevel.warehouse_id == BinStock.warehouse_id),
        )
        .where(BinStock.on_hand > 0)
        .order_by(Item.sku, Warehouse.code, Bin.code)
    )
    for row in rows:
        yield csv_line(list(row))


async def movements_csv(session: AsyncSession, query: Select[StockMovement]) -> AsyncIterator[str]:
    yield csv_line(
        ["id", "created_at", "movement_type", "sku", "warehouse_code", "bin_code", "delta",
         "reason_code", "reason", "actor", "order_id", "purchase_order_id", "operation_id"]
    )  # fmt: skip
    sub = query.subquery()
    rows = await session.execute(
        select(
            sub.c.id,
            sub.c.created_at,
            sub.c.movement_type,
            Item.sku,
            Warehouse.code,
            Bin.code,
            sub.c.delta,
            sub.c.reason_code,
            sub.c.reason,
            sub.c.actor,
            sub.c.order_id,
            sub.c.purchase_order_id,
            sub.c.operation_id,
        )
        .join(Item, Item.id == sub.c.item_id)
        .join(Warehouse, Warehouse.id == sub.c.warehouse_id)
        .join(Bin, Bin.id == sub.c.bin_id)
        .order_by(sub.c.id.desc())
    )
    for row in rows:
        yield csv_line(list(row))
