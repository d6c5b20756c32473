"""Inventory analytics over a period, from the ledger: per item what was consumed and what was
held on average, turnover, days of supply, ABC and XYZ classes; per category; the ABC-XYZ
matrix. The SQL gathers sums; `domain.analytics` says what they mean."""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from pydantic import BaseModel
from sqlalchemy import func, or_, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from domain import analytics
from persistence.database import room_to_sort
from persistence.tables import Item, StockLevel, StockMovement
from services.inventory.inventory_reports import unit_values

WEEK = timedelta(weeks=1)

# Per item over [since, until): on hand at both ends of the period (now, less what moved since)
# and the average held, weighted by how long each balance stood: the opening balance plus each
# movement's delta for the time from it to the end of the period (no running totals needed:
# the sum of balance x duration regroups by movement). Then the units issued (consumption).
_PER_ITEM = text(
    """
    WITH
    now_held AS (
        SELECT item_id, sum(on_hand) AS qty FROM stock_levels GROUP BY item_id
    ),
    moved AS (
        SELECT item_id, sum(delta) AS delta,
               sum(delta * extract(epoch FROM CAST(:until AS timestamptz) - created_at))
                   AS delta_seconds,
               coalesce(sum(quantity) FILTER (WHERE movement_type = 'ISSUE'), 0) AS issued
        FROM stock_movements WHERE created_at >= :since AND created_at < :until
        GROUP BY item_id
    ),
    later AS (
        SELECT item_id, sum(delta) AS delta FROM stock_movements WHERE created_at >= :until
        GROUP BY item_id
    )
    SELECT n.item_id,
           n.qty - coalesce(l.delta, 0) AS closing,
           n.qty - coalesce(l.delta, 0) - coalesce(m.delta, 0)
               + coalesce(m.delta_seconds, 0)
                 / extract(epoch FROM CAST(:until AS timestamptz) - CAST(:since AS timestamptz))
               AS average_held,
           coalesce(m.issued, 0) AS issued
    FROM now_held n LEFT JOIN moved m USING (item_id) LEFT JOIN later l USING (item_id)
    """
)
# Units issued per item and whole week of the period, counted from `since` (for XYZ).
_WEEKLY_ISSUES = text(
    """
    SELECT item_id,
           floor(extract(epoch FROM created_at - CAST(:since AS timestamptz)) / 604800)::int,
           sum(quantity)
    FROM stock_movements
    WHERE movement_type = 'ISSUE' AND created_at >= :since AND created_at < :until
    GROUP BY 1, 2
    """
)


class ItemFigures(BaseModel):
    item_id: uuid.UUID
    sku: str
    name: str
    category: str
    item_type: str
    unit_value: Decimal
    consumed: int  # units issued in the period
    consumption_value: Decimal
    average_on_hand: float  # units, weighted by how long each balance stood
    average_value: Decimal
    on_hand: int  # at the end of the period
    turnover: float | None
    days_of_supply: float | None
    abc: analytics.Abc
    xyz: analytics.Xyz
    variation: float | None  # of weekly consumption
    weekly_consumption: list[int]


class CategoryFigures(BaseModel):
    category: str
    items: int
    consumption_value: Decimal
    average_value: Decimal
    turnover: float | None


class InventoryFigures(BaseModel):
    since: datetime
    until: datetime
    weeks: int  # whole weeks in the period (XYZ looks at these)
    items: list[ItemFigures]  # by consumption value, largest first
    categories: list[CategoryFigures]
    matrix: dict[str, int]  # items in each ABC-XYZ cell, AX ... CZ


@dataclass(frozen=True)
class Classes:
    abc: analytics.AbcThresholds
    xyz: analytics.XyzThresholds


