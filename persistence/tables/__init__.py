"""The relational schema, one module per area. The Alembic migrations in `migrations/` build
it; tests run them and check that they match these models."""

from persistence.tables.accounts import OutboundEmail, User, UserToken
from persistence.tables.base import Base
from persistence.tables.catalogue import Bin, BomLine, Item, Product, Warehouse, Zone, ZoneReading
from persistence.tables.orders import Order, OrderRequirement, OrderStageRecord
from persistence.tables.purchasing import (
    PurchaseOrder,
    PurchaseOrderDemand,
    PurchaseOrderLine,
    PurchaseOrderReceipt,
    Supplier,
    SupplierContact,
    SupplierItem,
    SupplierPriceBreak,
)
from persistence.tables.stock import (
    BinStock,
    Reservation,
    StockLevel,
    StockMovement,
    Stocktake,
    StocktakeLine,
)

__all__ = [
    "Base",
    "Bin",
    "BinStock",
    "BomLine",
    "Item",
    "Order",
    "OrderRequirement",
    "OrderStageRecord",
    "OutboundEmail",
    "Product",
    "PurchaseOrder",
    "PurchaseOrderDemand",
    "PurchaseOrderLine",
    "PurchaseOrderReceipt",
    "Reservation",
    "StockLevel",
    "StockMovement",
    "Stocktake",
    "StocktakeLine",
    "Supplier",
    "SupplierContact",
    "SupplierItem",
    "SupplierPriceBreak",
    "User",
    "UserToken",
    "Warehouse",
    "Zone",
    "ZoneReading",
]
