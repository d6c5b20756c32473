"""How big and how far off a number or a date may be: the bounds of the workshop's figures,
beyond which a value is a typing mistake (or an attack), not a plan. The API's schemas state
them, so they also appear in its OpenAPI document; stock arithmetic enforces MAX_ON_HAND."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from domain.errors import Conflict

MAX_QUANTITY = 1_000_000  # units in one order, movement, count, purchase or BOM line
MAX_ON_HAND = 1_000_000_000  # units of one item in one warehouse (or bin)
MAX_DIMENSION = 1_000_000  # grams, millimetres
MAX_MINUTES = 60 * 24 * 60  # a stage's target: sixty days
MAX_OFFSET = 10_000_000  # how far into a listing a page may start
# Dates people plan with: from yesterday (a planner west of UTC is a day behind it) to five
# years ahead. Readings and other timestamps: the past year, up to a few minutes ahead (clocks).
PLANNING_PAST = timedelta(days=1)
PLANNING_HORIZON = timedelta(days=5 * 366)
RECORDED_PAST = timedelta(days=366)
CLOCK_SKEW = timedelta(minutes=5)


def planning_date_problem(value: date, today: date) -> str | None:
    """Why `value` cannot be a due or expected date planned today, or None."""
    if value < today - PLANNING_PAST:
        return f"must not be in the past (today is {today.isoformat()})"
    if value > today + PLANNING_HORIZON:
        return "must be within five years"
    return None


def recorded_time_problem(value: datetime, now: datetime) -> str | None:
    """Why `value` cannot be when something was recorded, or None."""
    if value.tzinfo is None:
        return "must carry a time zone (for example 2026-11-30T09:00:00Z)"
    if value > now + CLOCK_SKEW:
        return "must not be in the future"
    if value < now - RECORDED_PAST:
        return "must be within the past year"
    return None


def check_on_hand(on_hand: int) -> None:
    if on_hand > MAX_ON_HAND:
        raise Conflict(
            f"stock of one item in one place may not exceed {MAX_ON_HAND:,}",
            on_hand=on_hand,
            limit=MAX_ON_HAND,
        )
