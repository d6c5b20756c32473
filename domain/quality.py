"""Quality control: a checklist is a template of items, each required or optional, either a
pass/fail check or a measured value with limits. An inspection gives a result per item; the
verdict follows: any required item failed or out of range fails the unit."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from domain.errors import InvalidInput


class CheckKind(StrEnum):
    PASS_FAIL = "PASS_FAIL"  # noqa: S105 - a kind of check, not a secret
    MEASURE = "MEASURE"


class InspectionStatus(StrEnum):
    PENDING = "pending"
    IN_PROGRESS = "in_progress"
    PASSED = "passed"
    FAILED = "failed"


@dataclass(frozen=True)
class CheckItem:
    id: uuid.UUID
    description: str
    required: bool
    kind: CheckKind
    min_value: Decimal | None = None
    max_value: Decimal | None = None
    unit: str | None = None

    def __post_init__(self) -> None:
        if self.kind is CheckKind.MEASURE and self.min_value is None and self.max_value is None:
            raise InvalidInput(
                f"{self.description!r} measures a value: give it a min, a max or both"
            )
        if (
            self.min_value is not None
            and self.max_value is not None
            and self.min_value > self.max_value
        ):
            raise InvalidInput(
                f"{self.description!r}: min {self.min_value} is above max {self.max_value}"
            )


@dataclass(frozen=True)
class Result:
    item_id: uuid.UUID
    passed: bool | None = None
    value: Decimal | None = None
    comment: str | None = None


@dataclass(frozen=True)
class Judged:
    item: CheckItem
    result: Result | None  # None: an optional item left unchecked
    ok: bool

    @property
    def line(self) -> str:
        """How it went, in words, for the rework note."""
        result = self.result
        return describe(
            self.item.description,
            result.value if result else None,
            self.item.unit,
            result.comment if result else None,
        )


def describe(description: str, value: Decimal | None, unit: str | None, comment: str | None) -> str:
    """A checked item in words: `Current draw = 131.5 mA: spikes at start-up`."""
    shown = description
    if value is not None:
        shown += f" = {value}{' ' + unit if unit else ''}"
    return shown + (f": {comment}" if comment else "")


@dataclass(frozen=True)
class Verdict:
    passed: bool
    judged: list[Judged]

    @property
    def failed(self) -> list[Judged]:
        """The required items that failed: what rework must put right."""
        return [j for j in self.judged if not j.ok and j.item.required]


def _judge(item: CheckItem, result: Result) -> bool:
    if item.kind is CheckKind.PASS_FAIL:
        if result.passed is None:
            raise InvalidInput(
                f"{item.description!r} needs passed true or false", item_id=str(item.id)
            )
        return result.passed
    if result.value is None:
        raise InvalidInput(f"{item.description!r} needs the measured value", item_id=str(item.id))
    low_ok = item.min_value is None or result.value >= item.min_value
    high_ok = item.max_value is None or result.value <= item.max_value
    return low_ok and high_ok


def evaluate(items: Sequence[CheckItem], results: Sequence[Result]) -> Verdict:
    """Judge each result against its item; refuse results for unknown items, twice for one
    item, or missing for a required one."""
    by_item: dict[uuid.UUID, Result] = {}
    known = {item.id for item in items}
    for result in results:
        if result.item_id not in known:
            raise InvalidInput(
                f"item {result.item_id} is not on this checklist", item_id=str(result.item_id)
            )
        if result.item_id in by_item:
            raise InvalidInput(
                f"item {result.item_id} has two results", item_id=str(result.item_id)
            )
        by_item[result.item_id] = result
    missing = [item.description for item in items if item.required and item.id not in by_item]
    if missing:
        raise InvalidInput("required checks without a result: " + "; ".join(missing))
    judged = [
        Judged(
            item,
            by_item.get(item.id),
            _judge(item, by_item[item.id]) if item.id in by_item else True,
        )
        for item in items
    ]
    return Verdict(passed=all(j.ok for j in judged if j.item.required), judged=judged)
