"""One durable workflow per customer order.

design -> procurement -> assembly -> [soldering] -> testing -> qc -> shipping

People complete stages through the `complete_stage` update, whose validator refuses the wrong
stage before anything is written to history. Starting a stage (`start_stage`) is optional: it
checks the worker's skill and takes the equipment the stage needs until the stage completes.
Testing and QC completions carry an inspection; a failure sends the unit back for rework with the
failed items attached. Planners `hold`, `resume` and `change_priority`. A stage past its target
duration is escalated once and the wait goes on.

Procurement is automatic: it reserves what it can, raises purchase orders for the rest and waits
for deliveries (a `stock_arrived` signal, or a periodic recheck). The `cancel` update, or
cancelling the workflow from Temporal, releases the order's reservations, equipment and purchase
demand before the order ends.

The route is `domain.stages.Progress` and the bookkeeping `OrderRecord`; this class only
sequences activities and waits.

One change at a time: every update handler and every step of the route holds `_lock` while its
activities run, and checks the order again once it holds it (as Temporal's
`safe_message_handlers` sample does). A validator refuses what is wrong already on arrival; the
check under the lock is the one that counts, since the order may have moved while it waited.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from datetime import timedelta
from typing import TypeVar

from temporalio import workflow
from temporalio.exceptions import ActivityError, is_cancelled_exception

with workflow.unsafe.imports_passed_through():
    from activities.floor_activities import FloorActivities
    from activities.order_activities import OrderActivities
    from contracts import search_attributes as sa
    from contracts.failures import as_application_error
    from contracts.orders import (
        CancelRequest,
        Escalation,
        HoldRequest,
        OrderInput,
        OrderRef,
        OrderSnapshot,
        OrderStep,
        PriorityChange,
        ProcureRequest,
        ResumeRequest,
        StageClaim,
        StageCompletion,
        StageRelease,
        StartStage,
    )
    from domain.errors import OrderClosed
    from domain.stages import OrderStatus, Progress, Stage
    from workflows.order_gate import OrderGate
    from workflows.order_record import OrderRecord
    from workflows.steps import attempt_step, reject_unless, run_step

_A = TypeVar("_A")


class _CancelRequested(Exception):
    pass


@workflow.defn(name="Order")
class OrderWorkflow:
    @workflow.init
    def __init__(self, order: OrderInput) -> None:
        self._order = order
        self._record = OrderRecord(order)
        self._version = 0
        self._lock = asyncio.Lock()
        self._gate = OrderGate(self._record)
        self._cancel_recorded = False  # compensated and written to the projection
        self._stock_arrived = False

    @property
    def _progress(self) -> Progress:
        return self._record.progress

    @workflow.run
    async def run(self, order: OrderInput) -> OrderSnapshot:
        async with self._lock:
            registered = await run_step(OrderActivities.register_order, order, "register the order")
            if not registered.registered:
                workflow.logger.warning("Another order holds this idempotency key; not starting")
                self._record.cancelled(workflow.now(), "duplicate request (same Idempotency-Key)")
                return self._snapshot()
            self._record.enter(workflow.now())
            await self._publish()
        try:
            while self._progress.stage is not None:
                if self._progress.stage is Stage.PROCUREMENT:
                    await self._procure()
                else:
                    await self._await_person()
        except _CancelRequested:
            assert self._gate.cancel is not None
            await self._compensate(self._gate.cancel.reason)
        except (asyncio.CancelledError, ActivityError) as stop:
            if not is_cancelled_exception(stop):
                raise
            # Cancelled from Temporal: the changes still waiting for the lock are refused.
            if self._gate.cancel is None:
                self._gate.cancel = CancelRequest(reason="workflow cancelled from Temporal")
            await asyncio.shield(self._compensate(self._gate.cancel.reason))
            if self._progress.status is not OrderStatus.COMPLETED:
                raise
            # Shipped by a completion that held the lock when the cancel came: it stays shipped.
        await workflow.wait_condition(workflow.all_handlers_finished)
        return self._snapshot()

    # --- people -------------------------------------------------------------------------

    @workflow.update
    async def complete_stage(self, completion: StageCompletion) -> OrderSnapshot:
        await self._registered()
        async with self._lock:
            if reject_unless(self._gate.report_kind, completion) == "repeat":
                return self._snapshot()
            self._gate.completing = completion
            try:
                await self._complete(completion)
            finally:
                self._gate.completing = None
            return self._snapshot()

    @complete_stage.validator
    def _validate_completion(self, completion: StageCompletion) -> None:
        reject_unless(self._gate.report_kind, completion)

    @workflow.update
    async def start_stage(self, request: StartStage) -> OrderSnapshot:
        await self._registered()
        async with self._lock:
            if reject_unless(self._gate.start_kind, request) == "repeat":
                return self._snapshot()
            self._gate.starting = request
            try:
                await self._start(request)
            finally:
                self._gate.starting = None
            return self._snapshot()

    @start_stage.validator
    def _validate_start(self, request: StartStage) -> None:
        reject_unless(self._gate.start_kind, request)

    @workflow.update
    async def hold(self, request: HoldRequest) -> OrderSnapshot:
        def held() -> bool:
            changed = self._record.hold_reason != request.reason  # else a repeat
            self._record.hold_reason = request.reason
            return changed

        return await self._change(self._gate.check_hold, request, held)

    @hold.validator
    def _validate_hold(self, request: HoldRequest) -> None:
        reject_unless(self._gate.check_hold, request)

    @workflow.update
    async def resume(self, request: ResumeRequest) -> OrderSnapshot:
        def resumed() -> bool:
            changed = self._record.hold_reason is not None  # else resumed already
            self._record.hold_reason = None
            return changed

        return await self._change(self._gate.check_open, request, resumed)

    @resume.validator
    def _validate_resume(self, request: ResumeRequest) -> None:
        reject_unless(self._gate.check_open, request)

    @workflow.update
    async def change_priority(self, change: PriorityChange) -> OrderSnapshot:
        def changed() -> bool:
            self._record.priority = change.priority
            return True

        return await self._change(self._gate.check_open, change, changed)

    @change_priority.validator
    def _validate_priority(self, change: PriorityChange) -> None:
        reject_unless(self._gate.check_open, change)

    @workflow.update
    async def cancel(self, request: CancelRequest) -> OrderSnapshot:
        """Taken at once; the route compensates (under the lock, after any change under way)."""
        reject_unless(self._gate.check_cancel, request)
        if self._gate.cancel is None:
            self._gate.cancel = request
        await workflow.wait_condition(lambda: self._cancel_recorded)
        return self._snapshot()

    @cancel.validator
    def _validate_cancel(self, request: CancelRequest) -> None:
        reject_unless(self._gate.check_cancel, request)

    @workflow.signal
    def stock_arrived(self) -> None:
        """A delivery was booked that this order may be waiting for."""
        self._stock_arrived = True

    @workflow.query
    def state(self) -> OrderSnapshot:
        return self._snapshot()

    async def _registered(self) -> None:
        """Updates that arrive before the order is registered wait for it (and check again)."""
        await workflow.wait_condition(lambda: bool(self._record.stages) or self._progress.is_closed)

    # --- changes, each under the lock ---------------------------------------------------

    async def _change(
        self, check: Callable[[_A], object], argument: _A, change: Callable[[], bool]
    ) -> OrderSnapshot:
        """A planner's change of the record: checked again under the lock, published when
        `change` says it changed anything."""
        await self._registered()
        async with self._lock:
            reject_unless(check, argument)
            if change():
                await self._publish()
            return self._snapshot()

    async def _complete(self, completion: StageCompletion) -> None:
        """The stage's work (components consumed, units numbered or shipped, equipment given
        back), then the order moved on. A failed step fails the update and moves nothing."""
        step = OrderStep(order=self._ref, actor=completion.completed_by or completion.worker)
        if completion.stage is Stage.ASSEMBLY:
            await attempt_step(OrderActivities.consume_components, step, "consume the components")
            if not self._record.serials:
                self._record.serials = await attempt_step(
                    FloorActivities.assign_serials, self._ref, "number the units"
                )
        elif completion.stage is Stage.SHIPPING:
            await attempt_step(
                OrderActivities.record_shipment, step, "book the units out to the customer"
            )
        if self._record.current.equipment is not None:
            await self._release_equipment(completion.stage)
        for escalation in self._record.advance(workflow.now(), completion):
            self._escalated(escalation)
        await self._publish()

    async def _start(self, request: StartStage) -> None:
        claim = StageClaim(
            order=self._ref,
            stage=request.stage,
            worker_id=request.worker_id,
            equipment_id=request.equipment_id,
        )
        claimed = await attempt_step(
            FloorActivities.claim_for_stage,
            claim,
            f"check the worker's skill and take equipment for {request.stage}",
        )
        if self._gate.cancel is not None:  # requested while the claim ran
            await self._release_equipment(request.stage)
            raise as_application_error(OrderClosed("the order was cancelled meanwhile"))
        self._record.started(workflow.now(), claimed, request.worker_id)
        await self._publish()

    # --- the route ----------------------------------------------------------------------

    async def _await_person(self) -> None:
        """Wait while a person completes the stage (the update does the work); past the
        stage's target, flag it once and go on waiting."""
        seq = self._record.current.seq

        def moved_on() -> bool:
            record = self._record
            return (
                self._gate.cancel is not None
                or record.progress.stage is None
                or (record.current.seq != seq)
            )

        while not moved_on():
            entry = self._record.current
            if entry.due_at is None or entry.escalated_at is not None:
                await workflow.wait_condition(moved_on)
                continue
            left = max(entry.due_at - workflow.now(), timedelta(seconds=1))
            with contextlib.suppress(TimeoutError):
                await workflow.wait_condition(moved_on, timeout=left)
            async with self._lock:
                if not moved_on():
                    self._escalated(self._record.overdue(workflow.now()))
                    await self._publish()
        self._raise_if_cancelled()

    async def _procure(self) -> None:
        recheck = timedelta(seconds=self._order.procurement_recheck_seconds)
        record = self._record
        while True:
            self._stock_arrived = False  # a delivery signalled from here on wakes the wait below
            async with self._lock:
                reserved = await run_step(
                    OrderActivities.reserve_stock, self._ref, "reserve the components"
                )
                self._raise_if_cancelled()
                if reserved.complete:
                    record.shortages, record.purchase_orders = [], []
                    record.advance(workflow.now(), None)
                    await self._publish()
                    return
                # Since purchase orders can be cancelled, what covered a shortage may be gone:
                # raise (idempotent) after every look, not only when the shortage changed.
                procured = await run_step(
                    OrderActivities.raise_purchase_orders,
                    ProcureRequest(order=self._ref, shortages=reserved.shortages),
                    f"purchase {len(reserved.shortages)} missing components",
                )
                record.shortages = reserved.shortages
                record.purchase_orders = procured.purchase_orders
                await self._publish()
            # Without a delivery signal, look at the stock again after `recheck` anyway.
            with contextlib.suppress(TimeoutError):
                await workflow.wait_condition(
                    lambda: self._stock_arrived or self._gate.cancel is not None, timeout=recheck
                )
            self._raise_if_cancelled()

    async def _compensate(self, reason: str) -> None:
        """Release what the order holds and close it cancelled, after the change under way;
        nothing when that change closed it (the last stage completed)."""
        async with self._lock:
            if not self._progress.is_closed:
                await run_step(
                    OrderActivities.release_order,
                    self._ref,
                    "release reservations and purchase demand",
                )
                self._record.cancelled(workflow.now(), reason)
                await self._publish()
        self._cancel_recorded = True

    def _raise_if_cancelled(self) -> None:
        if self._gate.cancel is not None:
            raise _CancelRequested

    async def _release_equipment(self, stage: Stage) -> None:
        await attempt_step(
            FloorActivities.release_stage_equipment,
            StageRelease(order=self._ref, stage=stage),
            f"give back the {stage} equipment",
        )

    @property
    def _ref(self) -> OrderRef:
        return OrderRef(order_id=self._order.order_id)

    # --- what others see ----------------------------------------------------------------

    def _escalated(self, escalation: Escalation) -> None:
        """Besides the flag on the order: a log event and a metric."""
        workflow.logger.warning("Escalated (%s): %s", escalation.kind, escalation.detail)
        workflow.metric_meter().create_counter(
            "zhuchka_order_escalations", "Orders flagged for the planner, by kind"
        ).add(1, {"kind": escalation.kind})

    async def _publish(self) -> None:
        """Bring search attributes, the UI summary and the `orders` projection up to date."""
        self._version += 1
        record = self._record
        at_risk = record.judge_risk(workflow.now())
        if at_risk is not None:
            self._escalated(at_risk)
        stage = self._progress.stage
        workflow.upsert_search_attributes(
            [
                sa.ORDER_STAGE.value_set(stage.value) if stage else sa.ORDER_STAGE.value_unset(),
                sa.ORDER_STATUS.value_set(self._progress.status.value),
                sa.ORDER_PRIORITY.value_set(record.priority.value),
                sa.ORDER_ON_HOLD.value_set(record.hold_reason is not None),
            ]
        )
        workflow.set_current_details(record.details())
        await run_step(
            OrderActivities.save_progress,
            self._snapshot(),
            f"record {self._progress.status}, {stage or 'finished'}",
        )

    def _snapshot(self) -> OrderSnapshot:
        return self._record.snapshot(self._version)
