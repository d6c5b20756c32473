"""How lists are searched: a case-insensitive substring of any of the named columns, with `%`
and `_` taken literally (a search for "%" finds a percent sign, not everything)."""

from __future__ import annotations

from sqlalchemy import ColumnElement, func, or_
from sqlalchemy.orm import InstrumentedAttribute


def mentions(
    text: str, *columns: InstrumentedAttribute[str] | InstrumentedAttribute[str | None]
) -> ColumnElement[bool]:
    needle = text.lower()
    return or_(*(func.lower(column).contains(needle, autoescape=True) for column in columns))
