from datetime import date
from decimal import Decimal

import pytest

from domain.errors import Conflict, IllegalTransition
from domain.purchasing import (
    PurchaseOrderStatus,
    SupplierOffer,
    check_receipt,
    check_transition,
    choose_offer,
    order_quantity,
    status_after_receipt,
    suggest_purchases,
)

S = PurchaseOrderStatus


def offer(
    supplier: str,
    price: str,
    *,
    preferred: bool = False,
    active: bool = True,
    moq: int = 1,
    pack: int = 1,
    lead: int = 7,
) -> SupplierOffer[str, str]:
    return SupplierOffer(supplier, "SWITCH", Decimal(price), moq, lead, preferred, pack, active)


def test_switches_are_bought_in_whole_reels_of_at_least_the_moq() -> None:
    # 68 switches short; reels of 70, at least 10 reels.
    assert order_quantity(68, min_order_qty=700, pack_size=70) == 700
    assert order_quantity(701, min_order_qty=700, pack_size=70) == 770
    assert order_quantity(0, min_order_qty=700, pack_size=70) == 0


def test_the_preferred_active_supplier_wins_even_when_dearer() -> None:
    chosen = choose_offer([offer("cheap", "0.30"), offer("usual", "0.32", preferred=True)])
    assert chosen is not None
    assert chosen.supplier == "usual"


def test_without_a_preferred_supplier_the_cheapest_active_one_wins() -> None:
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


def test_suggestions_carry_quantity_price_and_expected_date() -> None:
    suggestions, unsourced = suggest_purchases(
        {"SWITCH": 68, "PCB": 2},
        {"SWITCH": [offer("gateron", "0.32", preferred=True, moq=700, pack=70, lead=14)]},
        date(2026, 11, 28),
    )
    assert unsourced == ["PCB"]
    (suggestion,) = suggestions
    assert suggestion.supplier == "gateron"
    assert suggestion.quantity == 700
    assert suggestion.unit_price == Decimal("0.32")
    assert suggestion.expected_date == date(2026, 12, 12)


def test_the_purchase_order_life_cycle() -> None:
    check_transition(S.DRAFT, S.SENT)
    check_transition(S.SENT, S.CONFIRMED)
    check_transition(S.CONFIRMED, S.RECEIVED)
    check_transition(S.SENT, S.CANCELLED)
    for current, target in [
        (S.DRAFT, S.CONFIRMED),
        (S.RECEIVED, S.SENT),
        (S.CONFIRMED, S.CANCELLED),
    ]:
        with pytest.raises(IllegalTransition):
            check_transition(current, target)


def test_receipts_may_be_partial_but_never_exceed_the_order() -> None:
    check_receipt(ordered=700, received=350, quantity=350)
    with pytest.raises(Conflict, match="exceed"):
        check_receipt(ordered=700, received=350, quantity=351)
    with pytest.raises(Conflict):
        check_receipt(ordered=700, received=0, quantity=0)
    assert status_after_receipt([(700, 350), (5, 5)]) is S.PARTIALLY_RECEIVED
    assert status_after_receipt([(700, 700), (5, 5)]) is S.RECEIVED
