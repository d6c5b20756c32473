"""Bill of materials: what one unit of a product is made of, and what an order needs."""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from typing import Generic, TypeVar

from domain.errors import Conflict

K = TypeVar("K", bound=Hashable)


@dataclass(frozen=True)
class BomLine(Generic[K]):
    item: K
    quantity_per_unit: int


def explode(bom: Iterable[BomLine[K]], order_quantity: int) -> dict[K, int]:
    """Total quantity of each component for `order_quantity` units; repeated lines add up."""
    if order_quantity <= 0:
        raise Conflict("an order needs a positive quantity", quantity=order_quantity)
    needs: dict[K, int] = {}
    for line in bom:
        if line.quantity_per_unit <= 0:
            raise Conflict("a BOM line needs a positive quantity", item=str(line.item))
        needs[line.item] = needs.get(line.item, 0) + line.quantity_per_unit * order_quantity
    if not needs:
        raise Conflict("the product has an empty bill of materials")
    return needs


def can_build(bom: Iterable[BomLine[K]], available: dict[K, int]) -> int:
    """How many units the available stock covers: min over lines of floor(available / per unit)."""
    counts = [available.get(line.item, 0) // line.quantity_per_unit for line in bom]
    return min(counts, default=0)
