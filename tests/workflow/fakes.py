"""In-memory stand-ins for the order activities, under the same names as the real ones."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from temporalio import activity
from temporalio.exceptions import ApplicationError

from contracts.orders import (
    ClaimResult,
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
    StageClaim,
    StageRelease,
)
from domain.stages import Stage

SWITCH = uuid.UUID(int=68)


@dataclass
class FakeShop:
    """What the activities would do to a workshop, recorded as calls."""

    switches_short: int = 0  # the shortage the next reservation reports
    fail_consume: bool = False
    station_busy: bool = False  # claiming soldering equipment is refused
    paused: str | None = None  # an activity that waits for `resume` once it has started
    resume: asyncio.Event = field(default_factory=asyncio.Event)
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
        await self._pause("consume_components")
        if self.fail_consume:
            raise ApplicationError(
                "cannot issue 68: only 0 available", type="insufficient_stock", non_retryable=True
            )
        return 8

    @activity.defn(name="record_shipment")
    async def record_shipment(self, step: OrderStep) -> None:
        self.calls.append("record_shipment")
        await self._pause("record_shipment")

    @activity.defn(name="release_order")
    async def release_order(self, ref: OrderRef) -> ReleaseResult:
        self.calls.append("release_order")
        return ReleaseResult(released_reservations=8, cancelled_purchase_orders=["PO-000001"])

    @activity.defn(name="save_progress")
    async def save_progress(self, snapshot: OrderSnapshot) -> bool:
        self.snapshots.append(snapshot)
        return True

    @activity.defn(name="claim_for_stage")
    async def claim_for_stage(self, claim: StageClaim) -> ClaimResult:
        self.calls.append(f"claim_for_stage:{claim.stage}")
        if claim.stage is not Stage.SOLDERING:
            return ClaimResult(worker="Ivan")
        if self.station_busy:
            raise ApplicationError(
                "no free soldering_station for soldering: SS-1 (in use by ZK-000001)",
                type="equipment_busy",
                non_retryable=True,
            )
        return ClaimResult(worker="Ivan", equipment="SS-1")

    @activity.defn(name="release_stage_equipment")
    async def release_stage_equipment(self, release: StageRelease) -> int:
        self.calls.append(f"release_stage_equipment:{release.stage}")
        return 1

    @activity.defn(name="assign_serials")
    async def assign_serials(self, ref: OrderRef) -> list[str]:
        self.calls.append("assign_serials")
        return ["KB-65-SOL-T-01"]

    async def _pause(self, name: str) -> None:
        if self.paused == name:
            await self.resume.wait()

    def activities(self) -> list[Callable[..., Any]]:
        return [
            self.claim_for_stage,
            self.release_stage_equipment,
            self.assign_serials,
            self.register_order,
            self.reserve_stock,
            self.raise_purchase_orders,
            self.consume_components,
            self.record_shipment,
            self.release_order,
            self.save_progress,
        ]
