"""In-memory stand-ins for the order activities, under the same names as the real ones."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from temporalio import activity
from temporalio.exceptions import ApplicationError

from workflows.contracts import (
    OrderInput,
    OrderRef,
    OrderSnapshot,
    OrderStep,
    ProcureRequest,
    ProcureResult,
    RegisterResult,
    ReleaseResult,
    ReserveResult,
    Shortage,
)

SWITCH = uuid.UUID(int=68)


@dataclass
class FakeShop:
    """What the activities would do to a workshop, recorded as calls."""

    switches_short: int = 0  # the shortage the next reservation reports
    fail_consume: bool = False
    calls: list[str] = field(default_factory=list)
    snapshots: list[OrderSnapshot] = field(default_factory=list)

    @activity.defn(name="register_order")
    async def register_order(self, order: OrderInput) -> RegisterResult:
        self.calls.append("register_order")
        return RegisterResult(registered=True)

    @activity.defn(name="reserve_stock")
    async def reserve_stock(self, ref: OrderRef) -> ReserveResult:
        self.calls.append("reserve_stock")
        if self.switches_short:
            shortage = Shortage(item_id=SWITCH, sku="SW-LIN-RED", quantity=self.switches_short)
            return ReserveResult(complete=False, shortages=[shortage])
        return ReserveResult(complete=True)

    @activity.defn(name="raise_purchase_orders")
    async def raise_purchase_orders(self, request: ProcureRequest) -> ProcureResult:
        self.calls.append("raise_purchase_orders")
        return ProcureResult(purchase_orders=["PO-000001"])

    @activity.defn(name="consume_components")
    async def consume_components(self, step: OrderStep) -> int:
        self.calls.append(f"consume_components:{step.actor}")
        if self.fail_consume:
            raise ApplicationError(
                "cannot issue 68: only 0 available", type="insufficient_stock", non_retryable=True
            )
        return 8

    @activity.defn(name="record_shipment")
    async def record_shipment(self, step: OrderStep) -> None:
        self.calls.append("record_shipment")

    @activity.defn(name="release_order")
    async def release_order(self, ref: OrderRef) -> ReleaseResult:
        self.calls.append("release_order")
        return ReleaseResult(released_reservations=8, cancelled_purchase_orders=["PO-000001"])

    @activity.defn(name="save_progress")
    async def save_progress(self, snapshot: OrderSnapshot) -> bool:
        self.snapshots.append(snapshot)
        return True

    def activities(self) -> list[Callable[..., Any]]:
        return [
            self.register_order,
            self.reserve_stock,
            self.raise_purchase_orders,
            self.consume_components,
            self.record_shipment,
            self.release_order,
            self.save_progress,
        ]
