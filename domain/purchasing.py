"""Purchasing rules: which supplier to buy a shortage from, how much, and the PO life cycle."""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
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


RECEIVABLE = frozenset({PurchaseOrderStatus.CONFIRMED, PurchaseOrderStatus.PARTIALLY_RECEIVED})


def check_receivable(status: PurchaseOrderStatus) -> None:
    if status not in RECEIVABLE:
        why = (
            "it must be confirmed first"
            if status in (PurchaseOrderStatus.DRAFT, PurchaseOrderStatus.SENT)
            else "nothing more is coming"
        )
        raise Conflict(f"a {status} purchase order cannot be received; {why}", status=status)


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


def receivable(ordered: int, tolerance_pct: int = 0) -> int:
    """The most a line may receive: what was ordered, plus the supplier's tolerance."""
    return ordered + (ordered * tolerance_pct) // 100


def check_receipt(*, ordered: int, received: int, quantity: int, tolerance_pct: int = 0) -> None:
    if quantity <= 0:
        raise Conflict("a receipt needs a positive quantity", quantity=quantity)
    limit = receivable(ordered, tolerance_pct)
    if received + quantity > limit:
        allowance = f" (+{tolerance_pct}% tolerance)" if tolerance_pct else ""
        raise Conflict(
            f"receiving {quantity} would exceed the ordered {ordered}{allowance}: "
            f"{received} already received, at most {limit - received} more",
            ordered=ordered,
            received=received,
            quantity=quantity,
            receivable=limit - received,
        )


def is_late(status: PurchaseOrderStatus | str, expected: date | None, today: date) -> bool:
    """Past its expected date and not (fully) received or cancelled."""
    still_coming = PurchaseOrderStatus(status) in OPEN_STATUSES
    return still_coming and expected is not None and expected < today


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
    price_breaks: tuple[tuple[int, Decimal], ...] = ()  # (from quantity, unit price)

    def price_for(self, quantity: int) -> Decimal:
        """The cheapest price that applies to a line of `quantity`."""
        applicable = [price for least, price in self.price_breaks if quantity >= least]
        return min([self.unit_price, *applicable])


@dataclass(frozen=True)
class PurchaseSuggestion(Generic[S, K]):
    supplier: S
    item: K
    quantity: int
    unit_price: Decimal
    expected_date: date

    @property
    def value(self) -> Decimal:
        return self.unit_price * self.quantity


def order_quantity(needed: int, *, min_order_qty: int, pack_size: int = 1) -> int:
    """At least the minimum order quantity, in whole packs."""
    if needed <= 0:
        return 0
    quantity = max(needed, min_order_qty)
    pack = max(pack_size, 1)
    return -(-quantity // pack) * pack


def choose_offer(
    offers: Iterable[SupplierOffer[S, K]], quantity: int = 1
) -> SupplierOffer[S, K] | None:
    """The active preferred supplier; without one (or when it is blocked), the cheapest for
    this quantity, then the fastest."""
    active = [o for o in offers if o.active]
    if not active:
        return None

    def rank(offer: SupplierOffer[S, K]) -> tuple[bool, Decimal, int]:
        bought = order_quantity(
            quantity, min_order_qty=offer.min_order_qty, pack_size=offer.pack_size
        )
        return (not offer.preferred, offer.price_for(bought), offer.lead_time_days)

    return min(active, key=rank)


@dataclass(frozen=True)
class HeldNeed(Generic[S, K]):
    """A need no purchase order is raised for, and why."""

    item: K
    quantity: int
    reason: str
    supplier: S | None = None


@dataclass(frozen=True)
class PurchasePlan(Generic[S, K]):
    suggestions: list[PurchaseSuggestion[S, K]]
    held: list[HeldNeed[S, K]]


def plan_purchases(
    needs: Mapping[K, int],
    offers: Mapping[K, Iterable[SupplierOffer[S, K]]],
    today: date,
    *,
    committed: Mapping[S, Decimal] | None = None,
    credit_limits: Mapping[S, Decimal | None] | None = None,
) -> PurchasePlan[S, K]:
    """What to buy from whom: the chosen supplier (see `choose_offer`), at least its minimum
    order quantity in whole packs, at the cheapest price break that applies, expected after its
    lead time. A supplier's open orders (`committed`) plus the new lines must stay within its
    credit limit; what does not fit is held, with the reason."""
    spent = dict(committed or {})
    limits = credit_limits or {}
    suggestions: list[PurchaseSuggestion[S, K]] = []
    held: list[HeldNeed[S, K]] = []
    for item, needed in needs.items():
        if needed <= 0:
            continue
        offer = choose_offer(offers.get(item, ()), needed)
        if offer is None:
            held.append(HeldNeed(item, needed, "no active supplier offers it"))
            continue
        quantity = order_quantity(
            needed, min_order_qty=offer.min_order_qty, pack_size=offer.pack_size
        )
        line = PurchaseSuggestion(
            supplier=offer.supplier,
            item=item,
            quantity=quantity,
            unit_price=offer.price_for(quantity),
            expected_date=today + timedelta(days=offer.lead_time_days),
        )
        limit = limits.get(offer.supplier)
        already = spent.get(offer.supplier, Decimal(0))
        if limit is not None and already + line.value > limit:
            held.append(
                HeldNeed(
                    item,
                    needed,
                    f"over the supplier's credit limit {limit}: {already} already on open orders,"
                    f" this line {line.value}",
                    offer.supplier,
                )
            )
            continue
        spent[offer.supplier] = already + line.value
        suggestions.append(line)
    return PurchasePlan(suggestions, held)


@dataclass(frozen=True)
class DeliveryRecord:
    """One purchase-order line as delivered, for supplier performance."""

    ordered: int
    received_on_time: int  # received by the end of the expected date
    lead_time_days: float | None  # from sending to the last receipt, when fully received
    promised_days: float | None = None  # from sending to the expected date


@dataclass(frozen=True)
class SupplierPerformance:
    lines: int
    on_time_rate: float | None  # received by the expected date, of what was ordered
    average_lead_time_days: float | None
    # Lead-time accuracy: how much later than promised the full delivery came, on average
    # (negative: earlier), over the lines fully received with a promise.
    average_days_past_promise: float | None = None


def supplier_performance(records: Sequence[DeliveryRecord]) -> SupplierPerformance:
    ordered = sum(r.ordered for r in records)
    on_time = sum(min(r.received_on_time, r.ordered) for r in records)
    leads = [r.lead_time_days for r in records if r.lead_time_days is not None]
    misses = [
        r.lead_time_days - r.promised_days
        for r in records
        if r.lead_time_days is not None and r.promised_days is not None
    ]
    return SupplierPerformance(
        lines=len(records),
        on_time_rate=round(on_time / ordered, 4) if ordered else None,
        average_lead_time_days=round(sum(leads) / len(leads), 2) if leads else None,
        average_days_past_promise=round(sum(misses) / len(misses), 2) if misses else None,
    )
