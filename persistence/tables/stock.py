"""Stock: levels per warehouse and per bin, the ledger, reservations and stocktakes."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    DateTime,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    String,
    Text,
    func,
    text,
)
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.sql import ColumnElement

from domain.stock import StockPosition
from persistence.tables.base import Base, created_at, uuid_pk


class StockLevel(Base):
    """On hand, reserved and quarantined of one item in one warehouse (`domain.stock`);
    reserved = sum of open reservations, quarantined = on hand in quarantine bins."""

    __tablename__ = "stock_levels"

    item_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("items.id"), primary_key=True)
    warehouse_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("warehouses.id"), primary_key=True)
    on_hand: Mapped[int] = mapped_column(Integer, default=0)
    reserved: Mapped[int] = mapped_column(Integer, default=0)
    quarantined: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )

    __table_args__ = (
        CheckConstraint("on_hand >= 0", name="on_hand_non_negative"),
        CheckConstraint("reserved >= 0", name="reserved_non_negative"),
        CheckConstraint("quarantined >= 0", name="quarantined_non_negative"),
        CheckConstraint(
            "reserved + quarantined <= on_hand", name="reserved_and_quarantined_within_on_hand"
        ),
    )

    @hybrid_property
    def available(self) -> int:
        """What may be reserved or issued: `domain.stock.StockPosition.available`."""
        return StockPosition(self.on_hand, self.reserved, self.quarantined).available

    @available.inplace.expression
    @classmethod
    def _available(cls) -> ColumnElement[int]:
        return cls.on_hand - cls.reserved - cls.quarantined


class BinStock(Base):
    """On hand of one item in one bin; the warehouse's on hand is the sum over its bins."""

    __tablename__ = "bin_stock"

    item_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("items.id"), primary_key=True)
    bin_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("bins.id"), primary_key=True)
    warehouse_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("warehouses.id"))
    on_hand: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = (
        CheckConstraint("on_hand >= 0", name="on_hand_non_negative"),
        Index("ix_bin_stock_item_warehouse", "item_id", "warehouse_id"),
    )


class StockMovement(Base):
    """The ledger: append-only (a trigger refuses UPDATE and DELETE). on hand = sum(delta)."""

    __tablename__ = "stock_movements"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    item_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("items.id"))
    warehouse_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("warehouses.id"))
    bin_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("bins.id"))
    movement_type: Mapped[str] = mapped_column(String(16))
    reason_code: Mapped[str | None] = mapped_column(String(32))
    # The rows of one operation (the two legs of a transfer, an issue from several bins).
    operation_id: Mapped[uuid.UUID] = mapped_column(default=uuid.uuid4)
    quantity: Mapped[int] = mapped_column(Integer)
    delta: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text, default="")
    order_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("orders.id"))
    purchase_order_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("purchase_orders.id"))
    idempotency_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    # What the client's request said, beside its key: a repeat of it is told from a reuse.
    request_digest: Mapped[str | None] = mapped_column(String(64))
    actor: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = created_at()

    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        Index("ix_stock_movements_item_created", "item_id", "created_at"),
        Index("ix_stock_movements_created", "created_at"),  # analytics: moved in a period
        Index("ix_stock_movements_order", "order_id"),
        Index("ix_stock_movements_bin", "bin_id", "item_id"),
        Index("ix_stock_movements_operation", "operation_id"),
    )


class Reservation(Base):
    """A hard reservation: reserved -> consumed | released. One row per order and item."""

    __tablename__ = "reservations"

    id: Mapped[uuid.UUID] = uuid_pk()
    order_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("orders.id"))
    item_id: Mapped[uuid.UUID] = mapped_column()
    warehouse_id: Mapped[uuid.UUID] = mapped_column()
    quantity: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), default="reserved")
    note: Mapped[str] = mapped_column(Text, default="")
    # A manual reservation's Idempotency-Key (stored hashed and scoped) and request digest.
    idempotency_key: Mapped[str | None] = mapped_column(String(240), unique=True)
    request_digest: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = created_at()
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )

    __table_args__ = (
        ForeignKeyConstraint(
            ["item_id", "warehouse_id"],
            ["stock_levels.item_id", "stock_levels.warehouse_id"],
            name="fk_reservations_stock_level",
        ),
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("status IN ('reserved', 'consumed', 'released')", name="status_known"),
        Index(
            "uq_reservations_order_item",
            "order_id",
            "item_id",
            "warehouse_id",
            unique=True,
            postgresql_where=text("order_id IS NOT NULL"),
        ),
        Index(
            "ix_reservations_open",
            "item_id",
            "warehouse_id",
            postgresql_where=text("status = 'reserved'"),
        ),
        Index("ix_reservations_order", "order_id"),
    )


class Stocktake(Base):
    """A count of a warehouse or one of its zones: open -> posted | cancelled."""

    __tablename__ = "stocktakes"

    id: Mapped[uuid.UUID] = uuid_pk()
    number: Mapped[str] = mapped_column(String(32), unique=True)
    warehouse_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("warehouses.id"))
    zone_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("zones.id"))
    status: Mapped[str] = mapped_column(String(16), default="open")
    note: Mapped[str] = mapped_column(Text, default="")
    opened_by: Mapped[str | None] = mapped_column(String(320))
    opened_at: Mapped[datetime] = created_at()
    closed_by: Mapped[str | None] = mapped_column(String(320))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    __table_args__ = (
        CheckConstraint("status IN ('open', 'posted', 'cancelled')", name="status_known"),
    )


class StocktakeLine(Base):
    """What the system expected in a bin when the count opened, and what was counted."""

    __tablename__ = "stocktake_lines"

    stocktake_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("stocktakes.id", ondelete="CASCADE"), primary_key=True
    )
    item_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("items.id"), primary_key=True)
    bin_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("bins.id"), primary_key=True)
    expected: Mapped[int] = mapped_column(Integer)
    counted: Mapped[int | None] = mapped_column(Integer)
    counted_by: Mapped[str | None] = mapped_column(String(320))
    counted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    adjusted_by: Mapped[int | None] = mapped_column(Integer)  # the posted difference

    __table_args__ = (CheckConstraint("counted >= 0", name="counted_non_negative"),)
