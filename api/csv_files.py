"""CSV answers: a file to download, one line per row, text that starts like a formula
neutralised (see `services.inventory.inventory_csv.csv_line`)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from fastapi import Response
from pydantic import BaseModel

from services.inventory.inventory_csv import csv_line


def csv_response(name: str, lines: Iterable[str]) -> Response:
    return Response(
        "".join(lines),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def table_csv(name: str, rows: Sequence[BaseModel], model: type[BaseModel]) -> Response:
    """The rows of a table the API also answers as JSON, a column per field (lists joined
    with spaces)."""
    columns = list(model.model_fields)
    lines = [csv_line(columns)]
    for row in rows:
        values = row.model_dump(mode="json")
        lines.append(
            csv_line(
                [
                    " ".join(map(str, v)) if isinstance(v, list) else v
                    for v in map(values.get, columns)
                ]
            )
        )
    return csv_response(name, lines)
