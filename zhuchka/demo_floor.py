"""The demo workshop's people and floor: one account per role (with a password made for the
data directory), the workers and their skills, the equipment, and the QC checklist. Each is
created only when missing, so seeding twice changes nothing."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, time
from decimal import Decimal
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from core.local_secrets import local_secret
from domain.access import Role
from domain.quality import CheckItem, CheckKind
from domain.stages import Stage
from domain.work_calendar import Shift
from persistence.tables import Calendar, Equipment, QcTemplate, User, Worker
from services import quality
from services.floor import calendars, resources
from services.floor.calendars import CalendarChange

DEMO_USERS = [(f"{role.value}@zhuchka.example", role) for role in Role]
DEMO_PASSWORD_FILE = "demo-password"  # noqa: S105 - the name of the file, not a password


def demo_password_file(data_dir: Path) -> Path:
    return data_dir / DEMO_PASSWORD_FILE


def demo_password(data_dir: Path) -> str:
    """The demo accounts' password: random (20 URL-safe characters), made once per data
    directory and kept there, readable by its owner only. `make run` prints it."""
    return local_secret(demo_password_file(data_dir), nbytes=15)


async def seed_demo_users(
    session: AsyncSession, password_hash: str, *, reset: bool = False
) -> None:
    """One confirmed account per role, all with the demo password (`password_hash`). Accounts
    already there keep theirs, unless `reset`: when the data directory got a new demo password
    (a new folder, or the file was deleted), the demo accounts take it."""
    now = datetime.now(UTC)
    statement = insert(User).values(
        [
            {
                "email": email,
                "password_hash": password_hash,
                "roles": [role.value],
                "full_name": f"Demo {role.value.replace('_', ' ')}",
                "is_active": True,
                "email_confirmed_at": now,
                "password_changed_at": now,
            }
            for email, role in DEMO_USERS
        ]
    )
    if reset:
        await session.execute(
            statement.on_conflict_do_update(
                index_elements=[User.email],
                set_={"password_hash": password_hash, "password_changed_at": now},
            )
        )
    else:
        await session.execute(statement.on_conflict_do_nothing())


# The floor: who works it (linked to the demo accounts when they exist), its equipment, and the
# QC checklist (the test rig reports a plain pass or fail in the demo). Marta is still
# learning to solder (level 1; soldering needs 3).
WORKERS = [
    ("Pavel Orlov", "planner", {Stage.DESIGN: 4}),
    (
        "Ivan Petrov",
        "floor_worker",
        {Stage.ASSEMBLY: 3, Stage.SOLDERING: 3, Stage.TESTING: 2, Stage.SHIPPING: 2},
    ),
    ("Marta Nowak", None, {Stage.ASSEMBLY: 2, Stage.SOLDERING: 1, Stage.SHIPPING: 3}),
    ("Olga Smirnova", "inspector", {Stage.TESTING: 3, Stage.QC: 4}),
]
# The plant works a day shift in Moscow; the soldering station runs two shifts.
WEEKDAYS = range(5)
CALENDARS = [
    CalendarChange(
        "Day shift",
        "Europe/Moscow",
        [Shift(day, time(8), time(16, 30)) for day in WEEKDAYS],
        is_default=True,
    ),
    CalendarChange(
        "Two shifts",
        "Europe/Moscow",
        [
            Shift(day, start, end)
            for day in WEEKDAYS
            for start, end in ((time(6), time(14)), (time(14), time(22)))
        ],
        is_default=False,
    ),
]
EQUIPMENT = [
    ("SS-1", "soldering_station", Stage.SOLDERING, "Bench 2", "Two shifts"),
    ("TR-1", "test_rig", Stage.TESTING, "Bench 3", None),
    ("TR-2", "test_rig", Stage.TESTING, "Bench 4", None),
]
_Check = tuple[str, bool, CheckKind, Decimal | None, Decimal | None, str | None]
CHECKLISTS: dict[Stage, list[_Check]] = {
    Stage.QC: [
        ("Keycap legends aligned and complete", True, CheckKind.PASS_FAIL, None, None, None),
        ("Case free of scratches and dents", True, CheckKind.PASS_FAIL, None, None, None),
        ("Serial label matches the unit", True, CheckKind.PASS_FAIL, None, None, None),
        ("Stabilisers do not rattle", False, CheckKind.PASS_FAIL, None, None, None),
        ("Spacebar actuation force", True, CheckKind.MEASURE, Decimal(40), Decimal(60), "gf"),
    ],
}


async def seed_demo_floor(session: AsyncSession) -> None:
    """Calendars, workers, equipment and checklists (each only when missing)."""
    for calendar in CALENDARS:
        if not await session.scalar(select(Calendar.id).where(Calendar.name == calendar.name)):
            await calendars.create_calendar(session, calendar)
    for name, role, skills in WORKERS:
        if await session.scalar(select(Worker.id).where(Worker.name == name)):
            continue
        user_id = None
        if role is not None:
            user_id = await session.scalar(
                select(User.id).where(User.email == f"{role}@zhuchka.example")
            )
        await resources.create_worker(session, name, user_id, skills)  # the default calendar
    await session.execute(
        insert(Equipment)
        .values(
            [
                {
                    "name": n,
                    "equipment_type": t,
                    "stage": s.value,
                    "station": b,
                    "calendar_id": await session.scalar(
                        select(Calendar.id).where(Calendar.name == c)
                    ),
                }
                for n, t, s, b, c in EQUIPMENT
            ]
        )
        .on_conflict_do_nothing()
    )
    for stage, items in CHECKLISTS.items():
        if await session.scalar(select(QcTemplate.id).where(QcTemplate.stage == stage.value)):
            continue
        await quality.create_template(
            session,
            stage,
            None,
            f"{stage} checklist",
            [
                CheckItem(uuid.uuid4(), d, required, kind, low, high, unit)
                for d, required, kind, low, high, unit in items
            ],
            "seed",
        )
