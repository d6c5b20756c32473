"""Search attributes that let ops filter orders in the Temporal UI and CLI.

No personal data here: search attributes are stored unencrypted.
"""

from __future__ import annotations

from datetime import UTC, datetime, time

from temporalio.api.enums.v1 import IndexedValueType
from temporalio.api.operatorservice.v1 import (
    AddSearchAttributesRequest,
    ListSearchAttributesRequest,
)
from temporalio.client import Client
from temporalio.common import SearchAttributeKey, SearchAttributePair, TypedSearchAttributes
from temporalio.service import RPCError, RPCStatusCode

from domain.stages import OrderStatus, Stage
from workflows.contracts import OrderInput

ORDER_STAGE = SearchAttributeKey.for_keyword("OrderStage")
ORDER_STATUS = SearchAttributeKey.for_keyword("OrderStatus")
ORDER_PRIORITY = SearchAttributeKey.for_keyword("OrderPriority")
PRODUCT_SKU = SearchAttributeKey.for_keyword("ProductSku")
DUE_DATE = SearchAttributeKey.for_datetime("DueDate")
ORDER_ON_HOLD = SearchAttributeKey.for_bool("OrderOnHold")

ALL = (ORDER_STAGE, ORDER_STATUS, ORDER_PRIORITY, PRODUCT_SKU, DUE_DATE, ORDER_ON_HOLD)


def cli_flags() -> list[str]:
    """`--search-attribute NAME=Type` flags for `temporal server start-dev`."""
    kinds = {"KEYWORD": "Keyword", "DATETIME": "Datetime", "BOOL": "Bool"}
    flags: list[str] = []
    for key in ALL:
        flags += ["--search-attribute", f"{key.name}={kinds[key.indexed_value_type.name]}"]
    return flags


def at_start(order: OrderInput) -> TypedSearchAttributes:
    """The attributes an order's workflow starts with; stage and status change as it runs."""
    due = datetime.combine(order.due_date, time(23, 59, 59), tzinfo=UTC)
    return TypedSearchAttributes(
        [
            SearchAttributePair(ORDER_STAGE, Stage.DESIGN.value),
            SearchAttributePair(ORDER_STATUS, OrderStatus.PENDING.value),
            SearchAttributePair(ORDER_PRIORITY, order.priority.value),
            SearchAttributePair(PRODUCT_SKU, order.product_sku),
            SearchAttributePair(DUE_DATE, due),
            SearchAttributePair(ORDER_ON_HOLD, False),
        ]
    )


async def ensure_registered(client: Client, namespace: str) -> list[str]:
    """Register the attributes this service needs on a server that lacks them (an external
    cluster or a test server). Returns the names it added."""
    try:
        existing = await client.operator_service.list_search_attributes(
            ListSearchAttributesRequest(namespace=namespace)
        )
        known = set(existing.custom_attributes) | set(existing.system_attributes)
    except RPCError as error:
        if error.status != RPCStatusCode.UNIMPLEMENTED:  # the time-skipping test server
            raise
        known = set()
    missing = {
        key.name: IndexedValueType.ValueType(key.indexed_value_type)
        for key in ALL
        if key.name not in known
    }
    if missing:
        await client.operator_service.add_search_attributes(
            AddSearchAttributesRequest(namespace=namespace, search_attributes=missing)
        )
    return sorted(missing)