async def inventory_figures(
    session: AsyncSession, since: datetime, until: datetime, classes: Classes
) -> InventoryFigures:
    await room_to_sort(session)
    weeks = int((until - since) / WEEK)
    worth = unit_values()
    items = {
        row.item_id: row
        for row in await session.execute(
            select(
                worth.c.item_id, worth.c.value, Item.sku, Item.name, Item.category, Item.item_type
            ).join(Item, Item.id == worth.c.item_id)
        )
    }
    period = {"since": since, "until": until}
    weekly_issues: dict[uuid.UUID, list[int]] = {}
    for item_id, week, quantity in await session.execute(_WEEKLY_ISSUES, period):
        if week < weeks:
            weekly_issues.setdefault(item_id, [0] * weeks)[week] = int(quantity)
    rows = (await session.execute(_PER_ITEM, period)).all()
    worth_of = {row.item_id: Decimal(items[row.item_id].value) for row in rows}
    abc = analytics.abc_classes(
        {row.item_id: worth_of[row.item_id] * int(row.issued) for row in rows}, classes.abc
    )
    figures: list[ItemFigures] = []
    for row in rows:
        item, value = items[row.item_id], worth_of[row.item_id]
        weekly = weekly_issues.get(row.item_id, [0] * weeks)
        average = float(row.average_held)
        figures.append(
            ItemFigures(
                item_id=row.item_id,
                sku=item.sku,
                name=item.name,
                category=item.category,
                item_type=item.item_type,
                unit_value=value,
                consumed=int(row.issued),
                consumption_value=value * int(row.issued),
                average_on_hand=round(average, 3),
                average_value=(value * Decimal(average)).quantize(Decimal("0.01")),
                on_hand=row.closing,
                turnover=analytics.turnover(value * row.issued, value * Decimal(average)),
                days_of_supply=analytics.days_of_supply(
                    Decimal(row.closing), Decimal(row.issued), (until - since).days
                ),
                abc=abc[row.item_id],
                xyz=analytics.xyz_class(weekly, classes.xyz),
                variation=analytics.variation(weekly),
                weekly_consumption=weekly,
            )
        )
    figures.sort(key=lambda f: (-f.consumption_value, f.sku))
    return InventoryFigures(
        since=since,
        until=until,
        weeks=weeks,
        items=figures,
        categories=_by_category(figures),
        matrix=analytics.abc_xyz_matrix((f.abc, f.xyz) for f in figures),
    )


def _by_category(figures: list[ItemFigures]) -> list[CategoryFigures]:
    groups: dict[str, list[ItemFigures]] = defaultdict(list)
    for f in figures:
        groups[f.category].append(f)
    categories = []
    for category, members in sorted(groups.items()):
        consumed = sum((f.consumption_value for f in members), Decimal(0))
        held = sum((f.average_value for f in members), Decimal(0))
        categories.append(
            CategoryFigures(
                category=category,
                items=len(members),
                consumption_value=consumed,
                average_value=held,
                turnover=analytics.turnover(consumed, held),
            )
        )
    return categories


class DeadStock(BaseModel):
    item_id: uuid.UUID
    sku: str
    name: str
    on_hand: int
    value: Decimal
    last_movement_at: datetime | None


async def dead_stock(session: AsyncSession, since: datetime) -> list[DeadStock]:
    """Items held (on hand > 0) that have not moved since `since`, largest value first."""
    worth = unit_values()
    last = (
        select(StockMovement.created_at)
        .where(StockMovement.item_id == Item.id)
        .order_by(StockMovement.created_at.desc())
        .limit(1)
        .scalar_subquery()
    )
    held = func.sum(StockLevel.on_hand)
    rows = await session.execute(
        select(Item.id, Item.sku, Item.name, held, worth.c.value, last.label("last"))
        .join(StockLevel, StockLevel.item_id == Item.id)
        .join(worth, worth.c.item_id == Item.id)
        .group_by(Item.id, worth.c.value)
        .having(held > 0)
        .having(or_(last.is_(None), last < since))
    )
    found = [
        DeadStock(
            item_id=i,
            sku=sku,
            name=name,
            on_hand=on_hand,
            value=Decimal(value) * on_hand,
            last_movement_at=moved,
        )
        for i, sku, name, on_hand, value, moved in rows
    ]
    return sorted(found, key=lambda d: (-d.value, d.sku))
