"""The activities of the order workflow.

Each call is one short transaction and converges on a target state keyed by the order id, so
Temporal may retry any of them without double-counting stock. Business failures leave as
non-retryable `ApplicationError`s; anything else (a dropped connection) is retried.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

import structlog
from temporalio import activity
from temporalio.client import Client

from activities.edge import at_the_edge
from activities.purchasing_activities import refs_for, start_purchase_order_workflows
from contracts.orders import (
    OrderInput,
    OrderRef,
    OrderSnapshot,
    OrderStep,
    ProcureRequest,
    ProcureResult,
    RegisterResult,
    ReleaseResult,
    ReserveResult,
)
from core.settings import Settings
from persistence.database import SessionFactory
from services.floor import stage_work
from services.orders import order_notices, order_records, order_stock
from services.purchasing import procurement
from workflow_client.notices import start_deliveries

log = structlog.get_logger(__name__)


class OrderActivities:
    def __init__(self, sessions: SessionFactory, client: Client, settings: Settings) -> None:
        """`client` starts the workflows of purchase orders raised for shortages and the
        deliveries of the notices an order's progress gives."""
        self._sessions = sessions
        self._client = client
        self._settings = settings
        self._task_queue = settings.temporal_task_queue

    @activity.defn(name="register_order")
    @at_the_edge
    async def register_order(self, order: OrderInput) -> RegisterResult:
        async with self._sessions.begin() as session:
            registered = await order_records.register_order(session, order)
        log.info("order.registered", order=order.number, registered=registered)
        return RegisterResult(registered=registered)

    @activity.defn(name="reserve_stock")
    @at_the_edge
    async def reserve_stock(self, ref: OrderRef) -> ReserveResult:
        async with self._sessions.begin() as session:
            result = await order_stock.reserve_for_order(session, ref.order_id)
        log.info("order.reserved", complete=result.complete, shortages=len(result.shortages))
        return result

    @activity.defn(name="raise_purchase_orders")
    @at_the_edge
    async def raise_purchase_orders(self, request: ProcureRequest) -> ProcureResult:
        shortages = {s.item_id: s.quantity for s in request.shortages}
        async with self._sessions.begin() as session:
            result = await procurement.raise_purchase_orders(
                session, request.order.order_id, shortages, datetime.now(UTC).date()
            )
            refs = await refs_for(session, result.purchase_orders)
        # After the commit: the workflows find their purchase orders.
        await start_purchase_order_workflows(self._client, self._task_queue, refs)
        log.info(
            "order.purchase_orders", purchase_orders=result.purchase_orders, held=len(result.held)
        )
        return result

    @activity.defn(name="consume_components")
    @at_the_edge
    async def consume_components(self, step: OrderStep) -> int:
        async with self._sessions.begin() as session:
            consumed = await order_stock.consume_for_order(session, step.order.order_id, step.actor)
        log.info("order.consumed", reservations=consumed)
        return consumed

    @activity.defn(name="record_shipment")
    @at_the_edge
    async def record_shipment(self, step: OrderStep) -> None:
        async with self._sessions.begin() as session:
            await order_stock.record_shipment(session, step.order.order_id, step.actor)
        log.info("order.shipped")

    @activity.defn(name="release_order")
    @at_the_edge
    async def release_order(self, ref: OrderRef) -> ReleaseResult:
        async with self._sessions.begin() as session:
            released = await order_stock.release_for_order(session, ref.order_id)
            cancelled = await procurement.withdraw_order_demands(session, ref.order_id)
            await stage_work.release(session, ref.order_id)
        log.info("order.released", reservations=released, cancelled_purchase_orders=cancelled)
        return ReleaseResult(released_reservations=released, cancelled_purchase_orders=cancelled)

    @activity.defn(name="save_progress")
    @at_the_edge
    async def save_progress(self, snapshot: OrderSnapshot) -> bool:
        """Write the snapshot to the projection and tell what it brought (an escalation, a
        failed inspection) to whom it concerns, in one transaction."""
        async with self._sessions.begin() as session:
            saved = await order_records.save_snapshot(session, snapshot)
            queued = await order_notices.tell_news(session, self._settings, snapshot, saved)
        await start_deliveries(self._client, self._task_queue, queued.emails, queued.webhooks)
        return saved.written

    def all(self) -> list[Callable[..., Awaitable[object]]]:
        return [
            self.register_order,
            self.reserve_stock,
            self.raise_purchase_orders,
            self.consume_components,
            self.record_shipment,
            self.release_order,
            self.save_progress,
        ]
