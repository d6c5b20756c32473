"""Suppliers, what they offer, and purchase orders with the customer orders they serve."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from persistence.tables.base import Base, created_at, uuid_pk


class Supplier(Base):
    __tablename__ = "suppliers"

    id: Mapped[uuid.UUID] = uuid_pk()
    name: Mapped[str] = mapped_column(String(200), unique=True)
    email: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(50))
    status: Mapped[str] = mapped_column(String(16), default="active")
    rating: Mapped[Decimal | None] = mapped_column(Numeric(2, 1))  # 0.0 .. 5.0
    payment_terms: Mapped[str | None] = mapped_column(String(100))
    currency: Mapped[str] = mapped_column(String(3), default="EUR")
    credit_limit: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    # How much more than ordered may be received, in percent of the line.
    over_receipt_tolerance_pct: Mapped[int] = mapped_column(Integer, default=0)
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = created_at()
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )

    __table_args__ = (
        CheckConstraint("status IN ('active', 'blocked')", name="status_known"),
        CheckConstraint("rating >= 0 AND rating <= 5", name="rating_in_range"),
        CheckConstraint("credit_limit >= 0", name="credit_limit_non_negative"),
        CheckConstraint(
            "over_receipt_tolerance_pct >= 0 AND over_receipt_tolerance_pct <= 100",
            name="tolerance_in_range",
        ),
    )


class SupplierContact(Base):
    __tablename__ = "supplier_contacts"

    id: Mapped[uuid.UUID] = uuid_pk()
    supplier_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("suppliers.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(50))
    role: Mapped[str | None] = mapped_column(String(100))


class SupplierItem(Base):
    __tablename__ = "supplier_items"

    id: Mapped[uuid.UUID] = uuid_pk()
    supplier_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("suppliers.id"))
    item_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("items.id"))
    unit_price: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    min_order_qty: Mapped[int] = mapped_column(Integer, default=1)
    pack_size: Mapped[int] = mapped_column(Integer, default=1)
    lead_time_days: Mapped[int] = mapped_column(Integer, default=0)
    preferred: Mapped[bool] = mapped_column(Boolean, default=False)

    __table_args__ = (
        UniqueConstraint("supplier_id", "item_id"),
        CheckConstraint("unit_price >= 0", name="unit_price_non_negative"),
        CheckConstraint("min_order_qty >= 1", name="min_order_qty_positive"),
        CheckConstraint("pack_size >= 1", name="pack_size_positive"),
        CheckConstraint("lead_time_days >= 0", name="lead_time_non_negative"),
    )


class SupplierPriceBreak(Base):
    """From `min_quantity` units on a line, the supplier charges `unit_price`."""

    __tablename__ = "supplier_price_breaks"

    supplier_item_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("supplier_items.id", ondelete="CASCADE"), primary_key=True
    )
    min_quantity: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_price: Mapped[Decimal] = mapped_column(Numeric(12, 4))

    __table_args__ = (
        CheckConstraint("min_quantity >= 1", name="min_quantity_positive"),
        CheckConstraint("unit_price >= 0", name="unit_price_non_negative"),
    )


class PurchaseOrder(Base):
    __tablename__ = "purchase_orders"

    id: Mapped[uuid.UUID] = uuid_pk()
    number: Mapped[str] = mapped_column(String(32), unique=True)
    supplier_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("suppliers.id"))
    warehouse_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("warehouses.id"))
    status: Mapped[str] = mapped_column(String(24), default="draft")
    # auto: raised for shortages or by the reorder scan (one draft per supplier joins them);
    # manual: created by a buyer.
    origin: Mapped[str] = mapped_column(String(16), default="auto")
    expected_date: Mapped[date | None] = mapped_column(Date)
    notes: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[str | None] = mapped_column(String(320))
    escalated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = created_at()
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    received_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # A buyer's draft's Idempotency-Key (stored hashed and scoped) and request digest.
    idempotency_key: Mapped[str | None] = mapped_column(String(240), unique=True)
    request_digest: Mapped[str | None] = mapped_column(String(64))

    __table_args__ = (
        Index(
            "uq_purchase_orders_one_draft_per_supplier",
            "supplier_id",
            "warehouse_id",
            unique=True,
            postgresql_where=text("status = 'draft' AND origin = 'auto'"),
        ),
        Index("ix_purchase_orders_status", "status"),
    )


class PurchaseOrderLine(Base):
    __tablename__ = "purchase_order_lines"

    id: Mapped[uuid.UUID] = uuid_pk()
    purchase_order_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("purchase_orders.id"))
    item_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("items.id"))
    quantity: Mapped[int] = mapped_column(Integer)
    received_quantity: Mapped[int] = mapped_column(Integer, default=0)
    # Bought for stock (the reorder scan or a buyer), on top of the orders' demands.
    replenish_quantity: Mapped[int] = mapped_column(Integer, default=0)
    unit_price: Mapped[Decimal] = mapped_column(Numeric(12, 4))

    __table_args__ = (
        UniqueConstraint("purchase_order_id", "item_id"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
        # Above the ordered quantity only within the supplier's tolerance (checked on receipt).
        CheckConstraint("received_quantity >= 0", name="received_non_negative"),
    )


class PurchaseOrderReceipt(Base):
    """One delivery of one line: when, how much, into which bin, booked by whom."""

    __tablename__ = "purchase_order_receipts"

    id: Mapped[uuid.UUID] = uuid_pk()
    purchase_order_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("purchase_orders.id"), index=True
    )
    line_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("purchase_order_lines.id"))
    item_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("items.id"))
    quantity: Mapped[int] = mapped_column(Integer)
    bin_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("bins.id"))
    received_by: Mapped[str | None] = mapped_column(String(320))
    received_at: Mapped[datetime] = created_at()
    # The receipt a delivery was booked under ("ref:<delivery note>" or "key:<user>:<key>"),
    # and a digest of the request: a repeat books nothing again, another body under the same
    # key is refused.
    receipt_key: Mapped[str | None] = mapped_column(String(240))
    reference: Mapped[str | None] = mapped_column(String(100))  # the supplier's delivery note
    request_digest: Mapped[str | None] = mapped_column(String(64))

    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        UniqueConstraint("receipt_key", "line_id"),
    )


class PurchaseOrderDemand(Base):
    """Which customer orders a purchase-order line was raised for, and how much of it each needs."""

    __tablename__ = "purchase_order_demands"

    line_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("purchase_order_lines.id", ondelete="CASCADE"), primary_key=True
    )
    order_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("orders.id"), primary_key=True)
    quantity: Mapped[int] = mapped_column(Integer)  # still expected from this line
    allocated: Mapped[int] = mapped_column(Integer, default=0)  # received and reserved for it

    __table_args__ = (
        CheckConstraint("quantity >= 0", name="quantity_non_negative"),
        CheckConstraint("allocated >= 0", name="allocated_non_negative"),
        Index("ix_purchase_order_demands_order", "order_id"),
    )
