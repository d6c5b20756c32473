"""One durable workflow per purchase order, from draft to received (or cancelled).

Sending, confirming, receiving and cancelling are updates: a validator refuses what the life
cycle does not allow (409 at the API), the handler makes the change in one activity. A receipt
reserves what arrived for the waiting orders and signals their workflows, as does a
cancellation (they look for their components elsewhere). Once sent, the purchase order watches
its expected date: past it, it is flagged late (a flag, a log line and a metric) and goes on
waiting.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, time, timedelta
from functools import partial

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from activities.purchasing_activities import PurchasingActivities
    from contracts.purchase_orders import (
        PURCHASE_ORDER_WORKFLOW,
        GoodsReceipt,
        GoodsReceiptRequest,
        PurchaseOrderAction,
        PurchaseOrderRef,
        PurchaseOrderState,
        StatusChange,
        SupplyResult,
    )
    from domain.purchasing import (
        OPEN_STATUSES,
        PurchaseOrderStatus,
        check_receivable,
        check_transition,
    )
    from workflows.steps import attempt_step, reject_unless, run_step

_WATCHED = OPEN_STATUSES - {PurchaseOrderStatus.DRAFT}  # sent: the supplier has a date to keep


@workflow.defn(name=PURCHASE_ORDER_WORKFLOW)
class PurchaseOrderWorkflow:
    @workflow.init
    def __init__(self, ref: PurchaseOrderRef) -> None:
        self._ref = ref
        self._state: PurchaseOrderState | None = None
        self._lock = asyncio.Lock()  # one change at a time, in the order they were accepted

    @workflow.run
    async def run(self, ref: PurchaseOrderRef) -> PurchaseOrderState:
        self._state = await run_step(
            PurchasingActivities.load_purchase_order, ref, "load the purchase order"
        )
        while self._current.status in OPEN_STATUSES:
            deadline = self._deadline()
            if deadline is None:
                await workflow.wait_condition(self._changed(self._current))
                continue
            seen = self._current
            with contextlib.suppress(TimeoutError):
                await workflow.wait_condition(
                    self._changed(seen), timeout=max(deadline - workflow.now(), timedelta(0))
                )
            if self._current is seen:  # the expected date passed with nothing arriving
                await self._escalate()
        await workflow.wait_condition(workflow.all_handlers_finished)
        return self._current

    async def _loaded(self) -> None:
        await workflow.wait_condition(lambda: self._state is not None)

    @property
    def _current(self) -> PurchaseOrderState:
        assert self._state is not None
        return self._state

    def _changed(self, seen: PurchaseOrderState) -> Callable[[], bool]:
        return lambda: self._state is not seen

    def _deadline(self) -> datetime | None:
        """The end of the expected date, while sent and not late yet."""
        state = self._current
        if state.status not in _WATCHED or state.escalated or state.expected_date is None:
            return None
        return datetime.combine(state.expected_date, time.max, tzinfo=UTC)

    async def _escalate(self) -> None:
        await run_step(PurchasingActivities.mark_late, self._ref, "flag the purchase order late")
        workflow.logger.warning("Purchase order %s is past its expected date", self._ref.number)
        workflow.metric_meter().create_counter(
            "zhuchka_purchase_orders_late", "Purchase orders past their expected date"
        ).add(1)
        self._state = self._current.model_copy(update={"escalated": True})
        workflow.set_current_details(f"**{self._ref.number}** is **late**")

    # --- updates ------------------------------------------------------------------------

    @workflow.update
    async def send(self, action: PurchaseOrderAction) -> PurchaseOrderState:
        return await self._move(PurchaseOrderStatus.SENT, action)

    @send.validator
    def _validate_send(self, action: PurchaseOrderAction) -> None:
        self._allow(PurchaseOrderStatus.SENT)

    @workflow.update
    async def confirm(self, action: PurchaseOrderAction) -> PurchaseOrderState:
        return await self._move(PurchaseOrderStatus.CONFIRMED, action)

    @confirm.validator
    def _validate_confirm(self, action: PurchaseOrderAction) -> None:
        self._allow(PurchaseOrderStatus.CONFIRMED)

    @workflow.update
    async def cancel(self, action: PurchaseOrderAction) -> PurchaseOrderState:
        async with self._lock:
            await self._loaded()
            self._allow(PurchaseOrderStatus.CANCELLED)
            if self._current.status is PurchaseOrderStatus.CANCELLED:  # a repeat
                return self._current
            result = await attempt_step(
                PurchasingActivities.cancel, self._ref, "cancel the purchase order"
            )
            self._state = result.state
        await self._tell(result.waiting_orders)
        return result.state

    @cancel.validator
    def _validate_cancel(self, action: PurchaseOrderAction) -> None:
        self._allow(PurchaseOrderStatus.CANCELLED)

    @workflow.update
    async def receive(self, receipt: GoodsReceipt) -> SupplyResult:
        async with self._lock:
            await self._loaded()
            self._allow_receipt()
            request = GoodsReceiptRequest(
                purchase_order=self._ref,
                receipt=receipt,
                receipt_key=receipt.receipt_key or str(workflow.uuid4()),
            )
            result = await attempt_step(
                PurchasingActivities.receive_goods, request, "book the delivery"
            )
            self._state = result.state.model_copy(update={"escalated": self._current.escalated})
        await self._tell(result.waiting_orders)
        return result

    @receive.validator
    def _validate_receive(self, receipt: GoodsReceipt) -> None:
        self._allow_receipt()

    @workflow.query
    def state(self) -> PurchaseOrderState | None:
        return self._state

    def _allow(self, target: PurchaseOrderStatus) -> None:
        """Refuse a change the life cycle does not allow. Before the purchase order is loaded
        the validators let it through; the handler checks again once it is. A change to where
        it already is passes: a repeat, answered with the purchase order as it is."""
        if self._state is None or self._current.status is target:
            return
        reject_unless(partial(check_transition, self._current.status), target)

    def _allow_receipt(self) -> None:
        if self._state is None:
            return
        reject_unless(check_receivable, self._current.status)

    async def _move(
        self, target: PurchaseOrderStatus, action: PurchaseOrderAction
    ) -> PurchaseOrderState:
        async with self._lock:
            await self._loaded()
            self._allow(target)
            if self._current.status is target:  # a repeat that waited for the first
                return self._current
            change = StatusChange(purchase_order=self._ref, target=target, actor=action.actor)
            state = await attempt_step(PurchasingActivities.change_status, change, f"mark {target}")
            self._state = state.model_copy(update={"escalated": self._current.escalated})
            return self._current

    async def _tell(self, order_workflows: Iterable[str]) -> None:
        """Signal the orders that wait on this purchase order to look at stock again."""
        for workflow_id in order_workflows:
            handle = workflow.get_external_workflow_handle(workflow_id)
            with contextlib.suppress(Exception):  # an order that ended needs no news
                await handle.signal("stock_arrived")
