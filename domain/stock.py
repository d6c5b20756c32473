"""Stock arithmetic for one item in one warehouse.

    usable    = on hand - quarantined      what picking may take (quarantine bins never)
    available = usable - reserved          what may be reserved or issued

This is the one definition of usable stock: reserving, issuing and picking all follow it, so
nothing reserved can be stranded in quarantine. No number may go negative, and reserved plus
quarantined never exceeds on hand. Every operation returns a new position or raises; the caller
persists it (with a ledger row for every change of on hand).
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Generic, TypeVar

from domain.errors import Conflict, InsufficientStock
from domain.limits import check_on_hand

K = TypeVar("K", bound=Hashable)


class MovementType(StrEnum):
    RECEIPT = "RECEIPT"
    ISSUE = "ISSUE"
    ADJUSTMENT = "ADJUSTMENT"
    TRANSFER = "TRANSFER"


class AdjustmentReason(StrEnum):
    """Why on hand was corrected (the ledger's reason code for adjustments)."""

    COUNT = "COUNT"  # a stocktake found a difference
    DAMAGE = "DAMAGE"
    LOSS = "LOSS"
    FOUND = "FOUND"
    EXPIRED = "EXPIRED"
    CORRECTION = "CORRECTION"  # a booking mistake put right


class ZoneType(StrEnum):
    RECEIVING = "RECEIVING"
    STORAGE = "STORAGE"
    SHIPPING = "SHIPPING"
    QUARANTINE = "QUARANTINE"


# Where an issue without a named bin takes stock from, first to last. Quarantined stock is
# never issued by itself: it must be moved out of quarantine first.
PICKING_ORDER = (ZoneType.STORAGE, ZoneType.RECEIVING, ZoneType.SHIPPING)


class ReservationStatus(StrEnum):
    RESERVED = "reserved"
    CONSUMED = "consumed"
    RELEASED = "released"


class Priority(StrEnum):
    LOW = "LOW"
    NORMAL = "NORMAL"
    HIGH = "HIGH"
    URGENT = "URGENT"

    @property
    def rank(self) -> int:
        """Higher is more urgent."""
        return list(Priority).index(self)


def _positive(quantity: int) -> None:
    if quantity <= 0:
        raise Conflict("quantity must be positive", quantity=quantity)


@dataclass(frozen=True)
class StockPosition:
    on_hand: int = 0
    reserved: int = 0
    quarantined: int = 0  # on hand in quarantine bins

    def __post_init__(self) -> None:
        if (
            min(self.on_hand, self.reserved, self.quarantined) < 0
            or self.reserved + self.quarantined > self.on_hand
        ):
            raise InsufficientStock(
                "stock would become inconsistent",
                on_hand=self.on_hand,
                reserved=self.reserved,
                quarantined=self.quarantined,
            )

    @property
    def usable(self) -> int:
        return self.on_hand - self.quarantined

    @property
    def available(self) -> int:
        return self.usable - self.reserved

    def _with(self, on_hand: int, reserved: int, quarantined: int | None = None) -> StockPosition:
        kept = self.quarantined if quarantined is None else quarantined
        return StockPosition(on_hand, reserved, kept)

    def receive(self, quantity: int) -> StockPosition:
        _positive(quantity)
        check_on_hand(self.on_hand + quantity)
        return self._with(self.on_hand + quantity, self.reserved)

    def _check_free(self, verb: str, quantity: int) -> None:
        """`quantity` is positive and no more than the unreserved, usable stock."""
        _positive(quantity)
        if quantity > self.available:
            raise InsufficientStock(
                f"cannot {verb} {quantity}: only {self.available} available",
                requested=quantity,
                available=self.available,
            )

    def issue(self, quantity: int) -> StockPosition:
        """Take unreserved stock out of the warehouse."""
        self._check_free("issue", quantity)
        return self._with(self.on_hand - quantity, self.reserved)

    def adjust(self, delta: int) -> StockPosition:
        """A correction of on hand (count result, damage). It may not cut into reservations."""
        if delta == 0:
            raise Conflict("an adjustment needs a non-zero quantity")
        check_on_hand(self.on_hand + delta)
        if self.on_hand + delta < self.reserved + self.quarantined:
            raise InsufficientStock(
                f"cannot adjust by {delta}: {self.reserved} of the {self.usable} usable are "
                "reserved",
                delta=delta,
                on_hand=self.on_hand,
                reserved=self.reserved,
            )
        return self._with(self.on_hand + delta, self.reserved)

    def quarantine(self, delta: int) -> StockPosition:
        """Units moved into quarantine bins (`delta` > 0) or out of them (< 0). Moving reserved
        stock into quarantine is refused: the reservation could never be picked."""
        if delta > self.available:
            raise InsufficientStock(
                f"cannot put {delta} into quarantine: only {self.available} of the "
                f"{self.usable} usable are free ({self.reserved} are reserved)",
                requested=delta,
                available=self.available,
            )
        return self._with(self.on_hand, self.reserved, self.quarantined + delta)

    def book(self, movement: MovementType, delta: int, quarantined: int = 0) -> StockPosition:
        """A receipt, issue or adjustment changing on hand by `delta`, of which `quarantined`
        units arrive in (> 0) or leave (< 0) quarantine bins: what leaves quarantine is usable
        before the movement, what arrives there is set aside after it."""
        position = self.quarantine(quarantined) if quarantined < 0 else self
        if movement is MovementType.RECEIPT:
            position = position.receive(delta)
        elif movement is MovementType.ISSUE:
            position = position.issue(-delta)
        elif movement is MovementType.ADJUSTMENT:
            position = position.adjust(delta)
        else:
            raise Conflict(f"{movement} changes two positions; book each side")
        return position.quarantine(quarantined) if quarantined > 0 else position

    def reserve(self, quantity: int) -> StockPosition:
        """Reserve exactly `quantity` or fail."""
        self._check_free("reserve", quantity)
        return self._with(self.on_hand, self.reserved + quantity)

    def reserve_up_to(self, quantity: int) -> tuple[int, StockPosition]:
        """Reserve as much of `quantity` as is available; returns (granted, new position)."""
        granted = max(0, min(quantity, self.available))
        return granted, self._with(self.on_hand, self.reserved + granted)

    def release(self, quantity: int) -> StockPosition:
        _positive(quantity)
        return self._with(self.on_hand, self.reserved - quantity)

    def consume(self, quantity: int) -> StockPosition:
        """Issue reserved stock (the reservation is used up)."""
        _positive(quantity)
        return self._with(self.on_hand - quantity, self.reserved - quantity)


@dataclass(frozen=True)
class Demand(Generic[K]):
    """What one waiting order still needs of an item."""

    key: K
    quantity: int
    priority: Priority
    due_date: date
    created_order: int = 0  # tie-breaker: older first


def allocate(available: int, demands: Sequence[Demand[K]]) -> list[tuple[K, int]]:
    """Hand out `available` to demands by priority, then due date, then age."""
    ranked = sorted(demands, key=lambda d: (-d.priority.rank, d.due_date, d.created_order))
    grants: list[tuple[K, int]] = []
    left = available
    for demand in ranked:
        if left <= 0:
            break
        granted = min(left, demand.quantity)
        if granted > 0:
            grants.append((demand.key, granted))
            left -= granted
    return grants


@dataclass(frozen=True)
class BinQuantity(Generic[K]):
    bin: K
    zone_type: ZoneType
    on_hand: int


def pick_bins(bins: Sequence[BinQuantity[K]], quantity: int) -> list[tuple[K, int]]:
    """Which bins an issue of `quantity` takes from: by zone (PICKING_ORDER), then the
    fullest bin first, so that stock comes from as few bins as possible."""
    _positive(quantity)
    candidates = sorted(
        (b for b in bins if b.zone_type in PICKING_ORDER and b.on_hand > 0),
        key=lambda b: (PICKING_ORDER.index(b.zone_type), -b.on_hand),
    )
    picks: list[tuple[K, int]] = []
    left = quantity
    for candidate in candidates:
        take = min(left, candidate.on_hand)
        picks.append((candidate.bin, take))
        left -= take
        if left == 0:
            return picks
    pickable = quantity - left
    raise InsufficientStock(
        f"cannot take {quantity} from the bins: only {pickable} outside quarantine",
        requested=quantity,
        available=pickable,
    )
