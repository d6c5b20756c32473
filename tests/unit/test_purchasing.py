from datetime import date
from decimal import Decimal

import pytest

from domain.errors import Conflict, IllegalTransition
from domain.purchasing import (
    DeliveryRecord,
    PurchaseOrderStatus,
    SupplierOffer,
    check_receipt,
    check_transition,
    choose_offer,
    is_late,
    order_quantity,
    plan_purchases,
    status_after_receipt,
    supplier_performance,
)

S = PurchaseOrderStatus
TODAY = date(2026, 11, 28)


def offer(
    supplier: str,
    price: str,
    *,
    preferred: bool = False,
    active: bool = True,
    moq: int = 1,
    pack: int = 1,
    lead: int = 7,
    breaks: tuple[tuple[int, str], ...] = (),
    item: str = "SWITCH",
) -> SupplierOffer[str, str]:
    return SupplierOffer(
        supplier,
        item,
        Decimal(price),
        moq,
        lead,
        preferred,
        pack,
        active,
        tuple((q, Decimal(p)) for q, p in breaks),
    )


def test_switches_are_bought_in_whole_reels_of_at_least_the_moq() -> None:
    # 68 switches short; reels of 70, at least 10 reels.
    assert order_quantity(68, min_order_qty=700, pack_size=70) == 700
    assert order_quantity(701, min_order_qty=700, pack_size=70) == 770
    assert order_quantity(0, min_order_qty=700, pack_size=70) == 0


def test_the_preferred_active_supplier_wins_even_when_dearer() -> None:
    chosen = choose_offer([offer("cheap", "0.30"), offer("usual", "0.32", preferred=True)])
    assert chosen is not None
    assert chosen.supplier == "usual"


def test_a_blocked_preferred_supplier_gives_way_to_the_next() -> None:
    chosen = choose_offer(
        [
            offer("blocked", "0.10", preferred=True, active=False),
            offer("a", "0.50"),
            offer("b", "0.40"),
        ]
    )
    assert chosen is not None
    assert chosen.supplier == "b"
    assert choose_offer([offer("blocked", "0.10", active=False)]) is None


def test_the_cheapest_price_break_that_applies() -> None:
    reel = offer("g", "0.35", breaks=((700, "0.32"), (1400, "0.30"), (7000, "0.25")))
    assert reel.price_for(100) == Decimal("0.35")
    assert reel.price_for(700) == Decimal("0.32")
    assert reel.price_for(2100) == Decimal("0.30")
    # Without a preferred supplier, the price at the quantity actually bought decides.
    bulk = offer("bulk", "0.40", moq=1400, breaks=((1400, "0.28"),))
    small = offer("small", "0.33")
    chosen = choose_offer([bulk, small], 100)
    assert chosen is not None
    assert chosen.supplier == "bulk"  # 1400 at 0.28 beats 100 at 0.33 per unit


def test_a_plan_carries_quantity_price_and_expected_date() -> None:
    gateron = offer(
        "gateron", "0.35", preferred=True, moq=700, pack=70, lead=14, breaks=((700, "0.32"),)
    )
    plan = plan_purchases({"SWITCH": 68, "PCB": 2}, {"SWITCH": [gateron]}, TODAY)
    (line,) = plan.suggestions
    assert (line.supplier, line.quantity, line.unit_price) == ("gateron", 700, Decimal("0.32"))
    assert line.expected_date == date(2026, 12, 12)
    assert line.value == Decimal("224.00")
    (held,) = plan.held
    assert (held.item, held.quantity, held.reason) == ("PCB", 2, "no active supplier offers it")


def test_the_credit_limit_holds_back_what_does_not_fit() -> None:
    offers = {
        "SWITCH": [offer("g", "0.30", moq=700, item="SWITCH")],
        "CASE": [offer("g", "48.00", moq=5, item="CASE")],
    }
    plan = plan_purchases(
        {"SWITCH": 68, "CASE": 3},
        offers,
        TODAY,
        committed={"g": Decimal("50")},
        credit_limits={"g": Decimal("300")},
    )
    assert [s.item for s in plan.suggestions] == ["SWITCH"]  # 210.00: 260 of 300 used
    (held,) = plan.held
    assert held.item == "CASE"
    assert held.supplier == "g"
    assert "credit limit 300" in held.reason
    unlimited = plan_purchases({"CASE": 3}, offers, TODAY, credit_limits={"g": None})
    assert len(unlimited.suggestions) == 1


def test_the_purchase_order_life_cycle() -> None:
    check_transition(S.DRAFT, S.SENT)
    check_transition(S.SENT, S.CONFIRMED)
    check_transition(S.CONFIRMED, S.RECEIVED)
    check_transition(S.SENT, S.CANCELLED)
    check_transition(S.DRAFT, S.CANCELLED)
    for current, target in [
        (S.DRAFT, S.CONFIRMED),
        (S.RECEIVED, S.SENT),
        (S.CONFIRMED, S.CANCELLED),
        (S.CANCELLED, S.SENT),
    ]:
        with pytest.raises(IllegalTransition):
            check_transition(current, target)


def test_receipts_may_be_partial_but_never_exceed_the_order_beyond_tolerance() -> None:
    check_receipt(ordered=700, received=350, quantity=350)
    with pytest.raises(Conflict, match="at most 350 more"):
        check_receipt(ordered=700, received=350, quantity=351)
    check_receipt(ordered=700, received=350, quantity=385, tolerance_pct=5)  # 735 allowed
    with pytest.raises(Conflict, match=r"\+5% tolerance"):
        check_receipt(ordered=700, received=350, quantity=386, tolerance_pct=5)
    with pytest.raises(Conflict):
        check_receipt(ordered=700, received=0, quantity=0)
    assert status_after_receipt([(700, 350), (5, 5)]) is S.PARTIALLY_RECEIVED
    assert status_after_receipt([(700, 710), (5, 5)]) is S.RECEIVED


def test_late_means_past_the_expected_date_and_still_coming() -> None:
    assert is_late(S.CONFIRMED, date(2026, 11, 27), TODAY)
    assert not is_late(S.CONFIRMED, TODAY, TODAY)
    assert not is_late(S.RECEIVED, date(2026, 11, 1), TODAY)
    assert not is_late(S.SENT, None, TODAY)


def test_supplier_performance() -> None:
    found = supplier_performance(
        [
            DeliveryRecord(
                ordered=700, received_on_time=700, lead_time_days=12.0, promised_days=14
            ),
            DeliveryRecord(ordered=100, received_on_time=40, lead_time_days=20.0, promised_days=14),
            DeliveryRecord(ordered=200, received_on_time=0, lead_time_days=None, promised_days=10),
        ]
    )
    assert found.lines == 3
    assert found.on_time_rate == 0.74  # 740 of 1000
    assert found.average_lead_time_days == 16.0
    assert found.average_days_past_promise == 2.0  # 2 days early, 6 late; the open line not
    empty = supplier_performance([])
    assert (empty.on_time_rate, empty.average_lead_time_days) == (None, None)
    assert empty.average_days_past_promise is None


def test_nothing_is_bought_for_a_need_already_covered() -> None:
    no_offers: dict[str, list[SupplierOffer[str, str]]] = {}
    plan = plan_purchases({"SWITCH": 0, "PCB": -2}, no_offers, TODAY)
    assert (plan.suggestions, plan.held) == ([], [])
