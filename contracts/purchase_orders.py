"""What crosses Temporal for a purchase order: its workflow's state and updates, the goods
received, and the reorder scan."""

from __future__ import annotations

import uuid
from datetime import date

from pydantic import BaseModel, Field

from contracts.orders import HeldShortage
from domain.purchasing import PurchaseOrderStatus


class PurchaseOrderRef(BaseModel):
    purchase_order_id: uuid.UUID
    number: str


class PurchaseOrderState(BaseModel):
    number: str
    status: PurchaseOrderStatus
    expected_date: date | None = None
    escalated: bool = False


class PurchaseOrderAction(BaseModel):
    """Who sends, confirms or cancels a purchase order (from the token), and why."""

    actor: str | None = None
    reason: str | None = None


class StatusChange(BaseModel):
    purchase_order: PurchaseOrderRef
    target: PurchaseOrderStatus
    actor: str | None = None


class ReceivedLine(BaseModel):
    item_id: uuid.UUID
    quantity: int = Field(gt=0)


class GoodsReceipt(BaseModel):
    lines: list[ReceivedLine] = Field(min_length=1)
    bin_id: uuid.UUID | None = None
    actor: str | None = None
    # What the delivery is booked under (its delivery note, or the client's Idempotency-Key):
    # a repeat books nothing twice. None in histories recorded before it was sent.
    receipt_key: str | None = None
    reference: str | None = None  # the supplier's delivery note
    digest: str | None = None  # of the request as the client sent it


class GoodsReceiptRequest(BaseModel):
    purchase_order: PurchaseOrderRef
    receipt: GoodsReceipt
    receipt_key: str  # one per accepted update: a retried activity books nothing twice


class SupplyResult(BaseModel):
    """A purchase order's new state and the order workflows that should look at stock again."""

    state: PurchaseOrderState
    waiting_orders: list[str] = Field(default_factory=list)
    allocated: dict[str, int] = Field(default_factory=dict)  # order id -> units reserved


class ReorderScanInput(BaseModel):
    warehouse_code: str | None = None  # the default warehouse when not given


class ReorderScanResult(BaseModel):
    purchase_orders: list[str] = Field(default_factory=list)
    lines: int = 0
    held: list[HeldShortage] = Field(default_factory=list)


def purchase_order_workflow_id(number: str) -> str:
    return f"purchase-order-{number}"


# The names the workflows register, by which others start them.
PURCHASE_ORDER_WORKFLOW = "PurchaseOrder"
REORDER_SCAN_WORKFLOW = "ReorderScan"
