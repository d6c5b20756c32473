"""The workshop's figures as formulas: inventory turnover and days of supply, ABC and XYZ
classes, OEE and its three factors, percentiles, on-time delivery, first-pass yield and the
Pareto of failing checks. The SQL that gathers their inputs lives in the API's queries; what
the figures mean is decided here, once, and tested from worked examples."""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import TypeVar

from domain.errors import InvalidInput

K = TypeVar("K", bound=Hashable)


# --- inventory ---------------------------------------------------------------------------


def turnover(consumption_value: Decimal, average_inventory_value: Decimal) -> float | None:
    """How many times the average inventory was used up in the period: consumption value over
    average inventory value (None with no inventory to turn)."""
    if average_inventory_value <= 0:
        return None
    return float(consumption_value / average_inventory_value)


def days_of_supply(on_hand: Decimal, consumed: Decimal, days: int) -> float | None:
    """How many days what is on hand lasts at the period's rate of use (None when nothing was
    used: it lasts indefinitely)."""
    if consumed <= 0 or days <= 0:
        return None
    return float(on_hand / (consumed / days))


class Abc(StrEnum):
    A = "A"
    B = "B"
    C = "C"


class Xyz(StrEnum):
    X = "X"
    Y = "Y"
    Z = "Z"


@dataclass(frozen=True)
class AbcThresholds:
    """Shares of the consumption value: A until `a` is reached, B until `b`, C after."""

    a: float = 0.80
    b: float = 0.95

    def __post_init__(self) -> None:
        if not 0 < self.a < self.b <= 1:
            raise InvalidInput("ABC thresholds need 0 < a < b <= 1", field="abc")


@dataclass(frozen=True)
class XyzThresholds:
    """Coefficients of variation of weekly demand: X below `x`, Y below `y`, Z from `y`."""

    x: float = 0.5
    y: float = 1.0

    def __post_init__(self) -> None:
        if not 0 < self.x < self.y:
            raise InvalidInput("XYZ thresholds need 0 < x < y", field="xyz")


def abc_classes(
    values: Mapping[K, Decimal], thresholds: AbcThresholds = AbcThresholds()
) -> dict[K, Abc]:
    """Each key's class by its share of the total consumption value, largest first. A key
    belongs to A while the share of the keys before it is below `a` (so the one that crosses
    80 % is an A), to B while below `b`, else to C. Nothing consumed is a C. Ties keep the
    order of the keys' values, then of the keys as given."""
    total = sum((v for v in values.values() if v > 0), Decimal(0))
    classes: dict[K, Abc] = {}
    before = Decimal(0)
    for key, value in sorted(values.items(), key=lambda kv: kv[1], reverse=True):
        if value <= 0 or total == 0:
            classes[key] = Abc.C
            continue
        share = float(before / total)
        classes[key] = Abc.A if share < thresholds.a else Abc.B if share < thresholds.b else Abc.C
        before += value
    return classes


def variation(demands: Sequence[float]) -> float | None:
    """The coefficient of variation (population standard deviation over mean) of a series of
    demands, zero weeks included; None when there was no demand at all."""
    if not demands:
        return None
    mean = sum(demands) / len(demands)
    if mean <= 0:
        return None
    spread = math.sqrt(sum((d - mean) ** 2 for d in demands) / len(demands))
    return spread / mean


def xyz_class(demands: Sequence[float], thresholds: XyzThresholds = XyzThresholds()) -> Xyz:
    """X for steady weekly demand, Y for varying, Z for erratic (or none)."""
    cv = variation(demands)
    if cv is None or cv >= thresholds.y:
        return Xyz.Z
    return Xyz.X if cv < thresholds.x else Xyz.Y


def abc_xyz_matrix(classes: Iterable[tuple[Abc, Xyz]]) -> dict[str, int]:
    """How many items fall in each of the nine cells, `AX` ... `CZ` (empty cells are 0)."""
    cells = {f"{a}{x}": 0 for a in Abc for x in Xyz}
    for a, x in classes:
        cells[f"{a}{x}"] += 1
    return cells


