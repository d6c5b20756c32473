"""The shop floor's resources: people with their skills, equipment, when each is planned to
work (calendars), and what each stage needs."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    Time,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from persistence.tables.base import Base, created_at, uuid_pk


class Calendar(Base):
    """When someone or something is planned to work: a week of shifts in a time zone, and
    exceptions. Workers and equipment without one of their own follow the plant's default."""

    __tablename__ = "work_calendars"

    id: Mapped[uuid.UUID] = uuid_pk()
    name: Mapped[str] = mapped_column(String(100), unique=True)
    zone: Mapped[str] = mapped_column(String(64))
    is_default: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = created_at()

    __table_args__ = (
        Index(
            "one_default_calendar", "is_default", unique=True, postgresql_where=text("is_default")
        ),
    )


class CalendarShift(Base):
    """A shift on a weekday (0 Monday): wall-clock times; an end not after the start is the
    next day's. In force from `valid_from` to before `valid_until` (days in the calendar's
    zone; open when none): a changed week ends the old shifts and starts the new ones on the
    day of the change, so the past's planned time stays as it was."""

    __tablename__ = "calendar_shifts"

    id: Mapped[uuid.UUID] = uuid_pk()
    calendar_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("work_calendars.id", ondelete="CASCADE"), index=True
    )
    weekday: Mapped[int] = mapped_column(Integer)
    starts: Mapped[time] = mapped_column(Time)
    ends: Mapped[time] = mapped_column(Time)
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_until: Mapped[date | None] = mapped_column(Date)

    __table_args__ = (
        CheckConstraint("weekday BETWEEN 0 AND 6", name="weekday_in_range"),
        CheckConstraint("valid_until > valid_from", name="valid_forwards"),
    )


class CalendarException(Base):
    """A span of real time closed (a holiday, maintenance) or worked besides the shifts."""

    __tablename__ = "calendar_exceptions"

    id: Mapped[uuid.UUID] = uuid_pk()
    calendar_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("work_calendars.id", ondelete="CASCADE"), index=True
    )
    starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ends_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    working: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str] = mapped_column(String(200), default="")

    __table_args__ = (CheckConstraint("ends_at > starts_at", name="ends_after_start"),)


class Worker(Base):
    __tablename__ = "workers"

    id: Mapped[uuid.UUID] = uuid_pk()
    name: Mapped[str] = mapped_column(String(200))
    user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"), unique=True)
    calendar_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("work_calendars.id"))
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
    calendar_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("work_calendars.id"))
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
