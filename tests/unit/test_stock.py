from datetime import date

import pytest

from domain.errors import Conflict, InsufficientStock
from domain.stock import Demand, MovementType, Priority, StockPosition, allocate


def test_available_is_on_hand_minus_reserved() -> None:
    position = StockPosition(10, 4)
    assert position.available == 6


def test_receive_reserve_consume_release() -> None:
    position = StockPosition().receive(100).reserve(68)
    assert (position.on_hand, position.reserved, position.available) == (100, 68, 32)
    position = position.consume(68)
    assert (position.on_hand, position.reserved) == (32, 0)
    assert position.reserve(10).release(10) == position


def test_reserved_stock_cannot_be_issued() -> None:
    position = StockPosition(10, 8)
    assert position.issue(2).on_hand == 8
    with pytest.raises(InsufficientStock) as refused:
        position.issue(3)
    assert refused.value.details == {"requested": 3, "available": 2}


def test_cannot_reserve_more_than_available() -> None:
    with pytest.raises(InsufficientStock):
        StockPosition(5, 0).reserve(6)


def test_reserve_up_to_grants_what_there_is() -> None:
    granted, position = StockPosition(50, 10).reserve_up_to(68)
    assert granted == 40
    assert position.available == 0
    granted, same = position.reserve_up_to(5)
    assert granted == 0
    assert same == position


def test_an_adjustment_cannot_cut_into_reservations_or_go_negative() -> None:
    assert StockPosition(10, 4).adjust(-6).on_hand == 4
    with pytest.raises(InsufficientStock):
        StockPosition(10, 4).adjust(-7)
    with pytest.raises(Conflict):
        StockPosition(10, 4).adjust(0)


@pytest.mark.parametrize(("on_hand", "reserved"), [(-1, 0), (0, -1), (3, 4)])
def test_inconsistent_positions_cannot_exist(on_hand: int, reserved: int) -> None:
    with pytest.raises(InsufficientStock):
        StockPosition(on_hand, reserved)


@pytest.mark.parametrize("quantity", [0, -5])
def test_quantities_must_be_positive(quantity: int) -> None:
    with pytest.raises(Conflict):
        StockPosition(10, 0).receive(quantity)
    with pytest.raises(Conflict):
        StockPosition(10, 0).reserve(quantity)


def test_allocation_goes_by_priority_then_due_date_then_age() -> None:
    demands = [
        Demand("normal-early", 50, Priority.NORMAL, date(2026, 12, 1), 1),
        Demand("urgent-late", 50, Priority.URGENT, date(2027, 1, 1), 2),
        Demand("normal-early-newer", 50, Priority.NORMAL, date(2026, 12, 1), 3),
        Demand("low", 50, Priority.LOW, date(2026, 11, 30), 0),
    ]
    assert allocate(120, demands) == [
        ("urgent-late", 50),
        ("normal-early", 50),
        ("normal-early-newer", 20),
    ]
    assert allocate(0, demands) == []


def test_a_transfer_is_booked_side_by_side_not_as_one_position() -> None:
    with pytest.raises(Conflict, match="book each side"):
        StockPosition(on_hand=5).book(MovementType.TRANSFER, 2)


def test_demands_for_nothing_get_nothing() -> None:
    demands = [
        Demand("nothing", 0, Priority.URGENT, date(2026, 12, 1)),
        Demand("five", 5, Priority.NORMAL, date(2026, 12, 1)),
    ]
    assert allocate(3, demands) == [("five", 3)]
