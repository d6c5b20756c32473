"""The purchase-order workflow on the time-skipping server: its life cycle, refusals, and the
escalation when the expected date passes (days of waiting skipped, not waited)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import pytest
from temporalio import activity
from temporalio.client import WorkflowHandle, WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from contracts.purchase_orders import (
    GoodsReceipt,
    GoodsReceiptRequest,
    PurchaseOrderAction,
    PurchaseOrderRef,
    PurchaseOrderState,
    ReceivedLine,
    StatusChange,
    SupplyResult,
)
from domain.purchasing import PurchaseOrderStatus as S
from tests.workflow.histories import record_history
from workflows.purchase_order import PurchaseOrderWorkflow


@dataclass
class FakeBuying:
    """The purchasing activities over an in-memory purchase order."""

    status: S = S.DRAFT
    expected_in_days: int = 14
    late_marks: int = 0
    receipt_keys: list[str] = field(default_factory=list)
    expected: date | None = None  # set on the first load: the start plus expected_in_days

    def state(self, ref: PurchaseOrderRef) -> PurchaseOrderState:
        if self.expected is None:
            started = activity.info().scheduled_time.date()
            self.expected = started + timedelta(days=self.expected_in_days)
        return PurchaseOrderState(
            number=ref.number, status=self.status, expected_date=self.expected
        )

    @activity.defn(name="load_purchase_order")
    async def load(self, ref: PurchaseOrderRef) -> PurchaseOrderState:
        return self.state(ref)

    @activity.defn(name="change_purchase_order_status")
    async def change(self, change: StatusChange) -> PurchaseOrderState:
        self.status = change.target
        return self.state(change.purchase_order)

    @activity.defn(name="receive_goods")
    async def receive(self, request: GoodsReceiptRequest) -> SupplyResult:
        if sum(line.quantity for line in request.receipt.lines) > 700:
            raise ApplicationError(
                "would exceed the ordered 700", type="conflict", non_retryable=True
            )
        self.receipt_keys.append(request.receipt_key)
        self.status = S.RECEIVED if len(self.receipt_keys) > 1 else S.PARTIALLY_RECEIVED
        return SupplyResult(
            state=self.state(request.purchase_order), waiting_orders=["order-ZK-NOT-RUNNING"]
        )

    @activity.defn(name="cancel_purchase_order")
    async def cancel(self, ref: PurchaseOrderRef) -> SupplyResult:
        self.status = S.CANCELLED
        return SupplyResult(state=self.state(ref))

    @activity.defn(name="mark_purchase_order_late")
    async def mark_late(self, ref: PurchaseOrderRef) -> bool:
        self.late_marks += 1
        return True

    def activities(self) -> list[Callable[..., Any]]:
        return [self.load, self.change, self.receive, self.cancel, self.mark_late]


Running = tuple[WorkflowHandle[PurchaseOrderWorkflow, PurchaseOrderState], FakeBuying]


@pytest.fixture
async def running(time_skipping: WorkflowEnvironment) -> AsyncIterator[Running]:
    buying = FakeBuying()
    queue = f"po-{uuid.uuid4().hex[:8]}"
    async with Worker(
        time_skipping.client,
        task_queue=queue,
        workflows=[PurchaseOrderWorkflow],
        activities=buying.activities(),
    ):
        ref = PurchaseOrderRef(purchase_order_id=uuid.uuid4(), number=f"PO-T{uuid.uuid4().hex[:6]}")
        handle = await time_skipping.client.start_workflow(
            PurchaseOrderWorkflow.run, ref, id=f"purchase-order-{ref.number}", task_queue=queue
        )
        yield handle, buying


async def _refused(call: Awaitable[object]) -> ApplicationError:
    with pytest.raises(WorkflowUpdateFailedError) as refused:
        await call
    assert isinstance(refused.value.cause, ApplicationError)
    return refused.value.cause


async def test_draft_sent_confirmed_received_in_two_deliveries(
    running: Running, time_skipping: WorkflowEnvironment
) -> None:
    handle, buying = running
    me = PurchaseOrderAction(actor="buyer@zhuchka.example")
    assert (
        await _refused(handle.execute_update(PurchaseOrderWorkflow.confirm, me))
    ).type == "illegal_transition"
    receipt = GoodsReceipt(lines=[ReceivedLine(item_id=uuid.uuid4(), quantity=350)])
    assert (
        "confirmed first"
        in (await _refused(handle.execute_update(PurchaseOrderWorkflow.receive, receipt))).message
    )
    assert (await handle.execute_update(PurchaseOrderWorkflow.send, me)).status is S.SENT
    assert (await handle.execute_update(PurchaseOrderWorkflow.confirm, me)).status is S.CONFIRMED
    too_much = GoodsReceipt(lines=[ReceivedLine(item_id=uuid.uuid4(), quantity=701)])
    assert (
        await _refused(handle.execute_update(PurchaseOrderWorkflow.receive, too_much))
    ).type == "conflict"
    first = await handle.execute_update(PurchaseOrderWorkflow.receive, receipt)
    assert first.state.status is S.PARTIALLY_RECEIVED
    second = await handle.execute_update(PurchaseOrderWorkflow.receive, receipt)
    assert second.state.status is S.RECEIVED
    assert len(set(buying.receipt_keys)) == 2  # each receipt its own key
    final = await handle.result()
    assert final.status is S.RECEIVED
    assert buying.late_marks == 0
    await record_history(handle, "purchase_order_received_in_two_deliveries")


async def test_past_its_expected_date_it_is_flagged_late_and_keeps_waiting(
    running: Running, time_skipping: WorkflowEnvironment
) -> None:
    handle, buying = running
    me = PurchaseOrderAction(actor="buyer@zhuchka.example")
    await handle.execute_update(PurchaseOrderWorkflow.send, me)
    await time_skipping.sleep(timedelta(days=10))
    assert buying.late_marks == 0
    await time_skipping.sleep(timedelta(days=6))  # past the 14 days
    state = await handle.query(PurchaseOrderWorkflow.state)
    assert state is not None
    assert state.escalated
    assert buying.late_marks == 1
    await time_skipping.sleep(timedelta(days=30))
    assert buying.late_marks == 1  # flagged once
    await handle.execute_update(PurchaseOrderWorkflow.confirm, me)
    receipt = GoodsReceipt(lines=[ReceivedLine(item_id=uuid.uuid4(), quantity=700)])
    await handle.execute_update(PurchaseOrderWorkflow.receive, receipt)
    await handle.execute_update(PurchaseOrderWorkflow.receive, receipt)
    assert (await handle.result()).escalated
    await record_history(handle, "purchase_order_late")


async def test_a_draft_is_cancelled_and_then_takes_nothing_more(running: Running) -> None:
    handle, buying = running
    state = await handle.execute_update(
        PurchaseOrderWorkflow.cancel, PurchaseOrderAction(reason="wrong supplier")
    )
    assert state.status is S.CANCELLED
    assert (await handle.result()).status is S.CANCELLED
    assert buying.late_marks == 0
