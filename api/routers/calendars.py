"""Work calendars: when workers and equipment are planned to work. A week of shifts in a time
zone, exceptions (holidays and maintenance closed, extra shifts worked), one of them the
plant's default; and the working time a calendar gives between two instants."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, time, timedelta
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import AwareDatetime, BaseModel, Field

from api.auth.access import Principal, requires
from api.deps import SessionDep
from domain import work_calendar as rules
from domain.access import Action
from domain.errors import InvalidInput
from persistence.tables import Calendar, CalendarException
from services.floor import calendars
from services.inventory.catalogue import get_existing

router = APIRouter()
READ = requires(Action.READ)
FloorManager = Annotated[Principal, requires(Action.MANAGE_FLOOR)]
MAX_SPAN = timedelta(days=400)


class ShiftIn(BaseModel):
    weekday: int = Field(ge=0, le=6, description="The day it starts: 0 Monday ... 6 Sunday")
    start: time = Field(examples=["08:00"])
    end: time = Field(
        examples=["16:30"], description="Not after `start`: the next day's (a night shift)"
    )


class CalendarIn(BaseModel):
    name: str = Field(min_length=1, max_length=100, examples=["Day shift"])
    zone: str = Field(max_length=64, examples=["Europe/Moscow"], description="An IANA time zone")
    is_default: bool = Field(False, description="The plant's default (there is one at most)")
    shifts: list[ShiftIn] = Field(max_length=100)


class CalendarOut(BaseModel):
    id: uuid.UUID
    name: str
    zone: str
    is_default: bool
    shifts: list[ShiftIn]
    hours_per_week: float


class ExceptionIn(BaseModel):
    starts_at: AwareDatetime
    ends_at: AwareDatetime
    working: bool = Field(False, description="False: closed (holiday, maintenance); True: worked")
    note: str = Field("", max_length=200, examples=["New Year"])


class ExceptionOut(ExceptionIn):
    id: uuid.UUID


class WindowOut(BaseModel):
    start: datetime
    end: datetime


class WorkingTimeOut(BaseModel):
    since: datetime
    until: datetime
    working_seconds: float
    windows: list[WindowOut]


def _change(body: CalendarIn) -> calendars.CalendarChange:
    shifts = [rules.Shift(s.weekday, s.start, s.end) for s in body.shifts]
    return calendars.CalendarChange(body.name, body.zone, shifts, body.is_default)


async def _out(session: SessionDep, found: list[Calendar]) -> list[CalendarOut]:
    shifts = await calendars.shifts_of(session, [c.id for c in found])
    return [
        CalendarOut(
            id=c.id,
            name=c.name,
            zone=c.zone,
            is_default=c.is_default,
            shifts=[ShiftIn(weekday=s.weekday, start=s.starts, end=s.ends) for s in shifts[c.id]],
            hours_per_week=sum(
                rules.Shift(s.weekday, s.starts, s.ends).hours for s in shifts[c.id]
            ),
        )
        for c in found
    ]


@router.get("/calendars", dependencies=[READ])
async def list_calendars(session: SessionDep) -> list[CalendarOut]:
    """Every calendar by name, the plant's default first."""
    return await _out(session, await calendars.all_calendars(session))


@router.post("/calendars", status_code=201)
async def create_calendar(body: CalendarIn, session: SessionDep, _: FloorManager) -> CalendarOut:
    """A week of shifts. Made the default, it takes the place of the one before. 409 when the
    name is taken; 422 for an unknown time zone or two shifts starting together."""
    calendar = await calendars.create_calendar(session, _change(body))
    return (await _out(session, [calendar]))[0]


@router.get("/calendars/{calendar_id}", dependencies=[READ])
async def get_calendar(calendar_id: uuid.UUID, session: SessionDep) -> CalendarOut:
    calendar = await get_existing(session, Calendar, calendar_id, "calendar")
    return (await _out(session, [calendar]))[0]


@router.put("/calendars/{calendar_id}")
async def replace_calendar(
    calendar_id: uuid.UUID, body: CalendarIn, session: SessionDep, _: FloorManager
) -> CalendarOut:
    """Name, zone, default and shifts as sent; the exceptions stay."""
    calendar = await calendars.replace_calendar(session, calendar_id, _change(body))
    await session.flush()
    return (await _out(session, [calendar]))[0]


@router.delete("/calendars/{calendar_id}", status_code=204)
async def delete_calendar(calendar_id: uuid.UUID, session: SessionDep, _: FloorManager) -> None:
    """409 while workers or equipment follow it."""
    await calendars.delete_calendar(session, calendar_id)


@router.get("/calendars/{calendar_id}/exceptions", dependencies=[READ])
async def list_exceptions(
    calendar_id: uuid.UUID,
    session: SessionDep,
    since: Annotated[AwareDatetime | None, Query(description="Default: now")] = None,
    until: AwareDatetime | None = None,
) -> list[ExceptionOut]:
    """The exceptions that end after `since` (and start before `until`), in time order."""
    await get_existing(session, Calendar, calendar_id, "calendar")
    since = since or datetime.now(UTC)
    found = await calendars.exceptions_of(session, [calendar_id], since=since, until=until)
    return [_exception_out(e) for e in found[calendar_id]]


@router.post("/calendars/{calendar_id}/exceptions", status_code=201)
async def add_exception(
    calendar_id: uuid.UUID, body: ExceptionIn, session: SessionDep, _: FloorManager
) -> ExceptionOut:
    """A holiday or a maintenance window (closed), or an extra shift (`working`)."""
    exception = rules.CalendarException(body.starts_at, body.ends_at, body.working, body.note)
    return _exception_out(await calendars.add_exception(session, calendar_id, exception))


@router.delete("/calendars/{calendar_id}/exceptions/{exception_id}", status_code=204)
async def remove_exception(
    calendar_id: uuid.UUID, exception_id: uuid.UUID, session: SessionDep, _: FloorManager
) -> None:
    await calendars.remove_exception(session, calendar_id, exception_id)


@router.get("/calendars/{calendar_id}/working-time", dependencies=[READ])
async def working_time(
    calendar_id: uuid.UUID, session: SessionDep, since: AwareDatetime, until: AwareDatetime
) -> WorkingTimeOut:
    """The planned working time between two instants (at most 400 days apart) and the spans
    that make it up: the shifts, less closures, plus extra shifts."""
    if until <= since:
        raise InvalidInput("`until` must come after `since`", field="until", location="query")
    if until - since > MAX_SPAN:
        raise InvalidInput(f"ask for {MAX_SPAN.days} days at most", field="until", location="query")
    calendar = await calendars.rules_of(session, calendar_id, since, until)
    windows = calendar.windows(since, until)
    return WorkingTimeOut(
        since=since,
        until=until,
        working_seconds=sum((b - a).total_seconds() for a, b in windows),
        windows=[WindowOut(start=a, end=b) for a, b in windows],
    )


def _exception_out(exception: CalendarException) -> ExceptionOut:
    return ExceptionOut(
        id=exception.id,
        starts_at=exception.starts_at,
        ends_at=exception.ends_at,
        working=exception.working,
        note=exception.note,
    )
