"""Work calendars: kept, given to workers and equipment, and read back as the domain's rules.
A worker or a piece of equipment without a calendar of its own follows the plant's default;
without a default, around the clock."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain import work_calendar as rules
from domain.errors import Conflict, NotFound
from persistence.tables import Calendar, CalendarException, CalendarShift, Equipment, Worker
from services.inventory.catalogue import get_existing, insert_unique, update_unique


@dataclass(frozen=True)
class CalendarChange:
    name: str
    zone: str
    shifts: Sequence[rules.Shift]
    is_default: bool


async def create_calendar(session: AsyncSession, change: CalendarChange) -> Calendar:
    rules.WorkCalendar(change.zone, tuple(change.shifts))  # refuses an unknown zone
    if change.is_default:
        await _no_default(session)
    calendar = await insert_unique(
        session,
        Calendar,
        {"name": change.name, "zone": change.zone, "is_default": change.is_default},
        [("name",)],
    )
    await _set_shifts(session, calendar.id, change.shifts, since=None)
    return calendar


async def replace_calendar(
    session: AsyncSession, calendar_id: uuid.UUID, change: CalendarChange
) -> Calendar:
    """Name, zone, default and shifts as given (the exceptions stay)."""
    rules.WorkCalendar(change.zone, tuple(change.shifts))
    calendar = await get_existing(session, Calendar, calendar_id, "calendar", lock=True)
    if change.is_default and not calendar.is_default:
        await _no_default(session)
    values = {"name": change.name, "zone": change.zone, "is_default": change.is_default}
    calendar = await update_unique(
        session, Calendar, calendar_id, values, [("name",)], label="calendar"
    )
    today = datetime.now(ZoneInfo(change.zone)).date()
    await _set_shifts(session, calendar.id, change.shifts, since=today)
    return calendar


async def delete_calendar(session: AsyncSession, calendar_id: uuid.UUID) -> None:
    """Only a calendar nobody follows: 409 while workers or equipment have it."""
    calendar = await get_existing(session, Calendar, calendar_id, "calendar", lock=True)
    users = (
        await session.scalar(
            select(func.count()).select_from(Worker).where(Worker.calendar_id == calendar_id)
        )
        or 0
    )
    users += (
        await session.scalar(
            select(func.count()).select_from(Equipment).where(Equipment.calendar_id == calendar_id)
        )
        or 0
    )
    if users:
        raise Conflict(
            f"{users} workers and pieces of equipment follow calendar {calendar.name!r}; give "
            "them another first",
            calendar_id=str(calendar_id),
        )
    await session.delete(calendar)


async def add_exception(
    session: AsyncSession, calendar_id: uuid.UUID, exception: rules.CalendarException
) -> CalendarException:
    await get_existing(session, Calendar, calendar_id, "calendar", lock=True)
    row = CalendarException(
        calendar_id=calendar_id,
        starts_at=exception.start,
        ends_at=exception.end,
        working=exception.working,
        note=exception.note,
    )
    session.add(row)
    await session.flush()
    return row


async def remove_exception(
    session: AsyncSession, calendar_id: uuid.UUID, exception_id: uuid.UUID
) -> None:
    removed = await session.execute(
        delete(CalendarException)
        .where(CalendarException.id == exception_id, CalendarException.calendar_id == calendar_id)
        .returning(CalendarException.id)
    )
    if removed.first() is None:
        raise NotFound(
            f"calendar {calendar_id} has no exception {exception_id}",
            exception_id=str(exception_id),
        )


async def all_calendars(session: AsyncSession) -> list[Calendar]:
    """By name, the plant's default first."""
    return list(
        await session.scalars(select(Calendar).order_by(Calendar.is_default.desc(), Calendar.name))
    )


async def check_calendar(session: AsyncSession, calendar_id: uuid.UUID | None) -> None:
    """404 for a calendar that does not exist (None: the plant's default)."""
    if calendar_id is not None:
        await get_existing(session, Calendar, calendar_id, "calendar")


