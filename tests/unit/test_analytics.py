"""The workshop's figures, each checked against a worked example done by hand."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from domain.analytics import (
    Abc,
    AbcThresholds,
    Xyz,
    XyzThresholds,
    abc_classes,
    abc_xyz_matrix,
    bottleneck,
    days_of_supply,
    defect_rate,
    delivery,
    first_pass_yield,
    oee,
    pareto,
    percentile,
    turnover,
    utilisation,
    variation,
    xyz_class,
)
from domain.errors import InvalidInput


def test_turnover_and_days_of_supply() -> None:
    # 12,000 consumed over 30 days with 3,000 held on average: turned 4 times; 2,000 on hand
    # lasts 2,000 / (12,000 / 30) = 5 days.
    assert turnover(Decimal(12000), Decimal(3000)) == 4.0
    assert days_of_supply(Decimal(2000), Decimal(12000), 30) == 5.0
    assert turnover(Decimal(100), Decimal(0)) is None
    assert days_of_supply(Decimal(50), Decimal(0), 30) is None


def test_abc_by_share_of_consumption_value() -> None:
    # Total 1,000. Sorted: s1 500 (0 % before: A), s2 300 (50 %: A), s3 100 (80 %: B),
    # s4 60 (90 %: B), s5 40 (96 %: C); s6 consumed nothing: C.
    values = {f"s{n}": Decimal(v) for n, v in enumerate([500, 300, 100, 60, 40, 0], start=1)}
    assert abc_classes(values) == {
        "s1": Abc.A,
        "s2": Abc.A,
        "s3": Abc.B,
        "s4": Abc.B,
        "s5": Abc.C,
        "s6": Abc.C,
    }
    # One item with nine tenths of the value is an A (not a B); the next starts at 90 %: a B.
    assert abc_classes({"big": Decimal(90), "small": Decimal(10)}) == {
        "big": Abc.A,
        "small": Abc.B,
    }
    assert abc_classes(values, AbcThresholds(a=0.5, b=0.9))["s2"] is Abc.B
    assert abc_classes({"x": Decimal(0)}) == {"x": Abc.C}


def test_xyz_by_the_variation_of_weekly_demand() -> None:
    # Mean 10; deviations 0: cv 0 (X). Demands 5, 15: mean 10, sd 5, cv 0.5 (Y, not below 0.5).
    # Demands 0, 0, 0, 40: mean 10, sd sqrt((100*3 + 900) / 4) = sqrt(300) = 17.3, cv 1.73 (Z).
    assert xyz_class([10, 10, 10, 10]) is Xyz.X
    assert variation([5, 15]) == 0.5
    assert xyz_class([5, 15]) is Xyz.Y
    assert variation([0, 0, 0, 40]) == pytest.approx(3**0.5)
    assert xyz_class([0, 0, 0, 40]) is Xyz.Z
    assert xyz_class([0, 0, 0]) is Xyz.Z  # no demand at all
    assert (variation([]), variation([0, 0])) == (None, None)  # no weeks; no use in them
    assert xyz_class([5, 15], XyzThresholds(x=0.6, y=1.0)) is Xyz.X
    with pytest.raises(InvalidInput):
        XyzThresholds(x=1.0, y=0.5)


def test_the_nine_cells() -> None:
    matrix = abc_xyz_matrix([(Abc.A, Xyz.X), (Abc.A, Xyz.X), (Abc.C, Xyz.Z)])
    assert len(matrix) == 9
    assert (matrix["AX"], matrix["CZ"], matrix["BY"]) == (2, 1, 0)


def test_oee_is_the_product_of_its_three_factors() -> None:
    # Planned 8 h (28,800 s), ran 6 h (21,600 s): availability 0.75. 40 units at a 7.5-minute
    # target = 18,000 s of target time: performance 18,000 / 21,600 = 0.833. 38 of 40 right the
    # first time: quality 0.95. OEE = 0.75 * 0.8333 * 0.95 = 0.59375.
    figures = oee(28800, 21600, 40 * 7.5 * 60, 40, 38)
    assert figures.availability == 0.75
    assert figures.performance == pytest.approx(5 / 6)
    assert figures.quality == 0.95
    assert figures.oee == pytest.approx(0.59375)
    idle = oee(28800, 0, 0, 0, 0)
    assert (idle.availability, idle.performance, idle.quality, idle.oee) == (0, None, None, None)
    assert utilisation(3600, 28800) == 0.125
    assert utilisation(10, 0) is None


def test_percentiles_interpolate_as_postgresql_does() -> None:
    # percentile_cont(0.9) of 1..10: position 0.9 * 9 = 8.1 -> 9 + 0.1 * (10 - 9) = 9.1.
    values = [float(n) for n in range(10, 0, -1)]
    assert percentile(values, 0.5) == 5.5
    assert percentile(values, 0.9) == pytest.approx(9.1)
    assert percentile([4.0], 0.9) == 4.0
    assert percentile([], 0.5) is None
    with pytest.raises(InvalidInput):
        percentile(values, 1.5)


def test_the_bottleneck_is_where_work_waits_longest() -> None:
    assert bottleneck({"assembly": 600.0, "soldering": 3600.0, "qc": None}) == "soldering"
    assert bottleneck({"qc": None}) is None


def test_on_time_delivery_and_lateness() -> None:
    due = date(2026, 12, 10)
    shipments = [
        (date(2026, 12, 9), due),
        (due, due),  # on the day is on time
        (date(2026, 12, 12), due),  # 2 days late
        (date(2026, 12, 14), due),  # 4 days late
    ]
    figures = delivery(shipments)
    assert (figures.shipped, figures.on_time, figures.rate) == (4, 2, 0.5)
    assert figures.average_days_late == 3.0
    assert delivery([]).rate is None


def test_first_pass_yield_and_the_pareto_of_failing_checks() -> None:
    assert first_pass_yield(40, 38) == 0.95
    assert first_pass_yield(0, 0) is None
    assert defect_rate(50, 5) == 0.1
    assert defect_rate(0, 0) is None
    rows = pareto({"stabilisers rattle": 6, "scratched case": 3, "legends": 1, "label": 0})
    assert [(r.check, r.failures) for r in rows] == [
        ("stabilisers rattle", 6),
        ("scratched case", 3),
        ("legends", 1),
    ]
    assert [r.share for r in rows] == [0.6, 0.3, 0.1]
    assert [r.cumulative for r in rows] == [0.6, 0.9, 1.0]
