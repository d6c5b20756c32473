"""Planned working time of a station, a piece of equipment or a worker.

A calendar is a week of shifts in the plant's time zone plus exceptions: closures (holidays,
maintenance windows) and extra shifts, each a span of real time. The rules answer how much
planned work lies between two instants and when work of a given length, begun at an instant, is
done. Time is counted as it really elapses: a night shift over the spring change of the clocks
is an hour shorter, one over the autumn change an hour longer. A closure wins over any shift it
overlaps, an extra shift's included. A shift whose end is not after its start ends the next day
(22:00-06:00); one that ends when it starts lasts 24 hours.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from itertools import combinations
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from domain.errors import InvalidInput

Span = tuple[datetime, datetime]  # [start, end), aware

_DAY = timedelta(days=1)
_WEEK = timedelta(weeks=1)
# How far `finish` looks for working time before deciding the calendar has none.
HORIZON = timedelta(days=366 * 2)


@dataclass(frozen=True)
class Shift:
    weekday: int  # the day the shift starts: 0 Monday ... 6 Sunday
    start: time
    end: time
    # The days (in the calendar's zone) it is worked: from `valid_from`, before `valid_until`;
    # open-ended when None. A week changed on a day ends the old shifts there.
    valid_from: date | None = None
    valid_until: date | None = None

    def __post_init__(self) -> None:
        if not 0 <= self.weekday <= 6:
            raise InvalidInput("a shift's weekday is 0 (Monday) to 6 (Sunday)", field="weekday")
        if self.start.tzinfo is not None or self.end.tzinfo is not None:
            raise InvalidInput("a shift's times are wall-clock times, without a zone")

    @property
    def overnight(self) -> bool:
        """It ends the next day (its end is not after its start)."""
        return self.end <= self.start

    @property
    def hours(self) -> float:
        """Its length by the wall clock (a night over a change of the clocks aside)."""
        start = datetime.combine(date.min, self.start)
        end = datetime.combine(date.min + (_DAY if self.overnight else timedelta()), self.end)
        return (end - start) / timedelta(hours=1)

    def worked_on(self, day: date) -> bool:
        """Whether the shift begins on `day`: its weekday, while it is in force."""
        return (
            day.weekday() == self.weekday
            and (self.valid_from is None or day >= self.valid_from)
            and (self.valid_until is None or day < self.valid_until)
        )

    def on(self, day: date, zone: ZoneInfo) -> Span:
        """The shift as begun on `day` (whatever its weekday), in real time."""
        ends = day + _DAY if self.overnight else day
        start = datetime.combine(day, self.start, tzinfo=zone).astimezone(UTC)
        end = datetime.combine(ends, self.end, tzinfo=zone).astimezone(UTC)
        return start, end


@dataclass(frozen=True)
class CalendarException:
    start: datetime
    end: datetime
    working: bool = False  # False: closed (a holiday, maintenance); True: an extra shift
    note: str = ""

    def __post_init__(self) -> None:
        _require_aware(self.start, self.end)
        if self.end <= self.start:
            raise InvalidInput("an exception ends after it starts", field="end")


@dataclass(frozen=True)
class WorkCalendar:
    zone: str  # an IANA name, e.g. Europe/Berlin
    shifts: tuple[Shift, ...]
    exceptions: tuple[CalendarException, ...] = ()

    def __post_init__(self) -> None:
        try:
            ZoneInfo(self.zone)
        except (ZoneInfoNotFoundError, ValueError) as unknown:
            raise InvalidInput(f"unknown time zone {self.zone!r}", field="zone") from unknown

    @classmethod
    def always(cls) -> WorkCalendar:
        """Around the clock, every day: for what has no calendar of its own."""
        return cls("UTC", tuple(Shift(day, time(0), time(0)) for day in range(7)))

    def windows(self, start: datetime, end: datetime) -> list[Span]:
        """The planned working spans within [start, end), in order and not overlapping."""
        _require_aware(start, end)
        if end <= start:
            return []
        extra = ((e.start, e.end) for e in self.exceptions if e.working)
        worked = _merge([*self._shifts_between(start, end), *extra])
        closed = _merge((e.start, e.end) for e in self.exceptions if not e.working)
        return _clip(_subtract(worked, closed), start, end)

    def working_time(self, start: datetime, end: datetime) -> timedelta:
        """Planned working time between two instants (none when `end` is not after `start`)."""
        return sum((b - a for a, b in self.windows(start, end)), timedelta())

    def finish(self, start: datetime, work: timedelta) -> datetime:
        """When `work` begun at `start` is done, counting only planned working time: the
        earliest instant with that much working time since `start`."""
        _require_aware(start, start)
        if work < timedelta():
            raise InvalidInput("work cannot be negative", field="work")
        if not work:
            return start
        left = work
        for window_start, window_end in self._windows_from(start):
            if left <= window_end - window_start:
                return window_start + left
            left -= window_end - window_start
        raise InvalidInput(
            f"the calendar has no working time for {work} within {HORIZON.days} days of "
            f"{start:%Y-%m-%d}",
            field="calendar",
        )

    def _windows_from(self, start: datetime) -> Iterator[Span]:
        """Working spans from `start` on, a week at a time, up to the horizon."""
        week_start = start
        while week_start < start + HORIZON:
            week_end = week_start + _WEEK
            yield from self.windows(week_start, week_end)
            week_start = week_end

    def _shifts_between(self, start: datetime, end: datetime) -> Iterator[Span]:
        zone = ZoneInfo(self.zone)
        day = start.astimezone(zone).date() - _DAY  # a shift begun the day before may run on
        last = end.astimezone(zone).date()
        while day <= last:
            for shift in self.shifts:
                if shift.worked_on(day):
                    yield shift.on(day, zone)
            day += _DAY


def check_shifts(shifts: Iterable[Shift]) -> None:
    """A week's shifts may not overlap (a night shift runs into the next day, Sunday's into
    Monday's): an overlap would count the same hours twice in the week's planned hours."""
    week = 7 * 24 * 3600
    spans = []
    for shift in shifts:
        start = shift.weekday * 86400 + shift.start.hour * 3600 + shift.start.minute * 60
        start += shift.start.second
        spans.append((start, start + round(shift.hours * 3600), shift))
    for first, second in combinations(spans, 2):
        for moved in (-week, 0, week):  # the week wraps round
            if first[0] < second[1] + moved and second[0] + moved < first[1]:
                raise InvalidInput(
                    f"shifts overlap: {_named(first[2])} and {_named(second[2])}",
                    field="shifts",
                )


_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def _named(shift: Shift) -> str:
    return f"{_DAYS[shift.weekday]} {shift.start:%H:%M}-{shift.end:%H:%M}"


def _require_aware(*instants: datetime) -> None:
    if any(i.tzinfo is None or i.utcoffset() is None for i in instants):
        raise InvalidInput("instants need a time zone (UTC or an offset)")


def _merge(spans: Iterable[Span]) -> list[Span]:
    merged: list[Span] = []
    for start, end in sorted(s for s in spans if s[1] > s[0]):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _subtract(spans: list[Span], cuts: list[Span]) -> list[Span]:
    """`spans` less `cuts`; both sorted and merged."""
    left: list[Span] = []
    for start, end in spans:
        for cut_start, cut_end in cuts:
            if cut_end <= start or cut_start >= end:
                continue
            if cut_start > start:
                left.append((start, cut_start))
            start = max(start, cut_end)
            if start >= end:
                break
        if start < end:
            left.append((start, end))
    return left


def _clip(spans: list[Span], start: datetime, end: datetime) -> list[Span]:
    return [(max(a, start), min(b, end)) for a, b in spans if b > start and a < end]
