"""What purchasing would do now: the suggestions (for shortages and for items below their
reorder point) and running the reorder scan on demand."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter
from pydantic import BaseModel, Field

from api.auth.access import Principal, requires
from api.deps import SessionDep, WorkflowsDep
from api.queries.catalogue import item_skus
from api.queries.suppliers import supplier_names
from api.workflow_calls import temporal_call
from contracts.purchase_orders import (
    ReorderScanInput,
    ReorderScanResult,
)
from domain.access import Action
from services.purchasing import replenishment
from workflows.reorder_scan import ReorderScanWorkflow

router = APIRouter()
READ = requires(Action.READ)
Buyer = Annotated[Principal, requires(Action.MANAGE_PURCHASING)]


class SuggestedLine(BaseModel):
    item_id: uuid.UUID
    sku: str
    quantity: int
    unit_price: Decimal
    value: Decimal
    expected_date: date


class SupplierSuggestion(BaseModel):
    supplier_id: uuid.UUID
    supplier_name: str
    lines: list[SuggestedLine]
    total: Decimal


class HeldOut(BaseModel):
    item_id: uuid.UUID
    sku: str
    quantity: int
    reason: str
    supplier_id: uuid.UUID | None


class SuggestionsOut(BaseModel):
    suppliers: list[SupplierSuggestion] = Field(description="One purchase order per supplier")
    held: list[HeldOut] = Field(description="Needs nothing is bought for, and why")


@router.get("/suggestions", dependencies=[READ])
async def suggestions(session: SessionDep) -> SuggestionsOut:
    """What would be bought now: for the orders' uncovered shortages and for the items below
    their reorder point, net of open purchase orders; one purchase order per supplier, in whole
    packs above the minimum, at the best price break, within each supplier's credit limit."""
    found = await replenishment.suggestions(session, datetime.now(UTC).date())
    items = {s.item for s in found.suggestions} | {h.item for h in found.held}
    skus = await item_skus(session, items)
    names = await supplier_names(session)
    by_supplier: dict[uuid.UUID, list[SuggestedLine]] = {}
    for s in found.suggestions:
        by_supplier.setdefault(s.supplier, []).append(
            SuggestedLine(
                item_id=s.item,
                sku=skus[s.item],
                quantity=s.quantity,
                unit_price=s.unit_price,
                value=s.value.quantize(Decimal("0.01")),
                expected_date=s.expected_date,
            )
        )
    return SuggestionsOut(
        suppliers=[
            SupplierSuggestion(
                supplier_id=supplier,
                supplier_name=names[supplier],
                lines=lines,
                total=sum((ln.value for ln in lines), Decimal(0)),
            )
            for supplier, lines in sorted(by_supplier.items(), key=lambda kv: names[kv[0]])
        ],
        held=[
            HeldOut(
                item_id=h.item,
                sku=skus[h.item],
                quantity=h.quantity,
                reason=h.reason,
                supplier_id=h.supplier,
            )
            for h in found.held
        ],
    )


@router.post("/reorder-scan")
async def reorder_scan(workflows: WorkflowsDep, buyer: Buyer) -> ReorderScanResult:
    """Run the reorder scan now (it also runs on its schedule): drafts for items below their
    reorder point."""
    async with temporal_call(
        "the reorder scan did not finish",
        within=workflows.within * 4,
    ):
        return await workflows.temporal.execute_workflow(
            ReorderScanWorkflow.run,
            ReorderScanInput(),
            id=f"reorder-scan-by-{uuid.uuid4().hex[:8]}",
            task_queue=workflows.settings.temporal_task_queue,
            static_summary=f"reorder scan run by {buyer.email}",
        )
