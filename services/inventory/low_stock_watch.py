"""Watching for stock going low: an item is told low once when it falls below its minimum or
reorder point, and again only after it has been above it in between. Run by the reorder scan."""

from __future__ import annotations

import hashlib

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from core.settings import Settings
from domain.notifications import LowItem, low_stock_notice, stock_news
from persistence.database import hold_lock
from persistence.tables import LowStockFlag
from services.inventory.inventory_reports import low_stock
from services.notifications.dispatch import Queued, notify


async def watch(session: AsyncSession, settings: Settings) -> Queued:
    """Flag the items newly low and tell storekeepers and buyers of them in one notice; clear
    the flags of the items no longer low."""
    await hold_lock(session, "low-stock-watch")  # two scans at once tell each item once
    low = {entry.item_id: entry for entry in await low_stock(session)}
    flagged = set(await session.scalars(select(LowStockFlag.item_id)))
    newly_low, recovered = stock_news(flagged, low)
    if recovered:
        await session.execute(delete(LowStockFlag).where(LowStockFlag.item_id.in_(recovered)))
    if not newly_low:
        return Queued()
    flagged_at = await session.scalar(
        insert(LowStockFlag)
        .values([{"item_id": item_id} for item_id in sorted(newly_low)])
        .returning(LowStockFlag.flagged_at)
    )
    items = [
        LowItem(e.sku, e.name, e.available, e.min_stock_level, e.reorder_point, e.on_order)
        for e in sorted((low[i] for i in newly_low), key=lambda e: e.sku)
    ]
    # The key names this going low: which items, flagged when.
    named = ",".join(str(i) for i in sorted(newly_low)) + f"@{flagged_at}"
    key = f"low_stock:{hashlib.sha256(named.encode()).hexdigest()[:32]}"
    return await notify(session, settings, low_stock_notice(key, items))
