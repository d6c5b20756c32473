"""Proof that stock is right: every level agrees with its ledger, every bin with its ledger,
every warehouse level with its bins, reserved with the open reservations, quarantined with
the quarantine bins, and nothing is negative or reserved beyond what can be picked.
`zhuchka check-stock` and the deep health check run it."""

from __future__ import annotations

import asyncio
import time
import uuid
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from persistence.database import SessionFactory

_CHECKS = {
    "on hand differs from the ledger": """
        SELECT coalesce(s.item_id, l.item_id) AS item_id,
               coalesce(s.warehouse_id, l.warehouse_id) AS warehouse_id, NULL::uuid AS bin_id,
               coalesce(l.total, 0) AS expected, coalesce(s.on_hand, 0) AS actual
        FROM stock_levels s
        FULL JOIN (SELECT item_id, warehouse_id, sum(delta) AS total FROM stock_movements
                   GROUP BY item_id, warehouse_id) l
          ON l.item_id = s.item_id AND l.warehouse_id = s.warehouse_id
        WHERE coalesce(s.on_hand, 0) <> coalesce(l.total, 0)
    """,
    "a bin differs from the ledger": """
        SELECT coalesce(b.item_id, l.item_id), coalesce(b.warehouse_id, l.warehouse_id),
               coalesce(b.bin_id, l.bin_id), coalesce(l.total, 0), coalesce(b.on_hand, 0)
        FROM bin_stock b
        FULL JOIN (SELECT item_id, warehouse_id, bin_id, sum(delta) AS total FROM stock_movements
                   GROUP BY item_id, warehouse_id, bin_id) l
          ON l.item_id = b.item_id AND l.bin_id = b.bin_id
        WHERE coalesce(b.on_hand, 0) <> coalesce(l.total, 0)
    """,
    "on hand differs from the sum of its bins": """
        SELECT s.item_id, s.warehouse_id, NULL::uuid, coalesce(sum(b.on_hand), 0), s.on_hand
        FROM stock_levels s
        LEFT JOIN bin_stock b ON b.item_id = s.item_id AND b.warehouse_id = s.warehouse_id
        GROUP BY s.item_id, s.warehouse_id, s.on_hand
        HAVING s.on_hand <> coalesce(sum(b.on_hand), 0)
    """,
    "reserved differs from the open reservations": """
        SELECT s.item_id, s.warehouse_id, NULL::uuid, coalesce(sum(r.quantity), 0), s.reserved
        FROM stock_levels s
        LEFT JOIN reservations r ON r.item_id = s.item_id AND r.warehouse_id = s.warehouse_id
             AND r.status = 'reserved'
        GROUP BY s.item_id, s.warehouse_id, s.reserved
        HAVING s.reserved <> coalesce(sum(r.quantity), 0)
    """,
    "quarantined differs from the quarantine bins": """
        SELECT s.item_id, s.warehouse_id, NULL::uuid, coalesce(sum(b.on_hand), 0), s.quarantined
        FROM stock_levels s
        LEFT JOIN (bin_stock b JOIN bins ON bins.id = b.bin_id
                   JOIN zones z ON z.id = bins.zone_id AND z.zone_type = 'QUARANTINE')
          ON b.item_id = s.item_id AND b.warehouse_id = s.warehouse_id
        GROUP BY s.item_id, s.warehouse_id, s.quarantined
        HAVING s.quarantined <> coalesce(sum(b.on_hand), 0)
    """,
    "negative or over-reserved": """
        SELECT item_id, warehouse_id, NULL::uuid, 0,
               least(on_hand, on_hand - reserved - quarantined, reserved, quarantined)
        FROM stock_levels
        WHERE on_hand < 0 OR reserved < 0 OR quarantined < 0
           OR reserved + quarantined > on_hand
        UNION ALL
        SELECT item_id, warehouse_id, bin_id, 0, on_hand FROM bin_stock WHERE on_hand < 0
    """,
}


@dataclass(frozen=True)
class Problem:
    check: str
    item_id: uuid.UUID
    warehouse_id: uuid.UUID
    bin_id: uuid.UUID | None
    expected: int
    actual: int

    def __str__(self) -> str:
        where = f"item {self.item_id} in warehouse {self.warehouse_id}"
        if self.bin_id:
            where += f", bin {self.bin_id}"
        return f"{self.check}: {where}: expected {self.expected}, found {self.actual}"


@dataclass(frozen=True)
class Audit:
    problems: list[Problem]
    levels: int
    bins: int
    movements: int

    @property
    def consistent(self) -> bool:
        return not self.problems


async def audit_stock(sessions: SessionFactory) -> Audit:
    """Run every check in one snapshot (a REPEATABLE READ transaction of its own), so a busy
    system is judged whole."""
    async with sessions() as session:
        await session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
        return await _audit(session)


async def _audit(session: AsyncSession) -> Audit:
    problems = [
        Problem(check, *row)
        for check, sql in _CHECKS.items()
        for row in (await session.execute(text(sql))).all()
    ]
    counts = (
        await session.execute(
            text(
                "SELECT (SELECT count(*) FROM stock_levels), (SELECT count(*) FROM bin_stock),"
                " (SELECT count(*) FROM stock_movements)"
            )
        )
    ).one()
    return Audit(problems, *counts)


class RecentAudit:
    """An audit at most `ttl` seconds old. One runs at a time, and callers meanwhile share it
    (the audit reads every level and the whole ledger). A caller that stops waiting (a timeout)
    does not stop the audit: the next caller gets its verdict."""

    def __init__(self, sessions: SessionFactory, *, ttl: float) -> None:
        self._sessions = sessions
        self._ttl = ttl
        self._running: asyncio.Task[Audit] | None = None
        self._last: Audit | None = None
        self._at = 0.0
        self.runs = 0  # audits actually run

    async def get(self) -> Audit:
        if self._last is not None and time.monotonic() - self._at <= self._ttl:
            return self._last
        if self._running is None:
            self._running = asyncio.create_task(self._audit())
        return await asyncio.shield(self._running)

    async def _audit(self) -> Audit:
        try:
            self.runs += 1
            self._last = await audit_stock(self._sessions)
            self._at = time.monotonic()
            return self._last
        finally:
            self._running = None
