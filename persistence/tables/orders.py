"""Customer orders: the projection the workflows write, their frozen needs and stage passes."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    false,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from persistence.tables.base import Base, created_at, uuid_pk


class Order(Base):
    """A customer order. The workflow owns its progress; this row is the projection for lists."""

    __tablename__ = "orders"

    id: Mapped[uuid.UUID] = uuid_pk()
    number: Mapped[str] = mapped_column(String(32), unique=True)
    workflow_id: Mapped[str] = mapped_column(String(64), unique=True)
    product_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("products.id"))
    warehouse_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("warehouses.id"))
    quantity: Mapped[int] = mapped_column(Integer)
    customer: Mapped[str] = mapped_column(String(200))
    priority: Mapped[str] = mapped_column(String(16))
    due_date: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(24), default="pending")
    stage: Mapped[str | None] = mapped_column(String(24), default="design")
    rework_count: Mapped[int] = mapped_column(Integer, default=0)
    waiting_for_stock: Mapped[bool] = mapped_column(Boolean, default=False)
    on_hold: Mapped[bool] = mapped_column(Boolean, default=False)
    hold_reason: Mapped[str | None] = mapped_column(Text)
    at_risk: Mapped[bool] = mapped_column(Boolean, default=False)  # cannot meet its due date
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    # The client's Idempotency-Key, scoped by who sent it ("<user id>:<key>"), and a digest of
    # the request it came with: a repeat returns this order, the key with another body is a 422.
    idempotency_key: Mapped[str | None] = mapped_column(String(240), unique=True)
    request_digest: Mapped[str | None] = mapped_column(String(64))
    created_by: Mapped[str | None] = mapped_column(String(200))
    version: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = created_at()
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )
    completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # When the planners were told it passed its due date unfinished (the hourly watch).
    past_due_told_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        Index("ix_orders_status_stage", "status", "stage"),
        Index("ix_orders_completed_at", "completed_at"),  # analytics: shipped in a period
    )


class OrderRequirement(Base):
    """The order's bill of materials, exploded and frozen when the order is registered."""

    __tablename__ = "order_requirements"

    order_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("orders.id"), primary_key=True)
    item_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("items.id"), primary_key=True)
    quantity: Mapped[int] = mapped_column(Integer)


class OrderStageRecord(Base):
    """One pass of an order through a stage (rework adds further passes)."""

    __tablename__ = "order_stages"

    order_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("orders.id"), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    stage: Mapped[str] = mapped_column(String(24))
    status: Mapped[str] = mapped_column(String(24))
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    worker: Mapped[str | None] = mapped_column(String(200))
    completed_by: Mapped[str | None] = mapped_column(String(320))  # the signed-in user
    notes: Mapped[str | None] = mapped_column(Text)
    passed: Mapped[bool | None] = mapped_column(Boolean)
    # Started by a worker (optional): the work time is completed - work started; the queue
    # time is work started (or completed) - started.
    work_started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    started_by: Mapped[str | None] = mapped_column(String(200))
    started_worker_id: Mapped[uuid.UUID | None] = mapped_column()  # who `started_by` names
    equipment: Mapped[str | None] = mapped_column(String(200))
    due_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))  # the target
    escalated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # A rework pass: the failed inspection and the required items it failed on.
    rework_from: Mapped[str | None] = mapped_column(String(24))
    rework_inspection: Mapped[int | None] = mapped_column(Integer)
    rework_items: Mapped[list[str]] = mapped_column(
        JSONB, default=list, server_default=text("'[]'::jsonb")
    )
    # A digest of the completion request that closed this pass: a repeat of it joins, another
    # one is told what was recorded.
    request_digest: Mapped[str | None] = mapped_column(String(64))
    # Kept by the database (migration 0011) for the production figures: the order's units and
    # the stage's target for them (seconds) in force when the pass began, and whether the
    # order came back to the stage after it (then its units were not right the first time).
    units: Mapped[int | None] = mapped_column(Integer)
    target_seconds: Mapped[Decimal | None] = mapped_column(Numeric)
    sent_back: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    __table_args__ = (Index("ix_order_stages_completed_at", "completed_at"),)  # per period


class EquipmentDay(Base):
    """A piece of equipment's finished work on one day (UTC), summed from its stage passes by a
    trigger on `order_stages` (migration 0011): a year of OEE reads a row a day, not a pass."""

    __tablename__ = "equipment_days"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    equipment: Mapped[str] = mapped_column(String(200), primary_key=True)
    run_seconds: Mapped[Decimal] = mapped_column(Numeric)  # exact: added and taken back
    target_seconds: Mapped[Decimal] = mapped_column(Numeric)
    units: Mapped[int] = mapped_column(Integer)
    right_first_time: Mapped[int] = mapped_column(Integer)


class WorkerDay(Base):
    """A worker's finished work on one day (UTC), summed like `EquipmentDay`."""

    __tablename__ = "worker_days"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    worker_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    busy_seconds: Mapped[Decimal] = mapped_column(Numeric)
    passes: Mapped[int] = mapped_column(Integer)


class OrderEscalation(Base):
    """Something the planner should know: a stage past its target, a due date out of reach,
    the rework limit reached."""

    __tablename__ = "order_escalations"

    order_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("orders.id"), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    stage: Mapped[str | None] = mapped_column(String(24))
    detail: Mapped[str] = mapped_column(Text)
    raised_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Unit(Base):
    """One finished keyboard, numbered at assembly; inspections and the shipment refer to it."""

    __tablename__ = "units"

    serial: Mapped[str] = mapped_column(String(64), primary_key=True)
    order_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("orders.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = created_at()
    shipped_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    __table_args__ = (UniqueConstraint("order_id", "position"),)
