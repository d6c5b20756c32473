"""Planned working time: worked examples (a working week, holidays, maintenance, night shifts
over the changes of the clocks) and properties that hold for any calendar."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.errors import InvalidInput
from domain.work_calendar import CalendarException, Shift, WorkCalendar, check_shifts

BERLIN = ZoneInfo("Europe/Berlin")
HOURS = timedelta(hours=1)


def weekdays(start: time, end: time, days: range = range(5)) -> tuple[Shift, ...]:
    return tuple(Shift(day, start, end) for day in days)


OFFICE = WorkCalendar("Europe/Berlin", weekdays(time(8), time(16, 30)))
NIGHTS = WorkCalendar("Europe/Berlin", weekdays(time(22), time(6), range(7)))


def berlin(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=BERLIN)


def test_a_working_week_of_day_shifts() -> None:
    # Monday 2026-11-30 to the next Monday: five shifts of 8.5 hours.
    assert OFFICE.working_time(berlin(2026, 11, 30), berlin(2026, 12, 7)) == 42.5 * HOURS


def test_only_the_part_of_a_shift_inside_the_period_counts() -> None:
    assert OFFICE.working_time(berlin(2026, 12, 1, 15), berlin(2026, 12, 2, 9)) == 2.5 * HOURS
    assert OFFICE.working_time(berlin(2026, 12, 5), berlin(2026, 12, 7)) == timedelta()


def test_a_holiday_and_a_maintenance_window_take_their_hours_out() -> None:
    closed = WorkCalendar(
        OFFICE.zone,
        OFFICE.shifts,
        (
            CalendarException(berlin(2026, 12, 2), berlin(2026, 12, 3), note="holiday"),
            CalendarException(berlin(2026, 12, 3, 10), berlin(2026, 12, 3, 12), note="service"),
        ),
    )
    assert closed.working_time(berlin(2026, 11, 30), berlin(2026, 12, 7)) == 32 * HOURS


def test_an_extra_shift_adds_and_a_closure_wins_over_it() -> None:
    saturday = CalendarException(berlin(2026, 12, 5, 8), berlin(2026, 12, 5, 12), working=True)
    extra = WorkCalendar(OFFICE.zone, OFFICE.shifts, (saturday,))
    assert extra.working_time(berlin(2026, 11, 30), berlin(2026, 12, 7)) == 46.5 * HOURS
    broken = CalendarException(berlin(2026, 12, 5, 11), berlin(2026, 12, 5, 14))
    both = WorkCalendar(OFFICE.zone, OFFICE.shifts, (saturday, broken))
    assert both.working_time(berlin(2026, 12, 5), berlin(2026, 12, 6)) == 3 * HOURS


def test_a_night_shift_runs_into_the_next_day_and_the_next_week() -> None:
    # Sunday 22:00 to Monday 06:00 belongs to the week that starts on Monday too.
    assert NIGHTS.working_time(berlin(2026, 12, 7), berlin(2026, 12, 7, 12)) == 6 * HOURS
    assert NIGHTS.working_time(berlin(2026, 12, 6, 12), berlin(2026, 12, 7, 12)) == 8 * HOURS


def test_night_shifts_over_the_changes_of_the_clocks_last_what_they_really_last() -> None:
    # The clocks go forward on 2026-03-29 and back on 2026-10-25 in Berlin.
    spring = NIGHTS.working_time(berlin(2026, 3, 28, 12), berlin(2026, 3, 29, 12))
    autumn = NIGHTS.working_time(berlin(2026, 10, 24, 12), berlin(2026, 10, 25, 12))
    assert (spring, autumn) == (7 * HOURS, 9 * HOURS)


def test_work_finishes_after_that_much_working_time() -> None:
    friday_afternoon = berlin(2026, 12, 4, 15)
    done = OFFICE.finish(friday_afternoon, 4 * HOURS)
    assert done == berlin(2026, 12, 7, 10, 30)  # 1.5 h on Friday, 2.5 h on Monday
    assert OFFICE.finish(friday_afternoon, timedelta()) == friday_afternoon


def test_around_the_clock_is_the_elapsed_time() -> None:
    always = WorkCalendar.always()
    start = datetime(2026, 3, 28, 20, tzinfo=UTC)
    assert always.working_time(start, start + 50 * HOURS) == 50 * HOURS
    assert always.finish(start, 50 * HOURS) == start + 50 * HOURS


def test_what_a_calendar_refuses() -> None:
    with pytest.raises(InvalidInput):
        Shift(7, time(8), time(16))
    with pytest.raises(InvalidInput):
        WorkCalendar("Mars/Olympus_Mons", ())
    with pytest.raises(InvalidInput):
        CalendarException(berlin(2026, 12, 2), berlin(2026, 12, 1))
    with pytest.raises(InvalidInput):
        OFFICE.working_time(datetime(2026, 12, 1), datetime(2026, 12, 2))  # no zone
    with pytest.raises(InvalidInput):  # never any working time
        WorkCalendar("UTC", ()).finish(datetime(2026, 12, 1, tzinfo=UTC), HOURS)


# --- properties -------------------------------------------------------------------------

ZONES = st.sampled_from(["Europe/Berlin", "America/New_York", "Asia/Kolkata", "UTC"])
CLOCK = st.builds(time, st.integers(0, 23), st.sampled_from([0, 15, 30, 45]))
SHIFTS = st.lists(st.builds(Shift, st.integers(0, 6), CLOCK, CLOCK), max_size=8)
INSTANTS = st.datetimes(
    min_value=datetime(2025, 1, 1), max_value=datetime(2027, 12, 31), timezones=st.just(UTC)
)


@st.composite
def calendars(draw: st.DrawFn) -> WorkCalendar:
    exceptions = []
    for _ in range(draw(st.integers(0, 3))):
        start = draw(INSTANTS)
        length = draw(st.integers(1, 96)) * HOURS
        exceptions.append(CalendarException(start, start + length, working=draw(st.booleans())))
    return WorkCalendar(draw(ZONES), tuple(draw(SHIFTS)), tuple(exceptions))


@settings(max_examples=150, deadline=None)
@given(calendars(), INSTANTS, st.integers(0, 24 * 30), st.integers(0, 24 * 30))
def test_working_time_adds_up_and_never_exceeds_the_time_that_passed(
    calendar: WorkCalendar, start: datetime, first: int, second: int
) -> None:
    middle, end = start + first * HOURS / 2, start + (first + second) * HOURS / 2
    whole = calendar.working_time(start, end)
    assert whole == calendar.working_time(start, middle) + calendar.working_time(middle, end)
    assert timedelta() <= whole <= end - start
    spans = calendar.windows(start, end)
    assert all(a < b < c for (a, b), (c, _) in pairwise(spans))  # in order, apart


@settings(max_examples=150, deadline=None)
@given(calendars(), INSTANTS, st.integers(0, 24 * 20))
def test_finish_is_the_earliest_instant_with_that_much_work(
    calendar: WorkCalendar, start: datetime, quarter_hours: int
) -> None:
    work = quarter_hours * HOURS / 4
    try:
        done = calendar.finish(start, work)
    except InvalidInput:
        assert calendar.working_time(start, start + timedelta(days=366 * 2)) < work
        return
    assert calendar.working_time(start, done) == work
    if work:
        assert calendar.working_time(start, done - timedelta(microseconds=1)) < work


@settings(max_examples=100, deadline=None)
@given(calendars(), INSTANTS, st.integers(1, 24 * 14), INSTANTS, st.integers(1, 72))
def test_a_closure_never_adds_working_time(
    calendar: WorkCalendar, start: datetime, hours: int, closed_at: datetime, closed_for: int
) -> None:
    closure = CalendarException(closed_at, closed_at + closed_for * HOURS)
    closed = WorkCalendar(calendar.zone, calendar.shifts, (*calendar.exceptions, closure))
    end = start + hours * HOURS
    assert closed.working_time(start, end) <= calendar.working_time(start, end)


def test_work_cannot_be_negative() -> None:
    with pytest.raises(InvalidInput, match="negative"):
        OFFICE.finish(datetime(2026, 12, 7, 9, tzinfo=UTC), timedelta(hours=-1))


@pytest.mark.parametrize(
    ("shifts", "clash"),
    [
        ([Shift(0, time(8), time(16, 30)), Shift(0, time(12), time(20))], "Monday 08:00-16:30"),
        ([Shift(0, time(22), time(6)), Shift(1, time(5), time(13))], "Monday 22:00-06:00"),
        ([Shift(6, time(22), time(6)), Shift(0, time(4), time(12))], "Sunday 22:00-06:00"),
        ([Shift(2, time(8), time(8)), Shift(3, time(7), time(9))], "Wednesday 08:00-08:00"),
    ],
)
def test_shifts_that_overlap_are_refused(shifts: list[Shift], clash: str) -> None:
    with pytest.raises(InvalidInput, match=f"shifts overlap: {clash}"):
        check_shifts(shifts)


def test_shifts_end_to_end_do_not_overlap() -> None:
    check_shifts([Shift(0, time(6), time(14)), Shift(0, time(14), time(22))])
    check_shifts([Shift(0, time(22), time(6)), Shift(1, time(6), time(14))])
    check_shifts([Shift(day, time(0), time(0)) for day in range(7)])  # around the clock


def test_a_week_changed_on_a_day_counts_the_old_shifts_before_it_and_the_new_after() -> None:
    change = date(2026, 12, 9)  # a Wednesday
    old = [Shift(d, time(8), time(16), valid_until=change) for d in range(5)]
    new = [Shift(d, time(8), time(12), valid_from=change) for d in range(5)]
    calendar = WorkCalendar("UTC", (*old, *new))
    monday = datetime(2026, 12, 7, tzinfo=UTC)
    # Monday and Tuesday 8 h each, Wednesday to Friday 4 h each.
    assert calendar.working_time(monday, monday + timedelta(days=7)) == timedelta(hours=28)
    assert Shift(0, time(8), time(16), valid_until=change).worked_on(date(2026, 12, 7))
    assert not Shift(2, time(8), time(16), valid_until=change).worked_on(change)
