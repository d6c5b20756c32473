"""The order workflow on the shop floor: starting stages with equipment, holds, priority,
inspections with rework, the rework limit, stage deadlines and the at-risk flag. Deadlines run
on the time-skipping server's clock."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from temporalio.client import WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError
from temporalio.testing import WorkflowEnvironment

from contracts import search_attributes as sa
from contracts.orders import (
    HoldRequest,
    InspectionInput,
    JudgedCheck,
    OrderSnapshot,
    PriorityChange,
    ResumeRequest,
    StageCompletion,
    StartStage,
    WorkingHours,
)
from domain.stages import Stage
from domain.stock import Priority
from domain.work_calendar import WorkCalendar
from tests.workflow.fakes import FakeShop
from tests.workflow.histories import record_history
from tests.workflow.orders import Running, Start, order_input
from workflows.order_workflow import OrderWorkflow

HOUR = 3600


async def _start_stage(order: Running, stage: Stage) -> OrderSnapshot:
    return await order.handle.execute_update(
        OrderWorkflow.start_stage, StartStage(stage=stage, worker_id=uuid.uuid4())
    )


async def _refused_start(order: Running, stage: Stage) -> ApplicationError:
    with pytest.raises(WorkflowUpdateFailedError) as refused:
        await _start_stage(order, stage)
    assert isinstance(refused.value.cause, ApplicationError)
    return refused.value.cause


async def _to_assembly(order: Running) -> None:
    await order.complete(Stage.DESIGN)
    await order.until(lambda s: s.stage is Stage.ASSEMBLY)


async def test_starting_soldering_takes_the_station_until_it_is_completed(
    start: Start, shop: FakeShop
) -> None:
    order = await start(order_input(soldered=True))
    await _to_assembly(order)
    await order.complete(Stage.ASSEMBLY)
    shop.station_busy = True
    busy = await _refused_start(order, Stage.SOLDERING)
    assert (busy.type, "SS-1 (in use by ZK-000001)" in busy.message) == ("equipment_busy", True)
    shop.station_busy = False
    state = await _start_stage(order, Stage.SOLDERING)
    entry = state.stages[-1]
    assert (entry.stage, entry.started_by, entry.equipment) == (Stage.SOLDERING, "Ivan", "SS-1")
    assert entry.work_started_at is not None
    again = await _refused_start(order, Stage.SOLDERING)
    assert "already started by Ivan" in again.message
    assert "at soldering, not at testing" in (await _refused_start(order, Stage.TESTING)).message
    state = await order.complete(Stage.SOLDERING)
    assert state.stage is Stage.TESTING
    assert shop.calls[-1] == "release_stage_equipment:soldering"
    # Completing a stage nobody started is still allowed and holds nothing.
    state = await order.complete(Stage.TESTING, passed=True)
    assert state.stages[-2].work_started_at is None
    assert shop.calls.count("release_stage_equipment:testing") == 0


async def test_a_held_order_cannot_be_started_or_moved_on_until_it_is_resumed(
    start: Start,
) -> None:
    order = await start()
    state = await order.handle.execute_update(
        OrderWorkflow.hold, HoldRequest(reason="customer changes the layout")
    )
    assert (state.on_hold, state.hold_reason) == (True, "customer changes the layout")
    description = await order.handle.describe()
    assert description.typed_search_attributes.get(sa.ORDER_ON_HOLD) is True
    assert "on hold" in (await order.refused(Stage.DESIGN)).message
    assert "on hold" in (await _refused_start(order, Stage.DESIGN)).message
    with pytest.raises(WorkflowUpdateFailedError):  # held already, for another reason
        await order.handle.execute_update(OrderWorkflow.hold, HoldRequest(reason="twice"))
    repeated = await order.handle.execute_update(  # the same hold again: a repeat
        OrderWorkflow.hold, HoldRequest(reason="customer changes the layout")
    )
    assert repeated.version == state.version  # nothing changed, nothing published
    state = await order.handle.execute_update(OrderWorkflow.resume, ResumeRequest())
    assert (state.on_hold, state.hold_reason) == (False, None)
    again = await order.handle.execute_update(OrderWorkflow.resume, ResumeRequest())
    assert (again.on_hold, again.version) == (False, state.version)  # resumed already
    # Work already started may be finished while the order is held.
    await _start_stage(order, Stage.DESIGN)
    await order.handle.execute_update(OrderWorkflow.hold, HoldRequest(reason="check stock"))
    state = await order.complete(Stage.DESIGN)
    assert state.stage in (Stage.PROCUREMENT, Stage.ASSEMBLY)


async def test_a_priority_change_shows_in_the_state_and_the_search_attributes(
    start: Start,
) -> None:
    order = await start()
    state = await order.handle.execute_update(
        OrderWorkflow.change_priority, PriorityChange(priority=Priority.URGENT)
    )
    assert state.priority is Priority.URGENT
    description = await order.handle.describe()
    assert description.typed_search_attributes.get(sa.ORDER_PRIORITY) == Priority.URGENT.value


async def test_a_failed_inspection_sends_the_failed_items_to_rework(start: Start) -> None:
    order = await start()
    await _to_assembly(order)
    await order.complete(Stage.ASSEMBLY)
    await order.complete(Stage.TESTING, passed=True)
    await _start_stage(order, Stage.QC)
    inspection = InspectionInput(
        template_id=uuid.uuid4(),
        results=[
            JudgedCheck(description="Legends aligned", passed=False, ok=False, comment="F askew"),
            JudgedCheck(description="Box labelled", required=False, passed=False, ok=False),
            JudgedCheck(description="Case clean", passed=True, ok=True),
        ],
    )
    state = await order.handle.execute_update(
        OrderWorkflow.complete_stage,
        StageCompletion(
            stage=Stage.QC,
            worker="Olga",
            passed=False,
            completed_by="inspector@zhuchka.example",
            inspection=inspection,
        ),
    )
    rework = state.stages[-1]
    assert (rework.stage, rework.rework_from, rework.rework_inspection) == (
        Stage.ASSEMBLY,
        Stage.QC,
        2,
    )
    assert rework.rework_items == ["Legends aligned: F askew"]  # the optional one is not rework
    failed = state.inspections[-1]
    assert (failed.status, failed.inspector, failed.worker) == (
        "failed",
        "inspector@zhuchka.example",
        "Olga",
    )
    assert failed.serials == ["KB-65-SOL-T-01"]
    assert [r.ok for r in failed.results] == [False, False, True]


async def test_the_rework_limit_puts_the_order_on_hold_for_the_planner(start: Start) -> None:
    order = await start(order_input().model_copy(update={"rework_limit": 2}))
    await _to_assembly(order)
    for _ in range(2):
        await order.complete(Stage.ASSEMBLY)
        state = await order.complete(Stage.TESTING, passed=False)
    assert (state.stage, state.rework_count, state.on_hold) == (Stage.ASSEMBLY, 2, True)
    assert state.hold_reason is not None
    assert "2 reworks" in state.hold_reason
    assert [e.kind for e in state.escalations] == ["rework_limit"]
    assert "on hold" in (await order.refused(Stage.ASSEMBLY)).message
    await order.handle.execute_update(OrderWorkflow.resume, ResumeRequest())
    state = await order.complete(Stage.ASSEMBLY)
    assert state.stage is Stage.TESTING


async def test_a_stage_past_its_target_is_escalated_once_and_keeps_waiting(
    start: Start, time_skipping: WorkflowEnvironment
) -> None:
    targets = {"design": 2 * HOUR, "assembly": 4 * HOUR}
    order = await start(order_input().model_copy(update={"stage_targets": targets}))
    state = await order.until(lambda s: bool(s.stages))
    design = state.stages[0]
    assert design.due_at is not None
    assert design.started_at is not None
    assert design.due_at - design.started_at == timedelta(hours=2)
    await time_skipping.sleep(HOUR)
    assert (await order.handle.query(OrderWorkflow.state)).escalations == []
    await time_skipping.sleep(HOUR + 60)
    state = await order.until(lambda s: bool(s.escalations))
    assert [(e.kind, e.stage) for e in state.escalations] == [("overdue", Stage.DESIGN)]
    assert "past its target of 2:00:00" in state.escalations[0].detail
    assert state.stages[0].escalated_at is not None
    await time_skipping.sleep(10 * HOUR)
    state = await order.handle.query(OrderWorkflow.state)
    assert (len(state.escalations), state.stage) == (1, Stage.DESIGN)
    await order.complete(Stage.DESIGN)
    state = await order.until(lambda s: s.stage is Stage.ASSEMBLY)
    assert state.stages[-1].due_at is not None
    assert state.stages[-1].escalated_at is None
    await record_history(order.handle, "order_stage_escalated")


async def test_stage_targets_count_only_the_plants_working_time(
    start: Start, time_skipping: WorkflowEnvironment
) -> None:
    """Around the clock but closed for the next two days: a two-hour target is due two days
    and two hours from now, and an order due tomorrow is at risk, which by the clock alone
    (six hours of targets) it would not be."""
    now = await time_skipping.get_current_time()
    closed = (now, now + timedelta(days=2), False)
    hours = WorkingHours.of(WorkCalendar.always()).model_copy(update={"exceptions": [closed]})
    tomorrow = (now + timedelta(days=1)).astimezone(UTC).date()
    targets = {"design": 2 * HOUR, "assembly": 4 * HOUR}
    order = await start(
        order_input().model_copy(
            update={"stage_targets": targets, "working_hours": hours, "due_date": tomorrow}
        )
    )
    state = await order.until(lambda s: s.at_risk)
    assert state.stages[0].due_at == now + timedelta(days=2, hours=2)
    assert [e.kind for e in state.escalations] == ["at_risk"]
    await time_skipping.sleep(2 * 24 * HOUR + HOUR)
    assert len((await order.handle.query(OrderWorkflow.state)).escalations) == 1
    await time_skipping.sleep(HOUR + 60)
    state = await order.until(lambda s: len(s.escalations) == 2)
    assert [e.kind for e in state.escalations] == ["at_risk", "overdue"]


async def test_an_order_that_cannot_make_its_due_date_is_flagged_at_risk(
    start: Start, time_skipping: WorkflowEnvironment
) -> None:
    now = await time_skipping.get_current_time()
    due = (now + timedelta(days=2)).astimezone(UTC).date()
    targets = {"design": 1 * HOUR, "assembly": 3 * 24 * HOUR}  # assembly alone overruns it
    order = await start(
        order_input().model_copy(update={"stage_targets": targets, "due_date": due})
    )
    state = await order.until(lambda s: s.at_risk)
    assert [e.kind for e in state.escalations] == ["at_risk"]
    assert str(due) in state.escalations[0].detail


async def test_on_time_orders_are_not_at_risk(start: Start) -> None:
    far = datetime.now(UTC).date() + timedelta(days=60)
    targets = {"design": HOUR, "assembly": 4 * HOUR}
    order = await start(
        order_input().model_copy(update={"stage_targets": targets, "due_date": far})
    )
    state = await order.until(lambda s: bool(s.stages))
    assert (state.at_risk, state.escalations) == (False, [])


async def test_a_floor_run_is_recorded_for_replay(start: Start, shop: FakeShop) -> None:
    order = await start(
        order_input(soldered=True).model_copy(update={"stage_targets": {"qc": HOUR}})
    )
    await _to_assembly(order)
    await order.handle.execute_update(OrderWorkflow.hold, HoldRequest(reason="wait"))
    await order.handle.execute_update(OrderWorkflow.resume, ResumeRequest())
    await order.handle.execute_update(
        OrderWorkflow.change_priority, PriorityChange(priority=Priority.HIGH)
    )
    await order.complete(Stage.ASSEMBLY)
    await _start_stage(order, Stage.SOLDERING)
    await order.complete(Stage.SOLDERING)
    await order.complete(Stage.TESTING, passed=True)
    await order.complete(Stage.QC, passed=True)
    state = await order.complete(Stage.SHIPPING)
    assert state.stage is None
    result = await order.handle.result()
    assert (result.priority, result.serial_numbers) == (Priority.HIGH, ["KB-65-SOL-T-01"])
    assert "release_stage_equipment:soldering" in shop.calls
    await record_history(order.handle, "order_on_the_floor")
