"""The activities of the order workflow.

Each call is one short transaction and converges on a target state keyed by the order id, so
Temporal may retry any of them without double-counting stock. Business failures leave as
non-retryable `ApplicationError`s; anything else (a dropped connection) is retried.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from datetime import date
from typing import ParamSpec, TypeVar

import structlog
from temporalio import activity

from domain.errors import DomainError
from persistence import order_records, order_stock, procurement
from persistence.database import SessionFactory
from workflows.contracts import (
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
from workflows.failures import as_application_error

log = structlog.get_logger(__name__)

P = ParamSpec("P")
R = TypeVar("R")


def _at_the_edge(fn: Callable[P, Awaitable[R]]) -> Callable[P, Awaitable[R]]:
    """Bind the workflow's ids to every log line and turn domain errors into final failures."""

    @functools.wraps(fn)
    async def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        info = activity.info()
        with structlog.contextvars.bound_contextvars(
            workflow_id=info.workflow_id, activity=info.activity_type, attempt=info.attempt
        ):
            try:
                return await fn(*args, **kwargs)
            except DomainError as error:
                log.warning("activity.business_failure", code=error.code, error=error.message)
                raise as_application_error(error) from error

    return wrapper


class OrderActivities:
    def __init__(self, sessions: SessionFactory) -> None:
        self._sessions = sessions

    @activity.defn(name="register_order")
    @_at_the_edge
    async def register_order(self, order: OrderInput) -> RegisterResult:
        async with self._sessions.begin() as session:
            registered = await order_records.register_order(session, order)
        log.info("order.registered", order=order.number, registered=registered)
        return RegisterResult(registered=registered)

    @activity.defn(name="reserve_stock")
    @_at_the_edge
    async def reserve_stock(self, ref: OrderRef) -> ReserveResult:
        async with self._sessions.begin() as session:
            result = await order_stock.reserve_for_order(session, ref.order_id)
        log.info("order.reserved", complete=result.complete, shortages=len(result.shortages))
        return result

    @activity.defn(name="raise_purchase_orders")
    @_at_the_edge
    async def raise_purchase_orders(self, request: ProcureRequest) -> ProcureResult:
        shortages = {s.item_id: s.quantity for s in request.shortages}
        async with self._sessions.begin() as session:
            result = await procurement.raise_purchase_orders(
                session, request.order.order_id, shortages, date.today()
            )
        log.info("order.purchase_orders", purchase_orders=result.purchase_orders)
        return result

    @activity.defn(name="consume_components")
    @_at_the_edge
    async def consume_components(self, step: OrderStep) -> int:
        async with self._sessions.begin() as session:
            consumed = await order_stock.consume_for_order(session, step.order.order_id, step.actor)
        log.info("order.consumed", reservations=consumed)
        return consumed

    @activity.defn(name="record_shipment")
    @_at_the_edge
    async def record_shipment(self, step: OrderStep) -> None:
        async with self._sessions.begin() as session:
            await order_stock.record_shipment(session, step.order.order_id, step.actor)
        log.info("order.shipped")

    @activity.defn(name="release_order")
    @_at_the_edge
    async def release_order(self, ref: OrderRef) -> ReleaseResult:
        async with self._sessions.begin() as session:
            released = await order_stock.release_for_order(session, ref.order_id)
            cancelled = await procurement.withdraw_order_demands(session, ref.order_id)
        log.info("order.released", reservations=released, cancelled_purchase_orders=cancelled)
        return ReleaseResult(released_reservations=released, cancelled_purchase_orders=cancelled)

    @activity.defn(name="save_progress")
    @_at_the_edge
    async def save_progress(self, snapshot: OrderSnapshot) -> bool:
        async with self._sessions.begin() as session:
            return await order_records.save_snapshot(session, snapshot)

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
