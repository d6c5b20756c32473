"""The production route of an order and how completing a stage moves it along.

design -> procurement -> assembly -> [soldering] -> testing -> qc -> shipping

Soldering is only on the route of products that are soldered (not hot-swap). Procurement is
automatic: it ends by itself once every component is reserved. Testing and QC are inspections:
their completion carries `passed`, and a failure sends the unit back for rework (testing to
soldering, or to assembly when there is no soldering; QC to assembly).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum

from domain.errors import InvalidInput, OrderClosed, WrongStage


class Stage(StrEnum):
    DESIGN = "design"
    PROCUREMENT = "procurement"
    ASSEMBLY = "assembly"
    SOLDERING = "soldering"
    TESTING = "testing"
    QC = "qc"
    SHIPPING = "shipping"


class OrderStatus(StrEnum):
    PENDING = "pending"
    IN_PRODUCTION = "in_production"
    QUALITY_CONTROL = "quality_control"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


AUTOMATIC_STAGES = frozenset({Stage.PROCUREMENT})
INSPECTION_STAGES = frozenset({Stage.TESTING, Stage.QC})
FINAL_STATUSES = frozenset({OrderStatus.COMPLETED, OrderStatus.CANCELLED})

_STATUS_OF_STAGE = {
    Stage.DESIGN: OrderStatus.PENDING,
    Stage.PROCUREMENT: OrderStatus.PENDING,
    Stage.ASSEMBLY: OrderStatus.IN_PRODUCTION,
    Stage.SOLDERING: OrderStatus.IN_PRODUCTION,
    Stage.TESTING: OrderStatus.IN_PRODUCTION,
    Stage.QC: OrderStatus.QUALITY_CONTROL,
    Stage.SHIPPING: OrderStatus.IN_PRODUCTION,
}


def route_for(*, requires_soldering: bool) -> tuple[Stage, ...]:
    return tuple(s for s in Stage if requires_soldering or s is not Stage.SOLDERING)


@dataclass(frozen=True)
class Progress:
    """Where an order stands on its route. Immutable: every step returns a new value."""

    route: tuple[Stage, ...]
    stage: Stage | None
    status: OrderStatus
    rework_count: int = 0

    @classmethod
    def start(cls, *, requires_soldering: bool) -> Progress:
        route = route_for(requires_soldering=requires_soldering)
        return cls(route=route, stage=route[0], status=OrderStatus.PENDING)

    @property
    def is_closed(self) -> bool:
        return self.status in FINAL_STATUSES

    def check_at(self, stage: Stage) -> None:
        """Raise unless the order is at `stage` now."""
        if stage is not self.stage:
            raise WrongStage(
                f"the order is at {self.stage}, not at {stage}", stage=stage, current=self.stage
            )

    def check_completion(self, stage: Stage, passed: bool | None) -> None:
        """Raise unless a person may report `stage` complete now: a closed order, an automatic
        or another stage are conflicts; an inspection reported without a verdict is malformed."""
        if self.is_closed:
            raise OrderClosed(f"the order is already {self.status}", status=self.status)
        if stage in AUTOMATIC_STAGES:
            raise WrongStage(
                f"{stage} is automatic and completes by itself", stage=stage, current=self.stage
            )
        self.check_at(stage)
        if stage in INSPECTION_STAGES and passed is None:
            raise InvalidInput(
                f"completing {stage} needs a verdict: passed true or false", field="passed"
            )

    def complete(self, stage: Stage, passed: bool | None = None) -> Progress:
        """The progress after `stage` is completed (with a verdict for inspections)."""
        if stage in AUTOMATIC_STAGES:
            self.check_at(stage)
        else:
            self.check_completion(stage, passed)
        if stage in INSPECTION_STAGES and passed is False:
            return self._moved_to(self.rework_target(stage), rework=True)
        index = self.route.index(stage)
        if index + 1 == len(self.route):
            return replace(self, stage=None, status=OrderStatus.COMPLETED)
        return self._moved_to(self.route[index + 1], rework=False)

    def cancelled(self) -> Progress:
        if self.is_closed:
            raise OrderClosed(f"the order is already {self.status}", status=self.status)
        return replace(self, stage=None, status=OrderStatus.CANCELLED)

    def rework_target(self, failed: Stage) -> Stage:
        if failed is Stage.TESTING and Stage.SOLDERING in self.route:
            return Stage.SOLDERING
        return Stage.ASSEMBLY

    def _moved_to(self, stage: Stage, *, rework: bool) -> Progress:
        return replace(
            self,
            stage=stage,
            status=_STATUS_OF_STAGE[stage],
            rework_count=self.rework_count + (1 if rework else 0),
        )