async def shifts_of(
    session: AsyncSession, calendar_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[CalendarShift]]:
    """The week in force of each calendar."""
    found: dict[uuid.UUID, list[CalendarShift]] = defaultdict(list)
    query = select(CalendarShift).where(
        CalendarShift.calendar_id.in_(calendar_ids), CalendarShift.valid_until.is_(None)
    )
    for shift in await session.scalars(query.order_by(CalendarShift.weekday, CalendarShift.starts)):
        found[shift.calendar_id].append(shift)
    return found


async def exceptions_of(
    session: AsyncSession,
    calendar_ids: Sequence[uuid.UUID],
    *,
    since: datetime | None = None,
    until: datetime | None = None,
) -> dict[uuid.UUID, list[CalendarException]]:
    """Exceptions that overlap [since, until), each bound optional, in time order."""
    query = select(CalendarException).where(CalendarException.calendar_id.in_(calendar_ids))
    if since is not None:
        query = query.where(CalendarException.ends_at > since)
    if until is not None:
        query = query.where(CalendarException.starts_at < until)
    found: dict[uuid.UUID, list[CalendarException]] = defaultdict(list)
    for exception in await session.scalars(query.order_by(CalendarException.starts_at)):
        found[exception.calendar_id].append(exception)
    return found


async def plant_zone(session: AsyncSession) -> str:
    """The plant's time zone: its default calendar's (UTC without one). Days and weeks of the
    figures are counted in it."""
    zone = await session.scalar(select(Calendar.zone).where(Calendar.is_default))
    return zone or "UTC"


async def rules_of(
    session: AsyncSession,
    calendar_id: uuid.UUID | None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> rules.WorkCalendar:
    """The calendar as the domain's rules (the plant's default for None; around the clock
    when there is none), with the weeks of shifts and the exceptions that touch
    [since, until)."""
    if calendar_id is None:
        calendar = await session.scalar(select(Calendar).where(Calendar.is_default))
        if calendar is None:
            return rules.WorkCalendar.always()
    else:
        calendar = await get_existing(session, Calendar, calendar_id, "calendar")
    zone = ZoneInfo(calendar.zone)
    shifts = select(CalendarShift).where(CalendarShift.calendar_id == calendar.id)
    if since is not None:  # weeks that ended by the period's first day are not read
        shifts = shifts.where(
            CalendarShift.valid_until.is_(None)
            | (CalendarShift.valid_until > since.astimezone(zone).date())
        )
    if until is not None:
        shifts = shifts.where(
            CalendarShift.valid_from.is_(None)
            | (CalendarShift.valid_from <= until.astimezone(zone).date())
        )
    exceptions = (await exceptions_of(session, [calendar.id], since=since, until=until))[
        calendar.id
    ]
    return rules.WorkCalendar(
        calendar.zone,
        tuple(
            rules.Shift(s.weekday, s.starts, s.ends, s.valid_from, s.valid_until)
            for s in await session.scalars(shifts)
        ),
        tuple(
            rules.CalendarException(e.starts_at, e.ends_at, e.working, e.note) for e in exceptions
        ),
    )


async def _set_shifts(
    session: AsyncSession, calendar_id: uuid.UUID, shifts: Sequence[rules.Shift], since: date | None
) -> None:
    """The week of shifts from the day `since` on (None: always): the shifts in force end that
    day (those begun that same day go), so that the past keeps the week it was planned by."""
    rules.check_shifts(shifts)
    current = list(
        await session.scalars(
            select(CalendarShift).where(
                CalendarShift.calendar_id == calendar_id, CalendarShift.valid_until.is_(None)
            )
        )
    )
    if sorted((r.weekday, r.starts, r.ends) for r in current) == sorted(
        (s.weekday, s.start, s.end) for s in shifts
    ):
        return  # the same week
    for row in current:
        if since is None or (row.valid_from is not None and row.valid_from >= since):
            await session.delete(row)
        else:
            row.valid_until = since
    session.add_all(
        CalendarShift(
            calendar_id=calendar_id,
            weekday=s.weekday,
            starts=s.start,
            ends=s.end,
            valid_from=since,
        )
        for s in shifts
    )
    await session.flush()


async def _no_default(session: AsyncSession) -> None:
    """The plant has one default calendar: a new one takes the place of the old."""
    await session.execute(update(Calendar).where(Calendar.is_default).values(is_default=False))
    await session.flush()
