"""One durable workflow per customer order.

design -> procurement -> assembly -> [soldering] -> testing -> qc -> shipping

People complete stages through the `complete_stage` update, whose validator refuses the wrong
stage before anything is written to history. Procurement is automatic: it reserves what it can,
raises purchase orders for the rest and waits for deliveries (a `stock_arrived` signal, or a
periodic recheck). The `cancel` update, or cancelling the workflow from Temporal, releases the
order's reservations and withdraws its purchase demand before the order ends.

The route and its rules are `domain.stages.Progress`; this class only sequences activities.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TypeVar

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError

with workflow.unsafe.imports_passed_through():
    from activities.order_activities import OrderActivities
    from domain.errors import Conflict, DomainError, OrderClosed, WrongStage
    from domain.stages import Progress, Stage
    from workflows import search_attributes as sa
    from workflows.contracts import (
        CancelRequest,
        OrderInput,
        OrderRef,
        OrderSnapshot,
        OrderStep,
        ProcureRequest,
        Shortage,
        StageCompletion,
        StageEntry,
    )
    from workflows.failures import as_application_error, as_domain_error

_TIMEOUT = timedelta(seconds=30)
_RETRY = RetryPolicy(initial_interval=timedelta(seconds=1), maximum_interval=timedelta(seconds=30))
_A = TypeVar("_A")


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
        self._progress = Progress.start(requires_soldering=order.requires_soldering)
        self._stages: list[StageEntry] = []
        self._version = 0
        self._ticket: _Ticket | None = None  # accepted, not yet taken by the main loop
        self._in_flight: _Ticket | None = None  # taken, its activities running
        self._cancel: CancelRequest | None = None
        self._cancel_reason: str | None = None
        self._cancel_recorded = False  # compensated and written to the projection
        self._stock_arrived = False
        self._shortages: list[Shortage] = []
        self._purchase_orders: list[str] = []
        self._completed_at: datetime | None = None

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
            self._progress = self._progress.cancelled()
            self._cancel_reason = "duplicate request (same Idempotency-Key)"
            return self._snapshot()
        self._enter(self._progress.stage)
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
        self._reject_unless(self._check_completion, completion)
        ticket = self._ticket = _Ticket(completion)
        await workflow.wait_condition(lambda: ticket.done)
        if ticket.error is not None:
            raise as_application_error(ticket.error)
        return self._snapshot()

    @complete_stage.validator
    def _validate_completion(self, completion: StageCompletion) -> None:
        self._reject_unless(self._check_completion, completion)

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

    def _check_completion(self, completion: StageCompletion) -> None:
        if self._cancel is not None:
            raise OrderClosed("the order is being cancelled")
        self._progress.check_completion(completion.stage, completion.passed)
        pending = self._ticket or self._in_flight
        if pending is not None:
            raise WrongStage(
                f"a completion of {pending.completion.stage} is already being recorded",
                stage=completion.stage,
            )

    def _check_cancel(self, request: CancelRequest) -> None:
        if self._progress.is_closed:
            raise OrderClosed(f"the order is already {self._progress.status}")
        pending = self._ticket or self._in_flight
        if pending is not None and pending.completion.stage is Stage.SHIPPING:
            raise OrderClosed("the order is being shipped and can no longer be cancelled")

    @staticmethod
    def _reject_unless(check: Callable[[_A], None], argument: _A) -> None:
        try:
            check(argument)
        except DomainError as error:
            raise as_application_error(error) from error

    # --- the route ----------------------------------------------------------------------

    async def _await_person(self) -> None:
        await workflow.wait_condition(lambda: self._ticket is not None or self._cancel is not None)
        self._raise_if_cancelled()
        ticket = self._ticket
        assert ticket is not None
        self._ticket, self._in_flight = None, ticket
        completion = ticket.completion
        step = OrderStep(
            order=OrderRef(order_id=self._order.order_id),
            actor=completion.completed_by or completion.worker,
        )
        try:
            if completion.stage is Stage.ASSEMBLY:
                await workflow.execute_activity_method(
                    OrderActivities.consume_components,
                    step,
                    start_to_close_timeout=_TIMEOUT,
                    retry_policy=_RETRY,
                    summary="consume the reserved components",
                )
            elif completion.stage is Stage.SHIPPING:
                await workflow.execute_activity_method(
                    OrderActivities.record_shipment,
                    step,
                    start_to_close_timeout=_TIMEOUT,
                    retry_policy=_RETRY,
                    summary="book the finished units out to the customer",
                )
        except ActivityError as failure:
            ticket.error = as_domain_error(failure) or Conflict(str(failure.cause or failure))
        else:
            self._advance(completion)
            await self._publish()
        ticket.done = True
        self._in_flight = None

    async def _procure(self) -> None:
        ref = OrderRef(order_id=self._order.order_id)
        recheck = timedelta(seconds=self._order.procurement_recheck_seconds)
        while True:
            self._stock_arrived = False  # a delivery signalled from here on wakes the wait below
            reserved = await workflow.execute_activity_method(
                OrderActivities.reserve_stock,
                ref,
                start_to_close_timeout=_TIMEOUT,
                retry_policy=_RETRY,
                summary="reserve the components",
            )
            self._raise_if_cancelled()
            if reserved.complete:
                self._shortages, self._purchase_orders = [], []
                self._advance(None)
                await self._publish()
                return
            # Since purchase orders can be cancelled, what covered a shortage may be gone: raise
            # (idempotent) after every look, not only when the shortage changed.
            if (
                workflow.patched("procure-after-every-look")
                or reserved.shortages != self._shortages
            ):
                procured = await workflow.execute_activity_method(
                    OrderActivities.raise_purchase_orders,
                    ProcureRequest(order=ref, shortages=reserved.shortages),
                    start_to_close_timeout=_TIMEOUT,
                    retry_policy=_RETRY,
                    summary=f"purchase {len(reserved.shortages)} missing components",
                )
                self._shortages = reserved.shortages
                self._purchase_orders = procured.purchase_orders
                await self._publish()
            # Without a delivery signal, look at the stock again after `recheck` anyway.
            with contextlib.suppress(TimeoutError):
                await workflow.wait_condition(
                    lambda: self._stock_arrived or self._cancel is not None, timeout=recheck
                )
            self._raise_if_cancelled()

    async def _compensate(self, reason: str) -> None:
        await workflow.execute_activity_method(
            OrderActivities.release_order,
            OrderRef(order_id=self._order.order_id),
            start_to_close_timeout=_TIMEOUT,
            retry_policy=_RETRY,
            summary="release reservations and purchase demand",
        )
        self._progress = self._progress.cancelled()
        self._cancel_reason = reason
        self._shortages = []
        if self._stages and self._stages[-1].completed_at is None:
            self._close_entry("cancelled", None)
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

    def _advance(self, completion: StageCompletion | None) -> None:
        """Complete the current stage (a person's completion, or None for automatic stages)."""
        stage = self._progress.stage
        assert stage is not None
        passed = completion.passed if completion else None
        self._close_entry("failed" if passed is False else "completed", completion)
        self._progress = self._progress.complete(stage, passed)
        if self._progress.stage is None:
            self._completed_at = workflow.now()
        else:
            self._enter(self._progress.stage)

    def _enter(self, stage: Stage | None) -> None:
        assert stage is not None
        self._stages.append(
            StageEntry(
                seq=len(self._stages) + 1, stage=stage, status="active", started_at=workflow.now()
            )
        )

    def _close_entry(self, status: str, completion: StageCompletion | None) -> None:
        entry = self._stages[-1]
        self._stages[-1] = entry.model_copy(
            update={
                "status": status,
                "completed_at": workflow.now(),
                "worker": completion.worker if completion else None,
                "completed_by": completion.completed_by if completion else None,
                "notes": completion.notes if completion else None,
                "passed": completion.passed if completion else None,
            }
        )

    async def _publish(self) -> None:
        """Bring search attributes, the UI summary and the `orders` projection up to date."""
        self._version += 1
        stage = self._progress.stage
        workflow.upsert_search_attributes(
            [
                sa.ORDER_STAGE.value_set(stage.value) if stage else sa.ORDER_STAGE.value_unset(),
                sa.ORDER_STATUS.value_set(self._progress.status.value),
            ]
        )
        workflow.set_current_details(self._details())
        await workflow.execute_activity_method(
            OrderActivities.save_progress,
            self._snapshot(),
            start_to_close_timeout=_TIMEOUT,
            retry_policy=_RETRY,
            summary=f"record {self._progress.status}, {stage or 'finished'}",
        )

    def _snapshot(self) -> OrderSnapshot:
        return OrderSnapshot(
            order_id=self._order.order_id,
            number=self._order.number,
            version=self._version,
            status=self._progress.status,
            stage=self._progress.stage,
            rework_count=self._progress.rework_count,
            waiting_for_stock=bool(self._shortages),
            shortages=self._shortages,
            cancel_reason=self._cancel_reason,
            completed_at=self._completed_at,
            stages=list(self._stages),
        )

    def _details(self) -> str:
        order = self._order
        lines = [
            f"**{order.number}**: {order.quantity} x {order.product_sku}, "
            f"priority {order.priority.value}, due {order.due_date.isoformat()}",
            f"Status: **{self._progress.status.value}**, stage: **{self._progress.stage or '—'}**, "
            f"reworks: {self._progress.rework_count}",
        ]
        if self._shortages:
            lines.append("Waiting for stock:")
            lines += [f"- {s.sku}: {s.quantity} missing" for s in self._shortages]
            if self._purchase_orders:
                lines.append(f"Purchase orders: {', '.join(self._purchase_orders)}")
        if self._cancel_reason:
            lines.append(f"Cancelled: {self._cancel_reason}")
        return "\n\n".join(lines)
