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
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Literal, TypeVar

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError

with workflow.unsafe.imports_passed_through():
    from activities.floor_activities import FloorActivities
    from activities.order_activities import OrderActivities
    from contracts import search_attributes as sa
    from contracts.failures import as_application_error, as_domain_error
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
    from domain.errors import Conflict, DomainError, OrderClosed, WrongStage
    from domain.stage_reports import check_repeat, reported_pass
    from domain.stages import AUTOMATIC_STAGES, Progress, Stage
    from workflows.order_record import OrderRecord

_TIMEOUT = timedelta(seconds=30)
_RETRY = RetryPolicy(initial_interval=timedelta(seconds=1), maximum_interval=timedelta(seconds=30))
_A = TypeVar("_A")
_R = TypeVar("_R")
_S = TypeVar("_S")  # the activities class


class _CancelRequested(Exception):
    pass


class _Ticket:
    """A stage completion accepted by the update handler, waiting for the main loop."""

    def __init__(self, completion: StageCompletion) -> None:
        self.completion = completion
        self.done = False
        self.error: DomainError | None = None


@workflow.defn(name="Order")
class OrderWorkflow:
    @workflow.init
    def __init__(self, order: OrderInput) -> None:
        self._order = order
        self._record = OrderRecord(order)
        self._version = 0
        self._ticket: _Ticket | None = None  # accepted, not yet taken by the main loop
        self._in_flight: _Ticket | None = None  # taken, its activities running
        self._starting: StartStage | None = None  # a start whose claim is running
        self._cancel: CancelRequest | None = None
        self._cancel_recorded = False  # compensated and written to the projection
        self._stock_arrived = False

    @property
    def _progress(self) -> Progress:
        return self._record.progress

    @workflow.run
    async def run(self, order: OrderInput) -> OrderSnapshot:
        registered = await workflow.execute_activity_method(
            OrderActivities.register_order,
            order,
            start_to_close_timeout=_TIMEOUT,
            retry_policy=_RETRY,
            summary="register the order",
        )
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
            assert self._cancel is not None
            await self._compensate(self._cancel.reason)
        except asyncio.CancelledError:
            await asyncio.shield(self._compensate("workflow cancelled from Temporal"))
            raise
        await workflow.wait_condition(workflow.all_handlers_finished)
        return self._snapshot()

    # --- people -------------------------------------------------------------------------

    @workflow.update
    async def complete_stage(self, completion: StageCompletion) -> OrderSnapshot:
        kind = self._reject_unless(self._report_kind, completion)
        if kind == "repeat":
            return self._snapshot()
        if kind == "join":
            ticket = self._ticket or self._in_flight
            assert ticket is not None
        else:
            ticket = self._ticket = _Ticket(completion)
        await workflow.wait_condition(lambda: ticket.done)
        if ticket.error is not None:
            raise as_application_error(ticket.error)
        return self._snapshot()

    @complete_stage.validator
    def _validate_completion(self, completion: StageCompletion) -> None:
        self._reject_unless(self._report_kind, completion)

    @workflow.update
    async def start_stage(self, request: StartStage) -> OrderSnapshot:
        await self._registered()
        while (kind := self._reject_unless(self._start_kind, request)) == "join":
            await workflow.wait_condition(lambda: self._starting is None)
        if kind == "repeat":
            return self._snapshot()
        self._starting = request
        try:
            claimed = await workflow.execute_activity_method(
                FloorActivities.claim_for_stage,
                StageClaim(
                    order=self._ref,
                    stage=request.stage,
                    worker_id=request.worker_id,
                    equipment_id=request.equipment_id,
                ),
                start_to_close_timeout=_TIMEOUT,
                retry_policy=_RETRY,
                summary=f"check the worker's skill and take equipment for {request.stage}",
            )
        except ActivityError as failure:
            error = as_domain_error(failure) or Conflict(str(failure.cause or failure))
            raise as_application_error(error) from failure
        finally:
            self._starting = None
        if self._cancel is not None or self._progress.stage is not request.stage:
            await self._release_equipment(request.stage)
            raise as_application_error(OrderClosed("the order was cancelled meanwhile"))
        self._record.started(workflow.now(), claimed, request.worker_id)
        await self._publish()
        return self._snapshot()

    @start_stage.validator
    def _validate_start(self, request: StartStage) -> None:
        self._reject_unless(self._start_kind, request)

    @workflow.update
    async def hold(self, request: HoldRequest) -> OrderSnapshot:
        await self._registered()
        self._reject_unless(self._check_hold, request)
        if self._record.hold_reason != request.reason:  # else a repeat: nothing to do
            self._record.hold_reason = request.reason
            await self._publish()
        return self._snapshot()

    @hold.validator
    def _validate_hold(self, request: HoldRequest) -> None:
        self._reject_unless(self._check_hold, request)

    @workflow.update
    async def resume(self, request: ResumeRequest) -> OrderSnapshot:
        await self._registered()
        self._reject_unless(self._check_open, request)
        if self._record.hold_reason is not None:  # else resumed already: nothing to do
            self._record.hold_reason = None
            await self._publish()
        return self._snapshot()

    @resume.validator
    def _validate_resume(self, request: ResumeRequest) -> None:
        self._reject_unless(self._check_open, request)

    @workflow.update
    async def change_priority(self, change: PriorityChange) -> OrderSnapshot:
        await self._registered()
        self._reject_unless(self._check_open, change)
        self._record.priority = change.priority
        await self._publish()
        return self._snapshot()

    @change_priority.validator
    def _validate_priority(self, change: PriorityChange) -> None:
        self._reject_unless(self._check_open, change)

    @workflow.update
    async def cancel(self, request: CancelRequest) -> OrderSnapshot:
        self._reject_unless(self._check_cancel, request)
        if self._cancel is None:
            self._cancel = request
        await workflow.wait_condition(lambda: self._cancel_recorded)
        return self._snapshot()

    @cancel.validator
    def _validate_cancel(self, request: CancelRequest) -> None:
        self._reject_unless(self._check_cancel, request)

    @workflow.signal
    def stock_arrived(self) -> None:
        """A delivery was booked that this order may be waiting for."""
        self._stock_arrived = True

    @workflow.query
    def state(self) -> OrderSnapshot:
        return self._snapshot()

    # --- what people may do now ---------------------------------------------------------

    def _report_kind(self, completion: StageCompletion) -> Literal["new", "repeat", "join"]:
        """A stage report is new (checked as such), the same as one being recorded (it joins
        it), or the same as one recorded (a repeat, answered with the order as it is). A
        different report of a pass already recorded, or being recorded, is refused."""
        if completion.digest is not None:
            pending = self._ticket or self._in_flight
            if (
                pending is not None
                and pending.completion.stage is completion.stage
                and pending.completion.digest == completion.digest
            ):
                return "join"
            closed = reported_pass(self._record.stages, completion.stage, completion.stage_seq)
            if closed is not None:
                check_repeat(closed, completion.digest)
                return "repeat"
        current = self._record.current if self._record.stages else None
        if completion.stage_seq is not None and (
            current is None or current.seq != completion.stage_seq
        ):
            raise WrongStage(
                f"pass {completion.stage_seq} is not the order's current one",
                stage=completion.stage,
                current=self._progress.stage,
            )
        self._check_completion(completion)
        return "new"

    def _start_kind(self, request: StartStage) -> Literal["new", "repeat", "join"]:
        """While a start of the stage is under way, another waits for it (then is looked at
        again); the same worker starting the stage it started is a repeat; anything else is
        checked as a new start."""
        starting = self._starting
        if starting is not None and starting.stage is request.stage:
            return "join"  # wait for the start under way, then look again
        entry = self._record.current if self._record.stages else None
        if (
            entry is not None
            and entry.stage is request.stage
            and entry.work_started_at is not None
            and entry.started_worker_id == request.worker_id
            and entry.completed_at is None
        ):
            return "repeat"
        self._check_start(request)
        return "new"

    def _check_completion(self, completion: StageCompletion) -> None:
        if self._cancel is not None:
            raise OrderClosed("the order is being cancelled")
        self._progress.check_completion(completion.stage, completion.passed)
        self._check_nothing_pending(completion.stage)
        started = self._record.stages and self._record.current.work_started_at is not None
        if self._record.hold_reason and not started:
            raise Conflict(
                f"the order is on hold ({self._record.hold_reason}); a planner must resume it",
                on_hold=True,
            )

    def _check_start(self, request: StartStage) -> None:
        self._check_open(request)
        stage = request.stage
        if stage in AUTOMATIC_STAGES or stage is not self._progress.stage:
            raise WrongStage(
                f"the order is at {self._progress.stage}, not at {stage}",
                stage=stage,
                current=self._progress.stage,
            )
        if self._record.hold_reason:
            raise Conflict(f"the order is on hold: {self._record.hold_reason}", on_hold=True)
        self._check_nothing_pending(stage)
        if self._record.stages and self._record.current.work_started_at is not None:
            started_by = self._record.current.started_by
            raise WrongStage(f"{stage} was already started by {started_by}", stage=stage)

    def _check_nothing_pending(self, stage: Stage) -> None:
        pending = self._ticket or self._in_flight
        if pending is not None:
            raise WrongStage(
                f"a completion of {pending.completion.stage} is already being recorded",
                stage=stage,
            )
        if self._starting is not None:
            raise WrongStage(f"a start of {self._starting.stage} is being recorded", stage=stage)

    def _check_open(self, _: object) -> None:
        if self._cancel is not None:
            raise OrderClosed("the order is being cancelled")
        if self._progress.is_closed:
            raise OrderClosed(f"the order is already {self._progress.status}")

    def _check_hold(self, request: HoldRequest) -> None:
        """A hold for the reason it is already held for is a repeat; another reason is not."""
        self._check_open(request)
        held_for = self._record.hold_reason
        if held_for is not None and held_for != request.reason:
            raise Conflict(f"the order is already on hold: {held_for}", on_hold=True)

    def _check_cancel(self, request: CancelRequest) -> None:
        if self._progress.is_closed:
            raise OrderClosed(f"the order is already {self._progress.status}")
        pending = self._ticket or self._in_flight
        if pending is not None and pending.completion.stage is Stage.SHIPPING:
            raise OrderClosed("the order is being shipped and can no longer be cancelled")

    async def _registered(self) -> None:
        """Updates that arrive before the order is registered wait for it (and check again)."""
        await workflow.wait_condition(lambda: bool(self._record.stages) or self._progress.is_closed)

    @staticmethod
    def _reject_unless(check: Callable[[_A], _R], argument: _A) -> _R:
        """What `check` says of `argument`; a broken rule becomes the update's failure."""
        try:
            return check(argument)
        except DomainError as error:
            raise as_application_error(error) from error

    # --- the route ----------------------------------------------------------------------

    async def _await_person(self) -> None:
        while not await self._person_reported():
            self._escalated(self._record.overdue(workflow.now()))
            await self._publish()
        self._raise_if_cancelled()
        ticket = self._ticket
        assert ticket is not None
        self._ticket, self._in_flight = None, ticket
        completion = ticket.completion
        step = OrderStep(order=self._ref, actor=completion.completed_by or completion.worker)
        try:
            if completion.stage is Stage.ASSEMBLY:
                await self._run(OrderActivities.consume_components, step, "consume the components")
                if not self._record.serials and workflow.patched("serial-numbers"):
                    self._record.serials = await self._run(
                        FloorActivities.assign_serials, self._ref, "number the units"
                    )
            elif completion.stage is Stage.SHIPPING:
                await self._run(
                    OrderActivities.record_shipment, step, "book the units out to the customer"
                )
            if self._record.current.equipment is not None:
                await self._release_equipment(completion.stage)
        except ActivityError as failure:
            ticket.error = as_domain_error(failure) or Conflict(str(failure.cause or failure))
        else:
            for escalation in self._record.advance(workflow.now(), completion):
                self._escalated(escalation)
            await self._publish()
        ticket.done = True
        self._in_flight = None

    async def _person_reported(self) -> bool:
        """Wait for a completion (or a cancel); False when the stage's target passes first."""
        entry = self._record.current

        def reported() -> bool:
            return self._ticket is not None or self._cancel is not None

        if (
            entry.due_at is None
            or entry.escalated_at is not None
            or not workflow.patched("stage-deadlines")
        ):
            await workflow.wait_condition(reported)
            return True
        left = max(entry.due_at - workflow.now(), timedelta(seconds=1))
        with contextlib.suppress(TimeoutError):
            await workflow.wait_condition(reported, timeout=left)
        return reported()

    async def _procure(self) -> None:
        recheck = timedelta(seconds=self._order.procurement_recheck_seconds)
        record = self._record
        while True:
            self._stock_arrived = False  # a delivery signalled from here on wakes the wait below
            reserved = await self._run(
                OrderActivities.reserve_stock, self._ref, "reserve the components"
            )
            self._raise_if_cancelled()
            if reserved.complete:
                record.shortages, record.purchase_orders = [], []
                record.advance(workflow.now(), None)
                await self._publish()
                return
            # Since purchase orders can be cancelled, what covered a shortage may be gone: raise
            # (idempotent) after every look, not only when the shortage changed.
            if (
                workflow.patched("procure-after-every-look")
                or reserved.shortages != record.shortages
            ):
                procured = await self._run(
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
                    lambda: self._stock_arrived or self._cancel is not None, timeout=recheck
                )
            self._raise_if_cancelled()

    async def _compensate(self, reason: str) -> None:
        await self._run(
            OrderActivities.release_order, self._ref, "release reservations and purchase demand"
        )
        self._record.cancelled(workflow.now(), reason)
        for ticket in (self._ticket, self._in_flight):
            if ticket is not None and not ticket.done:
                ticket.error = OrderClosed("the order was cancelled")
                ticket.done = True
        self._ticket = self._in_flight = None
        await self._publish()
        self._cancel_recorded = True

    def _raise_if_cancelled(self) -> None:
        if self._cancel is not None:
            raise _CancelRequested

    async def _release_equipment(self, stage: Stage) -> None:
        await self._run(
            FloorActivities.release_stage_equipment,
            StageRelease(order=self._ref, stage=stage),
            f"give back the {stage} equipment",
        )

    async def _run(
        self, activity: Callable[[_S, _A], Awaitable[_R]], argument: _A, summary: str
    ) -> _R:
        return await workflow.execute_activity_method(
            activity,
            argument,
            start_to_close_timeout=_TIMEOUT,
            retry_policy=_RETRY,
            summary=summary,
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
        await self._run(
            OrderActivities.save_progress,
            self._snapshot(),
            f"record {self._progress.status}, {stage or 'finished'}",
        )

    def _snapshot(self) -> OrderSnapshot:
        return self._record.snapshot(self._version)
