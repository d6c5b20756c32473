"""Quality control: checklist templates per stage (and product), and the inspections made."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from persistence.tables.base import Base, created_at, uuid_pk


class QcTemplate(Base):
    __tablename__ = "qc_templates"

    id: Mapped[uuid.UUID] = uuid_pk()
    stage: Mapped[str] = mapped_column(String(24))
    product_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("products.id"))
    name: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_by: Mapped[str | None] = mapped_column(String(320))
    created_at: Mapped[datetime] = created_at()

    __table_args__ = (
        CheckConstraint("stage IN ('testing', 'qc')", name="stage_inspected"),
        # One active template per stage and product (and one per stage for every product).
        Index(
            "uq_qc_templates_active",
            "stage",
            text("coalesce(product_id, '00000000-0000-0000-0000-000000000000'::uuid)"),
            unique=True,
            postgresql_where=text("active"),
        ),
    )


class QcTemplateItem(Base):
    __tablename__ = "qc_template_items"

    id: Mapped[uuid.UUID] = uuid_pk()
    template_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("qc_templates.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    description: Mapped[str] = mapped_column(Text)
    required: Mapped[bool] = mapped_column(Boolean, default=True)
    kind: Mapped[str] = mapped_column(String(16))
    min_value: Mapped[Decimal | None] = mapped_column(Numeric(14, 4))
    max_value: Mapped[Decimal | None] = mapped_column(Numeric(14, 4))
    unit: Mapped[str | None] = mapped_column(String(32))

    __table_args__ = (CheckConstraint("kind IN ('PASS_FAIL', 'MEASURE')", name="kind_known"),)


class Inspection(Base):
    """One inspection of an order's units at testing or QC (the workflow writes it)."""

    __tablename__ = "inspections"

    order_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("orders.id"), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    stage: Mapped[str] = mapped_column(String(24))
    stage_seq: Mapped[int] = mapped_column(Integer)  # the stage pass it judged
    template_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("qc_templates.id"))
    status: Mapped[str] = mapped_column(String(16))  # passed | failed
    inspector: Mapped[str | None] = mapped_column(String(320))
    worker: Mapped[str | None] = mapped_column(String(200))
    serials: Mapped[str] = mapped_column(Text, default="")  # the units inspected, comma-separated
    completed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (Index("ix_inspections_completed_at", "completed_at"),)  # per period


class InspectionResult(Base):
    __tablename__ = "inspection_results"

    order_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    inspection_seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[uuid.UUID | None] = mapped_column()
    description: Mapped[str] = mapped_column(Text)
    required: Mapped[bool] = mapped_column(Boolean)
    kind: Mapped[str] = mapped_column(String(16))
    passed: Mapped[bool | None] = mapped_column(Boolean)
    value: Mapped[Decimal | None] = mapped_column(Numeric(14, 4))
    unit: Mapped[str | None] = mapped_column(String(32))
    ok: Mapped[bool] = mapped_column(Boolean)
    comment: Mapped[str | None] = mapped_column(Text)
