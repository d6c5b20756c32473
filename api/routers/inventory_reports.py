"""Inventory analytics, and the CSV import and export of items, stock and movements."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import Select

from api.auth.access import Principal, requires
from api.csv_files import csv_response
from api.deps import SessionDep
from api.queries.stock import movements_query
from domain.access import Action
from domain.errors import InvalidInput
from domain.inventory_import import parse_items, parse_stock
from persistence.tables import StockMovement
from services.inventory import inventory_csv, inventory_reports

router = APIRouter()
READ = requires(Action.READ)
CatalogueKeeper = Annotated[Principal, requires(Action.MANAGE_CATALOGUE)]
Storekeeper = Annotated[Principal, requires(Action.MOVE_STOCK)]
CSV_BODY = {
    "requestBody": {
        "content": {"text/csv": {"schema": {"type": "string"}}},
        "required": True,
    }
}


class RowErrorOut(BaseModel):
    line: int
    field: str | None
    reason: str


class ImportOut(BaseModel):
    dry_run: bool
    valid: bool
    rows: int
    written: int
    errors: list[RowErrorOut]


@router.get("/analytics/low-stock", dependencies=[READ])
async def low_stock(
    session: SessionDep, warehouse_id: uuid.UUID | None = None
) -> list[inventory_reports.LowStock]:
    """Active items whose available stock is below their minimum or reorder point, with what
    is on open purchase orders (`shortfall` <= 0: what is ordered covers it)."""
    return await inventory_reports.low_stock(session, warehouse_id)


@router.get("/analytics/summary", dependencies=[READ])
async def summary(session: SessionDep) -> inventory_reports.Summary:
    """Counts, units and value of stock, in total, by item type and by warehouse."""
    return await inventory_reports.summary(session)


def _answer(report: inventory_csv.ImportReport) -> Response:
    body = ImportOut(
        dry_run=report.dry_run,
        valid=report.valid,
        rows=report.rows,
        written=report.written,
        errors=[RowErrorOut(**vars(e)) for e in report.errors],
    )
    return JSONResponse(body.model_dump(mode="json"), status_code=200 if report.valid else 422)


async def _text(request: Request) -> str:
    raw = await request.body()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput("the file is not UTF-8 text") from None


_BAD_ROWS: dict[int | str, dict[str, Any]] = {
    422: {"model": ImportOut, "description": "Some rows are bad: each with its line"}
}


@router.post("/import/items", openapi_extra=CSV_BODY, response_model=ImportOut, responses=_BAD_ROWS)
async def import_items(
    request: Request, session: SessionDep, _: CatalogueKeeper, dry_run: bool = True
) -> Response:
    """Items from CSV (columns: sku, name, item_type, category, and optionally unit_of_measure,
    min_stock_level, max_stock_level, reorder_point, barcode, description, unit_cost). Every
    bad row is reported with its line; nothing is written unless all rows are good (422)."""
    rows, errors = parse_items(await _text(request))
    return _answer(await inventory_csv.import_items(session, rows, errors, dry_run=dry_run))


@router.post("/import/stock", openapi_extra=CSV_BODY, response_model=ImportOut, responses=_BAD_ROWS)
async def import_stock(
    request: Request, session: SessionDep, user: Storekeeper, dry_run: bool = True
) -> Response:
    """Opening stock from CSV (columns: sku, warehouse_code, quantity, and optionally
    bin_code): one receipt per row, all or nothing."""
    rows, errors = parse_stock(await _text(request))
    return _answer(
        await inventory_csv.import_stock(session, rows, errors, actor=user.email, dry_run=dry_run)
    )


@router.get("/export/items.csv", dependencies=[READ], response_class=Response)
async def export_items(session: SessionDep) -> Response:
    return csv_response("items.csv", [line async for line in inventory_csv.items_csv(session)])


@router.get("/export/stock.csv", dependencies=[READ], response_class=Response)
async def export_stock(session: SessionDep) -> Response:
    """On hand by item, warehouse and bin."""
    return csv_response("stock.csv", [line async for line in inventory_csv.stock_csv(session)])


@router.get("/export/movements.csv", dependencies=[READ], response_class=Response)
async def export_movements(
    session: SessionDep,
    query: Annotated[Select[StockMovement], Depends(movements_query)],
) -> Response:
    """The ledger with the same filters as GET /movements."""
    lines = [line async for line in inventory_csv.movements_csv(session, query)]
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    return csv_response(f"movements-{stamp}.csv", lines)
