"""The activities of purchase orders and of the reorder scan: each one short transaction,
safe to retry (status changes converge, receipts carry a key, escalation is a flag)."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

import structlog
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from temporalio import activity
from temporalio.client import Client

from activities.edge import at_the_edge
from contracts.purchase_orders import (
    GoodsReceiptRequest,
    PurchaseOrderRef,
    PurchaseOrderState,
    ReorderScanInput,
    ReorderScanResult,
    StatusChange,
    SupplyResult,
)
from core.settings import Settings
from domain.notifications import late_purchase_order_notice
from domain.purchasing import PurchaseOrderStatus
from persistence.database import SessionFactory
from persistence.tables import Order, PurchaseOrder, Supplier
from services.inventory import low_stock_watch
from services.inventory.catalogue import default_warehouse
from services.notifications.dispatch import Queued, notify
from services.orders import past_due_watch
from services.purchasing import goods_receipt, procurement, purchase_orders, replenishment
from workflow_client.notices import start_deliveries
from workflow_client.purchase_orders import start_purchase_order_workflow

log = structlog.get_logger(__name__)


def _state(po: PurchaseOrder) -> PurchaseOrderState:
    return PurchaseOrderState(
        number=po.number,
        status=PurchaseOrderStatus(po.status),
        expected_date=po.expected_date,
        escalated=po.escalated_at is not None,
    )


class PurchasingActivities:
    def __init__(self, sessions: SessionFactory, client: Client, settings: Settings) -> None:
        self._sessions = sessions
        self._client = client
        self._settings = settings

    @activity.defn(name="load_purchase_order")
    @at_the_edge
    async def load_purchase_order(self, ref: PurchaseOrderRef) -> PurchaseOrderState:
        async with self._sessions() as session:
            return _state(await purchase_orders.get_purchase_order(session, ref.purchase_order_id))

    @activity.defn(name="change_purchase_order_status")
    @at_the_edge
    async def change_status(self, change: StatusChange) -> PurchaseOrderState:
        async with self._sessions.begin() as session:
            po = await purchase_orders.get_purchase_order(
                session, change.purchase_order.purchase_order_id, lock=True
            )
            if po.status != change.target:  # a retry after the change committed
                po = await purchase_orders.change_status(session, po.id, change.target)
            state = _state(po)
        log.info("purchase_order.status", number=state.number, status=state.status, by=change.actor)
        return state

    @activity.defn(name="receive_goods")
    @at_the_edge
    async def receive_goods(self, request: GoodsReceiptRequest) -> SupplyResult:
        async with self._sessions.begin() as session:
            outcome = await goods_receipt.receive(
                session,
                request.purchase_order.purchase_order_id,
                [
                    goods_receipt.ReceiptLine(line.item_id, line.quantity)
                    for line in request.receipt.lines
                ],
                request.receipt.actor,
                bin_id=request.receipt.bin_id,
                receipt_key=request.receipt_key,
                reference=request.receipt.reference,
                request_digest=request.receipt.digest,
            )
            waiting = await purchase_orders.waiting_orders(session, outcome.purchase_order.id)
            state = _state(outcome.purchase_order)
        log.info("purchase_order.received", number=state.number, status=state.status)
        return SupplyResult(
            state=state,
            waiting_orders=sorted(set(waiting) | await self._workflows_of(outcome.allocated)),
            allocated={str(k): v for k, v in outcome.allocated.items()},
        )

    async def _workflows_of(self, allocated: dict[uuid.UUID, int]) -> set[str]:
        if not allocated:
            return set()
        async with self._sessions() as session:
            return set(
                await session.scalars(
                    select(Order.workflow_id).where(Order.id.in_(list(allocated)))
                )
            )

    @activity.defn(name="cancel_purchase_order")
    @at_the_edge
    async def cancel(self, ref: PurchaseOrderRef) -> SupplyResult:
        async with self._sessions.begin() as session:
            po = await purchase_orders.get_purchase_order(session, ref.purchase_order_id, lock=True)
            if po.status != PurchaseOrderStatus.CANCELLED:
                po = await purchase_orders.cancel(session, po.id)
            waiting = await purchase_orders.waiting_orders(session, po.id)
            state = _state(po)
        log.info("purchase_order.cancelled", number=state.number, orders=len(waiting))
        return SupplyResult(state=state, waiting_orders=waiting)

    @activity.defn(name="mark_purchase_order_late")
    @at_the_edge
    async def mark_late(self, ref: PurchaseOrderRef) -> bool:
        """Flag the purchase order late and tell the buyers, once."""
        queued = Queued()
        async with self._sessions.begin() as session:
            newly = await purchase_orders.mark_late(session, ref.purchase_order_id)
            if newly:
                po = await purchase_orders.get_purchase_order(session, ref.purchase_order_id)
                supplier = await session.get(Supplier, po.supplier_id)
                notice = late_purchase_order_notice(
                    str(po.id), po.number, supplier.name if supplier else "?", po.expected_date
                )
                queued = await notify(session, self._settings, notice)
        if newly:
            log.warning("purchase_order.late", number=ref.number)
        await self._deliver(queued)
        return newly

    @activity.defn(name="reorder_scan")
    @at_the_edge
    async def reorder_scan(self, request: ReorderScanInput) -> ReorderScanResult:
        """Raise drafts for the items below their reorder point; start their workflows. The
        same hourly scan tells of the items gone low and the orders gone past their due
        date."""
        today = datetime.now(UTC).date()
        async with self._sessions.begin() as session:
            warehouse = await default_warehouse(
                session, request.warehouse_code or self._settings.default_warehouse_code
            )
            result = await replenishment.reorder_scan(session, warehouse.id, today)
            refs = await refs_for(session, result.purchase_orders)
            held = await procurement.held_shortages(session, result.plan)
            queued = await low_stock_watch.watch(session, self._settings)
            queued += await past_due_watch.watch(session, self._settings)
        await start_purchase_order_workflows(self._client, self._settings.temporal_task_queue, refs)
        await self._deliver(queued)
        log.info("reorder_scan.done", purchase_orders=result.purchase_orders)
        return ReorderScanResult(
            purchase_orders=result.purchase_orders,
            lines=len(result.plan.suggestions),
            held=held,
        )

    async def _deliver(self, queued: Queued) -> None:
        await start_deliveries(
            self._client, self._settings.temporal_task_queue, queued.emails, queued.webhooks
        )

    def all(self) -> list[Callable[..., Awaitable[object]]]:
        return [
            self.load_purchase_order,
            self.change_status,
            self.receive_goods,
            self.cancel,
            self.mark_late,
            self.reorder_scan,
        ]


async def refs_for(session: AsyncSession, numbers: list[str]) -> list[PurchaseOrderRef]:
    rows = await session.execute(
        select(PurchaseOrder.id, PurchaseOrder.number).where(PurchaseOrder.number.in_(numbers))
    )
    return [PurchaseOrderRef(purchase_order_id=i, number=n) for i, n in rows]


async def start_purchase_order_workflows(
    client: Client, task_queue: str, refs: list[PurchaseOrderRef]
) -> None:
    for ref in refs:
        await start_purchase_order_workflow(client, task_queue, ref)
