"""Purchasing rules: which supplier to buy a shortage from, how much, and the PO life cycle."""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Generic, TypeVar

from domain.errors import Conflict, IllegalTransition

K = TypeVar("K", bound=Hashable)
S = TypeVar("S", bound=Hashable)


class PurchaseOrderStatus(StrEnum):
    DRAFT = "draft"
    SENT = "sent"
    CONFIRMED = "confirmed"
    PARTIALLY_RECEIVED = "partially_received"
    RECEIVED = "received"
    CANCELLED = "cancelled"


_NEXT: dict[PurchaseOrderStatus, frozenset[PurchaseOrderStatus]] = {
    PurchaseOrderStatus.DRAFT: frozenset({PurchaseOrderStatus.SENT, PurchaseOrderStatus.CANCELLED}),
    PurchaseOrderStatus.SENT: frozenset(
        {PurchaseOrderStatus.CONFIRMED, PurchaseOrderStatus.CANCELLED}
    ),
    PurchaseOrderStatus.CONFIRMED: frozenset(
        {PurchaseOrderStatus.PARTIALLY_RECEIVED, PurchaseOrderStatus.RECEIVED}
    ),
    PurchaseOrderStatus.PARTIALLY_RECEIVED: frozenset(
        {PurchaseOrderStatus.PARTIALLY_RECEIVED, PurchaseOrderStatus.RECEIVED}
    ),
    PurchaseOrderStatus.RECEIVED: frozenset(),
    PurchaseOrderStatus.CANCELLED: frozenset(),
}

OPEN_STATUSES = frozenset(
    {
        PurchaseOrderStatus.DRAFT,
        PurchaseOrderStatus.SENT,
        PurchaseOrderStatus.CONFIRMED,
        PurchaseOrderStatus.PARTIALLY_RECEIVED,
    }
)


def check_transition(current: PurchaseOrderStatus, target: PurchaseOrderStatus) -> None:
    if target not in _NEXT[current]:
        raise IllegalTransition(
            f"a purchase order cannot go from {current} to {target}",
            current=current,
            target=target,
        )


def status_after_receipt(lines: Iterable[tuple[int, int]]) -> PurchaseOrderStatus:
    """Given (ordered, received) per line after a receipt."""
    done = all(received >= ordered for ordered, received in lines)
    return PurchaseOrderStatus.RECEIVED if done else PurchaseOrderStatus.PARTIALLY_RECEIVED


def check_receipt(*, ordered: int, received: int, quantity: int) -> None:
    if quantity <= 0:
        raise Conflict("a receipt needs a positive quantity", quantity=quantity)
    if received + quantity > ordered:
        raise Conflict(
            f"receiving {quantity} would exceed the ordered {ordered} "
            f"({received} already received)",
            ordered=ordered,
            received=received,
            quantity=quantity,
        )


@dataclass(frozen=True)
class SupplierOffer(Generic[S, K]):
    supplier: S
    item: K
    unit_price: Decimal
    min_order_qty: int
    lead_time_days: int
    preferred: bool = False
    pack_size: int = 1
    active: bool = True


@dataclass(frozen=True)
class PurchaseSuggestion(Generic[S, K]):
    supplier: S
    item: K
    quantity: int
    unit_price: Decimal
    expected_date: date


def choose_offer(offers: Iterable[SupplierOffer[S, K]]) -> SupplierOffer[S, K] | None:
    """The active preferred supplier; without one, the cheapest, then the fastest."""
    active = [o for o in offers if o.active]
    if not active:
        return None
    return min(active, key=lambda o: (not o.preferred, o.unit_price, o.lead_time_days))


def order_quantity(needed: int, *, min_order_qty: int, pack_size: int = 1) -> int:
    """At least the minimum order quantity, in whole packs."""
    if needed <= 0:
        return 0
    quantity = max(needed, min_order_qty)
    pack = max(pack_size, 1)
    return -(-quantity // pack) * pack


def suggest_purchases(
    shortages: Mapping[K, int],
    offers: Mapping[K, Iterable[SupplierOffer[S, K]]],
    today: date,
) -> tuple[list[PurchaseSuggestion[S, K]], list[K]]:
    """Suggestions for each shortage, and the items no active supplier offers."""
    suggestions: list[PurchaseSuggestion[S, K]] = []
    unsourced: list[K] = []
    for item, needed in shortages.items():
        if needed <= 0:
            continue
        offer = choose_offer(offers.get(item, ()))
        if offer is None:
            unsourced.append(item)
            continue
        suggestions.append(
            PurchaseSuggestion(
                supplier=offer.supplier,
                item=item,
                quantity=order_quantity(
                    needed, min_order_qty=offer.min_order_qty, pack_size=offer.pack_size
                ),
                unit_price=offer.unit_price,
                expected_date=today + timedelta(days=offer.lead_time_days),
            )
        )
    return suggestions, unsourced
