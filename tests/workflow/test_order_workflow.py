"""The order workflow's behaviour: route, rework, refusals, procurement waits, cancellation."""

from __future__ import annotations

import asyncio

import pytest
from temporalio.client import (
    WorkflowExecutionStatus,
    WorkflowFailureError,
)
from temporalio.exceptions import CancelledError
from temporalio.service import RPCError, RPCStatusCode
from temporalio.testing import WorkflowEnvironment

from contracts.orders import CancelRequest, OrderSnapshot
from domain.stages import OrderStatus, Stage
from tests.workflow.fakes import FakeShop
from tests.workflow.histories import record_history
from tests.workflow.orders import Running, Start, order_input
from workflows.order_workflow import OrderWorkflow


async def test_an_order_walks_every_stage_with_a_qc_rework(start: Start) -> None:
    order = await start(order_input(soldered=True))
    state = await order.complete(Stage.DESIGN)
    assert state.stage in (Stage.PROCUREMENT, Stage.ASSEMBLY)
    await order.until(lambda s: s.stage is Stage.ASSEMBLY)
    for stage, passed in [
        (Stage.ASSEMBLY, None),
        (Stage.SOLDERING, None),
        (Stage.TESTING, True),
        (Stage.QC, False),
    ]:
        state = await order.complete(stage, passed)
    assert (state.stage, state.rework_count) == (Stage.ASSEMBLY, 1)
    for stage, passed in [
        (Stage.ASSEMBLY, None),
        (Stage.SOLDERING, None),
        (Stage.TESTING, True),
        (Stage.QC, True),
        (Stage.SHIPPING, None),
    ]:
        state = await order.complete(stage, passed)
    result = await order.handle.result()
    assert result.status is OrderStatus.COMPLETED
    assert result.stage is None
    assert result.completed_at is not None
    assert [e.stage for e in result.stages] == [
        Stage.DESIGN, Stage.PROCUREMENT, Stage.ASSEMBLY, Stage.SOLDERING, Stage.TESTING, Stage.QC,
        Stage.ASSEMBLY, Stage.SOLDERING, Stage.TESTING, Stage.QC, Stage.SHIPPING,
    ]  # fmt: skip
    failed_qc = result.stages[5]
    assert (failed_qc.status, failed_qc.passed, failed_qc.worker) == ("failed", False, "Ivan")
    assert order.shop.calls == [
        "register_order",
        "reserve_stock",
        "consume_components:Ivan",
        "assign_serials",  # numbered once, at the first assembly
        "consume_components:Ivan",  # re-assembly: the activity itself is a no-op then
        "record_shipment",
    ]
    assert result.serial_numbers == ["KB-65-SOL-T-01"]
    assert [(i.stage, i.status) for i in result.inspections] == [
        (Stage.TESTING, "passed"),
        (Stage.QC, "failed"),
        (Stage.TESTING, "passed"),
        (Stage.QC, "passed"),
    ]
    assert result.inspections[1].serials == ["KB-65-SOL-T-01"]
    assert (result.stages[6].rework_from, result.stages[6].rework_inspection) == (Stage.QC, 2)
    versions = [s.version for s in order.shop.snapshots]
    assert versions == sorted(versions)
    assert order.shop.snapshots[-1].status is OrderStatus.COMPLETED
    await record_history(order.handle, "order_with_qc_rework")


async def test_the_wrong_stage_is_refused_without_touching_history(start: Start) -> None:
    order = await start()
    refused = await order.refused(Stage.ASSEMBLY)
    assert refused.type == "wrong_stage"
    assert "at design" in refused.message
    await order.complete(Stage.DESIGN)
    assert (await order.refused(Stage.PROCUREMENT)).type == "wrong_stage"
    await order.until(lambda s: s.stage is Stage.ASSEMBLY)
    await order.complete(Stage.ASSEMBLY)
    refused = await order.refused(Stage.TESTING)  # no verdict
    assert "verdict" in refused.message
    state = await order.handle.query(OrderWorkflow.state)
    assert (state.stage, state.rework_count) == (Stage.TESTING, 0)


async def test_procurement_waits_for_a_delivery_then_continues(
    start: Start, shop: FakeShop
) -> None:
    shop.switches_short = 40
    order = await start()
    await order.complete(Stage.DESIGN)
    state = await order.until(lambda s: s.waiting_for_stock)
    assert state.stage is Stage.PROCUREMENT
    assert [(s.sku, s.quantity) for s in state.shortages] == [("SW-LIN-RED", 40)]
    shop.switches_short = 0
    await order.handle.signal(OrderWorkflow.stock_arrived)
    await order.until(lambda s: s.stage is Stage.ASSEMBLY)
    state = await order.complete(Stage.ASSEMBLY)
    assert state.stage is Stage.TESTING
    await order.handle.execute_update(
        OrderWorkflow.cancel, CancelRequest(reason="no longer needed")
    )
    await record_history(order.handle, "order_waits_for_stock_then_cancelled")
    assert shop.calls[:5] == [
        "register_order",
        "reserve_stock",
        "raise_purchase_orders",
        "reserve_stock",
        "consume_components:Ivan",
    ]


