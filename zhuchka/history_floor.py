"""The floor of the demo history (`zhuchka.history_simulation`): what it is made with, and who
works when — each worker's and piece of equipment's working windows, from their calendars, and
the spans already booked in them."""

from __future__ import annotations

import bisect
import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from domain.work_calendar import Span, WorkCalendar

BACKLOG = timedelta(days=30)  # a pass nobody can take within this long is not taken at all


@dataclass
class Floor:
    """What the history is made with: the demo workshop as it is in the database."""

    warehouse: uuid.UUID
    storage_bin: uuid.UUID
    products: list[tuple[uuid.UUID, uuid.UUID, str, bool, list[tuple[uuid.UUID, int]]]]
    offers: dict[uuid.UUID, tuple[uuid.UUID, Decimal, int, int]]  # item: supplier, price, moq, lead
    targets: dict[str, int]  # stage: minutes
    equipment: dict[str, list[str]]  # stage: names
    workers: dict[str, list[tuple[uuid.UUID, str]]]  # stage: (id, name)
    checks: dict[str, list[str]]  # stage: check descriptions
    calendars: dict[str, WorkCalendar]  # "worker:<id>" / "equipment:<name>": working hours


class Resources:
    """Each worker's and piece of equipment's working windows and the spans already booked in
    them; a pass takes the earliest gap that fits it, so an order taken later may be worked
    between earlier orders' passes (as on a real floor)."""

    def __init__(self, calendars: dict[str, WorkCalendar], first: datetime, last: datetime):
        self._windows = {who: calendar.windows(first, last) for who, calendar in calendars.items()}
        self._window_starts = {who: [w[0] for w in spans] for who, spans in self._windows.items()}
        self._future = last
        self._booked: dict[str, list[Span]] = defaultdict(list)
        self._booked_starts: dict[str, list[datetime]] = defaultdict(list)

    def find(self, who: str, ready: datetime, work: timedelta) -> Span:
        """The earliest span of `work` in one of `who`'s windows, from `ready`, clear of what
        is booked (work longer than a window is cut to the window)."""
        spans, starts = self._windows[who], self._window_starts[who]
        booked, booked_starts = self._booked[who], self._booked_starts[who]
        n = max(bisect.bisect_right(starts, ready) - 1, 0)
        while n < len(spans) and spans[n][0] < ready + BACKLOG:
            window_start, window_end = spans[n]
            length = min(work, window_end - window_start)
            begin = max(window_start, ready)
            k = bisect.bisect_right(booked_starts, begin) - 1
            if k >= 0 and booked[k][1] > begin:
                begin = booked[k][1]
            k += 1
            while begin + length <= window_end:
                if k < len(booked) and booked[k][0] < begin + length:
                    begin = max(begin, booked[k][1])
                    k += 1
                    continue
                return begin, begin + length
            n += 1
        # Nothing free for weeks (more orders than the floor can build) or past the last
        # window: a time in the future, and the caller drops the order.
        return max(ready, self._future), max(ready, self._future) + work

    def overlapping(self, who: str, span: Span) -> Span | None:
        """The first booked span of `who` that overlaps `span` (None: it is free then)."""
        booked, starts = self._booked[who], self._booked_starts[who]
        k = bisect.bisect_left(starts, span[1])
        if k > 0 and booked[k - 1][1] > span[0]:
            return booked[k - 1]
        return None

    def book(self, who: str, span: Span) -> None:
        k = bisect.bisect_left(self._booked_starts[who], span[0])
        self._booked[who].insert(k, span)
        self._booked_starts[who].insert(k, span[0])
