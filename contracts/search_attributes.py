"""Search attributes that let ops filter orders in the Temporal UI and CLI: the keys the order
workflow keeps up to date, what it starts with, and the dev server's flags for them.

No personal data here: search attributes are stored unencrypted.
"""

from __future__ import annotations

from datetime import UTC, datetime, time

from temporalio.common import SearchAttributeKey, SearchAttributePair, TypedSearchAttributes

from contracts.orders import OrderInput
from domain.stages import OrderStatus, Stage

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
