"""Stocktake arithmetic: what a count changes. Posting replaces the system's quantity in each
counted bin with the counted one; bins not counted are left alone."""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Generic, TypeVar

from domain.errors import IllegalTransition

K = TypeVar("K", bound=Hashable)


class StocktakeStatus(StrEnum):
    OPEN = "open"
    POSTED = "posted"
    CANCELLED = "cancelled"


def check_open(status: StocktakeStatus | str) -> None:
    if StocktakeStatus(status) is not StocktakeStatus.OPEN:
        raise IllegalTransition(f"the stocktake is already {status}", status=str(status))


@dataclass(frozen=True)
class CountLine(Generic[K]):
    key: K  # (item, bin)
    expected: int  # when the count opened
    counted: int | None


def differences(lines: Iterable[CountLine[K]], current: Mapping[K, int]) -> dict[K, int]:
    """The adjustment each counted line needs now: counted minus what the bin holds at posting
    (movements during the count are respected). Zero differences are left out."""
    deltas: dict[K, int] = {}
    for line in lines:
        if line.counted is None:
            continue
        delta = line.counted - current.get(line.key, 0)
        if delta:
            deltas[line.key] = delta
    return deltas