async def test_procurement_looks_again_by_itself_when_no_signal_comes(
    start: Start, shop: FakeShop, time_skipping: WorkflowEnvironment
) -> None:
    shop.switches_short = 40
    order = await start(order_input(recheck=600))
    await order.complete(Stage.DESIGN)
    await order.until(lambda s: s.waiting_for_stock)
    shop.switches_short = 20  # a manual receipt arrived: a different shortage, no signal
    await time_skipping.sleep(601)
    await order.until(lambda s: [x.quantity for x in s.shortages] == [20])
    shop.switches_short = 0
    await time_skipping.sleep(601)
    await order.until(lambda s: s.stage is Stage.ASSEMBLY)
    assert shop.calls.count("raise_purchase_orders") == 2  # once per distinct shortage


async def test_cancelling_while_waiting_for_stock_releases_everything(
    start: Start, shop: FakeShop
) -> None:
    shop.switches_short = 40
    order = await start()
    await order.complete(Stage.DESIGN)
    await order.until(lambda s: s.waiting_for_stock)
    state = await order.handle.execute_update(
        OrderWorkflow.cancel, CancelRequest(reason="customer left")
    )
    assert state.status is OrderStatus.CANCELLED
    assert state.cancel_reason == "customer left"
    assert state.stages[-1].status == "cancelled"
    result = await order.handle.result()
    assert result.status is OrderStatus.CANCELLED
    assert shop.calls[-1] == "release_order"
    with pytest.raises(RPCError) as closed:  # the API answers 409 for this (see workflow_calls)
        await order.complete(Stage.ASSEMBLY)
    assert closed.value.status is RPCStatusCode.NOT_FOUND


async def test_a_finished_order_takes_no_more_updates(start: Start) -> None:
    order = await start()
    await order.complete(Stage.DESIGN)
    await order.until(lambda s: s.stage is Stage.ASSEMBLY)
    for stage, passed in [
        (Stage.ASSEMBLY, None),
        (Stage.TESTING, True),
        (Stage.QC, True),
    ]:
        await order.complete(stage, passed)
    await order.complete(Stage.SHIPPING)
    result = await order.handle.result()
    assert result.status is OrderStatus.COMPLETED
    description = await order.handle.describe()
    assert description.status is WorkflowExecutionStatus.COMPLETED
    with pytest.raises(RPCError) as closed:
        await order.handle.execute_update(OrderWorkflow.cancel, CancelRequest(reason="too late"))
    assert closed.value.status is RPCStatusCode.NOT_FOUND


async def test_cancelling_from_temporal_compensates_too(start: Start, shop: FakeShop) -> None:
    shop.switches_short = 40
    order = await start()
    await order.complete(Stage.DESIGN)
    await order.until(lambda s: s.waiting_for_stock)
    await order.handle.cancel()
    with pytest.raises(WorkflowFailureError) as failed:
        await order.handle.result()
    assert isinstance(failed.value.cause, CancelledError)
    assert shop.calls[-1] == "release_order"
    assert shop.snapshots[-1].status is OrderStatus.CANCELLED


async def test_a_failed_step_is_reported_and_the_order_stays(start: Start, shop: FakeShop) -> None:
    order = await start()
    await order.complete(Stage.DESIGN)
    await order.until(lambda s: s.stage is Stage.ASSEMBLY)
    shop.fail_consume = True
    refused = await order.refused(Stage.ASSEMBLY)
    assert refused.type == "insufficient_stock"
    shop.fail_consume = False
    state = await order.complete(Stage.ASSEMBLY)
    assert state.stage is Stage.TESTING


async def _cancelled_from_temporal_during(
    order: Running, stage: Stage, activity: str, passed: bool | None = None
) -> OrderSnapshot:
    """Report `stage` done, and cancel the workflow from Temporal while the report's
    `activity` runs (it holds the workflow's lock); what the report answered."""
    order.shop.paused = activity
    report = asyncio.create_task(order.complete(stage, passed))
    async with asyncio.timeout(10):
        while not any(call.startswith(activity) for call in order.shop.calls):
            await asyncio.sleep(0.05)
    await order.handle.cancel()
    order.shop.resume.set()
    return await report


async def test_a_cancel_from_temporal_waits_for_the_stage_under_way_then_compensates(
    start: Start, shop: FakeShop
) -> None:
    order = await start()
    await order.complete(Stage.DESIGN)
    await order.until(lambda s: s.stage is Stage.ASSEMBLY)
    assembled = await _cancelled_from_temporal_during(order, Stage.ASSEMBLY, "consume_components")
    assert assembled.stage is Stage.TESTING  # the assembly under way was recorded
    with pytest.raises(WorkflowFailureError) as failed:
        await order.handle.result()
    assert isinstance(failed.value.cause, CancelledError)
    assert shop.calls[-2:] == ["assign_serials", "release_order"]
    assert shop.snapshots[-1].status is OrderStatus.CANCELLED


async def test_an_order_shipped_while_a_cancel_from_temporal_came_stays_shipped(
    start: Start, shop: FakeShop
) -> None:
    order = await start()
    await order.complete(Stage.DESIGN)
    await order.until(lambda s: s.stage is Stage.ASSEMBLY)
    for stage, passed in [(Stage.ASSEMBLY, None), (Stage.TESTING, True), (Stage.QC, True)]:
        await order.complete(stage, passed)
    shipped = await _cancelled_from_temporal_during(order, Stage.SHIPPING, "record_shipment")
    assert shipped.status is OrderStatus.COMPLETED
    async with asyncio.timeout(30):  # not stuck failing its workflow task
        result = await order.handle.result()
    assert result.status is OrderStatus.COMPLETED
    assert "release_order" not in shop.calls
