"""work calendars: when workers and equipment are planned to work (a week of shifts in a time
zone, and exceptions), replacing the workers' free-text working hours. A text of the form
`Mon-Fri 08:00-16:30` (days and spans separated by commas or semicolons) becomes a calendar of
that name, in UTC until a planner sets the plant's zone; any other text is dropped, and those
workers follow the plant's default calendar.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07 03:00:00.000000
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from datetime import time

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
_PART = re.compile(
    r"^\s*(?P<first>[a-z]{3})(?:\s*-\s*(?P<last>[a-z]{3}))?\s+"
    r"(?P<start>\d{1,2}):(?P<start_min>\d{2})\s*-\s*(?P<end>\d{1,2}):(?P<end_min>\d{2})\s*$"
)


def upgrade() -> None:
    op.create_table(
        "work_calendars",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("zone", sa.String(length=64), nullable=False),
        sa.Column("is_default", sa.Boolean(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_work_calendars")),
        sa.UniqueConstraint("name", name=op.f("uq_work_calendars_name")),
    )
    op.create_index(
        "one_default_calendar",
        "work_calendars",
        ["is_default"],
        unique=True,
        postgresql_where=sa.text("is_default"),
    )
    op.create_table(
        "calendar_shifts",
        sa.Column("calendar_id", sa.Uuid(), nullable=False),
        sa.Column("weekday", sa.Integer(), nullable=False),
        sa.Column("starts", sa.Time(), nullable=False),
        sa.Column("ends", sa.Time(), nullable=False),
        sa.CheckConstraint(
            "weekday BETWEEN 0 AND 6", name=op.f("ck_calendar_shifts_weekday_in_range")
        ),
        sa.ForeignKeyConstraint(
            ["calendar_id"],
            ["work_calendars.id"],
            name=op.f("fk_calendar_shifts_calendar_id_work_calendars"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "calendar_id", "weekday", "starts", name=op.f("pk_calendar_shifts")
        ),
    )
    op.create_table(
        "calendar_exceptions",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("calendar_id", sa.Uuid(), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("working", sa.Boolean(), nullable=False),
        sa.Column("note", sa.String(length=200), nullable=False),
        sa.CheckConstraint(
            "ends_at > starts_at", name=op.f("ck_calendar_exceptions_ends_after_start")
        ),
        sa.ForeignKeyConstraint(
            ["calendar_id"],
            ["work_calendars.id"],
            name=op.f("fk_calendar_exceptions_calendar_id_work_calendars"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calendar_exceptions")),
    )
    op.create_index(
        op.f("ix_calendar_exceptions_calendar_id"), "calendar_exceptions", ["calendar_id"]
    )
    for table in ("workers", "equipment"):
        op.add_column(table, sa.Column("calendar_id", sa.Uuid(), nullable=True))
        op.create_foreign_key(
            op.f(f"fk_{table}_calendar_id_work_calendars"),
            table,
            "work_calendars",
            ["calendar_id"],
            ["id"],
        )
    _calendars_from_working_hours()
    op.drop_column("workers", "working_hours")


def _calendars_from_working_hours() -> None:
    connection = op.get_bind()
    texts = connection.execute(
        sa.text("SELECT DISTINCT working_hours FROM workers WHERE working_hours <> ''")
    ).scalars()
    for hours in list(texts):
        shifts = _shifts(hours)
        if not shifts:
            continue
        calendar_id = uuid.uuid4()
        connection.execute(
            sa.text(
                "INSERT INTO work_calendars (id, name, zone, is_default) "
                "VALUES (:id, :name, 'UTC', false)"
            ),
            {"id": calendar_id, "name": hours[:100]},
        )
        connection.execute(
            sa.text(
                "INSERT INTO calendar_shifts (calendar_id, weekday, starts, ends) "
                "VALUES (:calendar_id, :weekday, :starts, :ends)"
            ),
            [
                {"calendar_id": calendar_id, "weekday": day, "starts": start, "ends": end}
                for day, start, end in shifts
            ],
        )
        connection.execute(
            sa.text("UPDATE workers SET calendar_id = :id WHERE working_hours = :hours"),
            {"id": calendar_id, "hours": hours},
        )


def _shifts(hours: str) -> list[tuple[int, time, time]]:
    """`Mon-Fri 08:00-16:30, Sat 09:00-13:00` as (weekday, start, end); [] when not of that form."""
    shifts: dict[tuple[int, time], time] = {}
    for part in re.split(r"[,;]", hours.lower()):
        found = _PART.match(part)
        if found is None or found["first"] not in _DAYS:
            return []
        if found["last"] and found["last"] not in _DAYS:
            return []
        first = _DAYS.index(found["first"])
        last = _DAYS.index(found["last"]) if found["last"] else first
        try:
            start = time(int(found["start"]), int(found["start_min"]))
            end = time(int(found["end"]) % 24, int(found["end_min"]))
        except ValueError:
            return []
        day = first
        while True:
            shifts[day, start] = end
            if day == last:
                break
            day = (day + 1) % 7
    return [(day, start, end) for (day, start), end in sorted(shifts.items())]


def downgrade() -> None:
    op.add_column(
        "workers",
        sa.Column("working_hours", sa.String(length=200), server_default="", nullable=False),
    )
    op.execute(
        "UPDATE workers SET working_hours = left(c.name, 200) FROM work_calendars c "
        "WHERE c.id = workers.calendar_id"
    )
    op.alter_column("workers", "working_hours", server_default=None)
    for table in ("equipment", "workers"):
        op.drop_constraint(op.f(f"fk_{table}_calendar_id_work_calendars"), table)
        op.drop_column(table, "calendar_id")
    op.drop_index(op.f("ix_calendar_exceptions_calendar_id"), "calendar_exceptions")
    op.drop_table("calendar_exceptions")
    op.drop_table("calendar_shifts")
    op.drop_index("one_default_calendar", "work_calendars")
    op.drop_table("work_calendars")
