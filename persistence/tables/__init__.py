"""The relational schema, one module per area. The Alembic migrations in `migrations/` build
it; tests run them and check that they match these models."""

from persistence.tables.accounts import OutboundEmail, User, UserToken
from persistence.tables.audit import AuditEntry
from persistence.tables.base import Base
from persistence.tables.catalogue import Bin, BomLine, Item, Product, Warehouse, Zone, ZoneReading
from persistence.tables.floor import (
    Calendar,
    CalendarException,
    CalendarShift,
    Equipment,
    ProductStageTarget,
    StageRequirement,
    Worker,
    WorkerSkill,
)
from persistence.tables.notifications import (
    LowStockFlag,
    Notification,
    NotificationChoice,
    OutboundWebhook,
)
from persistence.tables.orders import (
    EquipmentDay,
    Order,
    OrderEscalation,
    OrderRequirement,
    OrderStageRecord,
    Unit,
    WorkerDay,
)
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
from persistence.tables.quality import Inspection, InspectionResult, QcTemplate, QcTemplateItem
from persistence.tables.stock import (
    BinStock,
    Reservation,
    StockLevel,
    StockMovement,
    Stocktake,
    StocktakeLine,
)

__all__ = [
    "AuditEntry",
    "Base",
    "Bin",
    "BinStock",
    "BomLine",
    "Calendar",
    "CalendarException",
    "CalendarShift",
    "Equipment",
    "EquipmentDay",
    "Inspection",
    "InspectionResult",
    "Item",
    "LowStockFlag",
    "Notification",
    "NotificationChoice",
    "Order",
    "OrderEscalation",
    "OrderRequirement",
    "OrderStageRecord",
    "OutboundEmail",
    "OutboundWebhook",
    "Product",
    "ProductStageTarget",
    "PurchaseOrder",
    "PurchaseOrderDemand",
    "PurchaseOrderLine",
    "PurchaseOrderReceipt",
    "QcTemplate",
    "QcTemplateItem",
    "Reservation",
    "StageRequirement",
    "StockLevel",
    "StockMovement",
    "Stocktake",
    "StocktakeLine",
    "Supplier",
    "SupplierContact",
    "SupplierItem",
    "SupplierPriceBreak",
    "Unit",
    "User",
    "UserToken",
    "Warehouse",
    "Worker",
    "WorkerDay",
    "WorkerSkill",
    "Zone",
    "ZoneReading",
]