# --- production --------------------------------------------------------------------------


@dataclass(frozen=True)
class Oee:
    availability: float | None  # run time / planned time
    performance: float | None  # target time of the units made / run time
    quality: float | None  # units right the first time / units made
    oee: float | None  # the product of the three


def oee(
    planned_seconds: float,
    run_seconds: float,
    target_seconds: float,
    units: int,
    first_time_right: int,
) -> Oee:
    """Overall equipment effectiveness from its three factors. Each factor is None where its
    denominator is zero (no planned time, no run time, no units), and so is the product.
    Performance above 1 means faster than the target; it is not capped."""
    availability = run_seconds / planned_seconds if planned_seconds > 0 else None
    performance = target_seconds / run_seconds if run_seconds > 0 else None
    quality = first_time_right / units if units > 0 else None
    factors = (availability, performance, quality)
    product = None
    if all(f is not None for f in factors):
        product = math.prod(f for f in factors if f is not None)
    return Oee(availability, performance, quality, product)


def utilisation(busy_seconds: float, planned_seconds: float) -> float | None:
    """The share of planned time a worker or a piece of equipment was busy."""
    return busy_seconds / planned_seconds if planned_seconds > 0 else None


def percentile(values: Sequence[float], fraction: float) -> float | None:
    """The value below which `fraction` of `values` lie, interpolated linearly between the two
    nearest (PostgreSQL's `percentile_cont`); None for no values."""
    if not 0 <= fraction <= 1:
        raise InvalidInput("a percentile is between 0 and 1", field="fraction")
    ordered = sorted(values)
    if not ordered:
        return None
    position = fraction * (len(ordered) - 1)
    below = math.floor(position)
    above = min(below + 1, len(ordered) - 1)
    return ordered[below] + (ordered[above] - ordered[below]) * (position - below)


def bottleneck(queue_p50_by_stage: Mapping[K, float | None]) -> K | None:
    """The stage where work waits longest (the highest median queue time)."""
    waiting = {stage: q for stage, q in queue_p50_by_stage.items() if q is not None}
    return max(waiting, key=lambda stage: waiting[stage]) if waiting else None


# --- delivery ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Delivery:
    shipped: int
    on_time: int
    rate: float | None  # on time / shipped
    average_days_late: float | None  # over the late ones only


def delivery(shipments: Iterable[tuple[date, date]]) -> Delivery:
    """On-time delivery of (shipped on, due on) pairs: on time when shipped on or before the
    due date; the lateness of the late ones in days."""
    shipped = on_time = 0
    late_days: list[int] = []
    for shipped_on, due in shipments:
        shipped += 1
        if shipped_on <= due:
            on_time += 1
        else:
            late_days.append((shipped_on - due).days)
    return Delivery(
        shipped,
        on_time,
        on_time / shipped if shipped else None,
        sum(late_days) / len(late_days) if late_days else None,
    )


# --- quality -----------------------------------------------------------------------------


def first_pass_yield(units: int, passed_first_time: int) -> float | None:
    """The share of units that passed an inspection at their first attempt."""
    return passed_first_time / units if units else None


def defect_rate(inspections: int, failed: int) -> float | None:
    """The share of inspections that failed (every attempt counts)."""
    return failed / inspections if inspections else None


@dataclass(frozen=True)
class ParetoRow:
    check: str
    failures: int
    share: float  # of all failures
    cumulative: float  # of all failures, this row and those above it


def pareto(failures: Mapping[str, int]) -> list[ParetoRow]:
    """Failing checks, most frequent first, with their share and the running total."""
    total = sum(n for n in failures.values() if n > 0)
    rows: list[ParetoRow] = []
    running = 0
    for check, count in sorted(failures.items(), key=lambda kv: (-kv[1], kv[0])):
        if count <= 0:
            continue
        running += count
        rows.append(ParetoRow(check, count, count / total, running / total))
    return rows
