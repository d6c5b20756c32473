"""Items, where they are kept (warehouses, zones, bins) and what products are made of."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
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


class Item(Base):
    __tablename__ = "items"

    id: Mapped[uuid.UUID] = uuid_pk()
    sku: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    item_type: Mapped[str] = mapped_column(String(32))
    category: Mapped[str] = mapped_column(String(64))
    unit_of_measure: Mapped[str] = mapped_column(String(32))
    min_stock_level: Mapped[int] = mapped_column(Integer, default=0)
    max_stock_level: Mapped[int | None] = mapped_column(Integer)
    barcode: Mapped[str | None] = mapped_column(String(64), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    reorder_point: Mapped[int | None] = mapped_column(Integer)
    unit_cost: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    weight_grams: Mapped[int | None] = mapped_column(Integer)
    length_mm: Mapped[int | None] = mapped_column(Integer)
    width_mm: Mapped[int | None] = mapped_column(Integer)
    height_mm: Mapped[int | None] = mapped_column(Integer)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)  # False: archived
    created_at: Mapped[datetime] = created_at()
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )

    __table_args__ = (
        CheckConstraint("min_stock_level >= 0", name="min_stock_level_non_negative"),
        CheckConstraint("reorder_point >= 0", name="reorder_point_non_negative"),
        CheckConstraint("unit_cost >= 0", name="unit_cost_non_negative"),
        Index("ix_items_type_category", "item_type", "category"),
        Index("ix_items_name_lower", func.lower(text("name"))),
    )


class Warehouse(Base):
    __tablename__ = "warehouses"

    id: Mapped[uuid.UUID] = uuid_pk()
    name: Mapped[str] = mapped_column(String(200))
    code: Mapped[str] = mapped_column(String(32), unique=True)
    address: Mapped[str] = mapped_column(String(300), default="")
    city: Mapped[str] = mapped_column(String(100), default="")
    country: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = created_at()


class Zone(Base):
    __tablename__ = "zones"

    id: Mapped[uuid.UUID] = uuid_pk()
    warehouse_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("warehouses.id"))
    name: Mapped[str] = mapped_column(String(100))
    zone_type: Mapped[str] = mapped_column(String(32))
    min_temperature: Mapped[Decimal | None] = mapped_column(Numeric(5, 1))
    max_temperature: Mapped[Decimal | None] = mapped_column(Numeric(5, 1))
    min_humidity: Mapped[Decimal | None] = mapped_column(Numeric(5, 1))
    max_humidity: Mapped[Decimal | None] = mapped_column(Numeric(5, 1))
    created_at: Mapped[datetime] = created_at()

    __table_args__ = (
        UniqueConstraint("warehouse_id", "name"),
        CheckConstraint(
            "zone_type IN ('RECEIVING', 'STORAGE', 'SHIPPING', 'QUARANTINE')", name="type_known"
        ),
    )


class Bin(Base):
    """A bin location (a cell on a shelf) inside a zone; codes are unique per warehouse."""

    __tablename__ = "bins"

    id: Mapped[uuid.UUID] = uuid_pk()
    zone_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("zones.id"))
    warehouse_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("warehouses.id"))
    code: Mapped[str] = mapped_column(String(32))
    shelf: Mapped[str | None] = mapped_column(String(32))
    cell: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = created_at()

    __table_args__ = (UniqueConstraint("warehouse_id", "code"),)


class ZoneReading(Base):
    """A temperature and humidity reading of a zone, flagged when outside its range."""

    __tablename__ = "zone_readings"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    zone_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("zones.id"))
    temperature: Mapped[Decimal | None] = mapped_column(Numeric(5, 1))
    humidity: Mapped[Decimal | None] = mapped_column(Numeric(5, 1))
    out_of_range: Mapped[bool] = mapped_column(Boolean, default=False)
    problems: Mapped[str] = mapped_column(Text, default="")
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    recorded_by: Mapped[str | None] = mapped_column(String(320))

    __table_args__ = (Index("ix_zone_readings_zone_recorded", "zone_id", "recorded_at"),)


class Product(Base):
    __tablename__ = "products"

    id: Mapped[uuid.UUID] = uuid_pk()
    item_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("items.id"), unique=True)
    requires_soldering: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = created_at()


class BomLine(Base):
    __tablename__ = "bom_lines"

    product_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("products.id"), primary_key=True)
    item_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("items.id"), primary_key=True)
    quantity: Mapped[int] = mapped_column(Integer)

    __table_args__ = (CheckConstraint("quantity > 0", name="quantity_positive"),)
