"""The shop floor's resources: people with their skills, equipment, and what each stage needs."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from persistence.tables.base import Base, created_at, uuid_pk


class Worker(Base):
    __tablename__ = "workers"

    id: Mapped[uuid.UUID] = uuid_pk()
    name: Mapped[str] = mapped_column(String(200))
    user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"), unique=True)
    working_hours: Mapped[str] = mapped_column(String(200), default="")
    available: Mapped[bool] = mapped_column(Boolean, default=True)  # today: not ill, not away
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = created_at()


class WorkerSkill(Base):
    __tablename__ = "worker_skills"

    worker_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("workers.id", ondelete="CASCADE"), primary_key=True
    )
    stage: Mapped[str] = mapped_column(String(24), primary_key=True)
    level: Mapped[int] = mapped_column(Integer)  # 1 learning .. 5 teaches it

    __table_args__ = (CheckConstraint("level BETWEEN 1 AND 5", name="level_in_range"),)


class Equipment(Base):
    """A soldering station, a test rig, a flashing jig: available, in use by an order's stage,
    or in maintenance."""

    __tablename__ = "equipment"

    id: Mapped[uuid.UUID] = uuid_pk()
    name: Mapped[str] = mapped_column(String(200), unique=True)
    equipment_type: Mapped[str] = mapped_column(String(64), index=True)
    stage: Mapped[str] = mapped_column(String(24))
    station: Mapped[str | None] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(16), default="available")
    held_by_order_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("orders.id"))
    held_for_stage: Mapped[str | None] = mapped_column(String(24))
    held_since: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = created_at()

    __table_args__ = (
        CheckConstraint("status IN ('available', 'in_use', 'maintenance')", name="status_known"),
        CheckConstraint(
            "(status = 'in_use') = (held_by_order_id IS NOT NULL)", name="held_when_in_use"
        ),
    )


class StageRequirement(Base):
    """What a stage needs: a skill level, a kind of equipment, and how long it should take."""

    __tablename__ = "stage_requirements"

    stage: Mapped[str] = mapped_column(String(24), primary_key=True)
    min_skill_level: Mapped[int] = mapped_column(Integer, default=1)
    equipment_type: Mapped[str | None] = mapped_column(String(64))
    target_minutes: Mapped[int] = mapped_column(Integer)


class ProductStageTarget(Base):
    """A product's own target duration for a stage (the stage's default otherwise)."""

    __tablename__ = "product_stage_targets"

    product_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("products.id"), primary_key=True)
    stage: Mapped[str] = mapped_column(String(24), primary_key=True)
    target_minutes: Mapped[int] = mapped_column(Integer)
