"""Running an order workflow against fake activities on the time-skipping server."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date

import pytest
from temporalio.client import WorkflowHandle, WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError
from temporalio.testing import WorkflowEnvironment

from contracts.orders import OrderInput, OrderSnapshot, StageCompletion
from domain.stages import Stage
from tests.workflow.fakes import FakeShop
from workflows.order_workflow import OrderWorkflow


@dataclass
class Running:
    handle: WorkflowHandle[OrderWorkflow, OrderSnapshot]
    shop: FakeShop
    env: WorkflowEnvironment

    async def complete(self, stage: Stage, passed: bool | None = None) -> OrderSnapshot:
        return await self.handle.execute_update(
            OrderWorkflow.complete_stage,
            StageCompletion(stage=stage, worker="Ivan", notes=f"{stage} done", passed=passed),
        )

    async def until(self, check: Callable[[OrderSnapshot], bool]) -> OrderSnapshot:
        """Query the live state until `check` holds (activities run between our calls)."""
        async with asyncio.timeout(10):
            while not check(state := await self.handle.query(OrderWorkflow.state)):
                await asyncio.sleep(0.05)
        return state

    async def refused(self, stage: Stage, passed: bool | None = None) -> ApplicationError:
        with pytest.raises(WorkflowUpdateFailedError) as refused:
            await self.complete(stage, passed)
        cause = refused.value.cause
        assert isinstance(cause, ApplicationError)
        return cause


def order_input(*, soldered: bool = False, recheck: int = 3600) -> OrderInput:
    return OrderInput(
        order_id=uuid.uuid4(),
        number=f"ZK-T{uuid.uuid4().hex[:6]}",
        product_id=uuid.uuid4(),
        product_sku="KB-65-SOL" if soldered else "KB-65-HS",
        requires_soldering=soldered,
        quantity=1,
        customer="Test customer",
        due_date=date(2026, 12, 31),
        warehouse_id=uuid.uuid4(),
        procurement_recheck_seconds=recheck,
    )


Start = Callable[..., Awaitable[Running]]
