"""the order path: catalogue, stock ledger, reservations, purchasing, orders

Revision ID: 0001
Revises:
Create Date: 2026-11-28 21:39:52.760488
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "items",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("sku", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("item_type", sa.String(length=32), nullable=False),
        sa.Column("category", sa.String(length=64), nullable=False),
        sa.Column("unit_of_measure", sa.String(length=32), nullable=False),
        sa.Column("min_stock_level", sa.Integer(), nullable=False),
        sa.Column("max_stock_level", sa.Integer(), nullable=True),
        sa.Column("barcode", sa.String(length=64), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "min_stock_level >= 0", name=op.f("ck_items_min_stock_level_non_negative")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_items")),
        sa.UniqueConstraint("barcode", name=op.f("uq_items_barcode")),
        sa.UniqueConstraint("sku", name=op.f("uq_items_sku")),
    )
    op.create_index(
        "ix_items_name_lower", "items", [sa.literal_column("lower(name)")], unique=False
    )
    op.create_table(
        "suppliers",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=200), nullable=True),
        sa.Column("phone", sa.String(length=50), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_suppliers")),
        sa.UniqueConstraint("name", name=op.f("uq_suppliers_name")),
    )
    op.create_table(
        "warehouses",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("address", sa.String(length=300), nullable=False),
        sa.Column("city", sa.String(length=100), nullable=False),
        sa.Column("country", sa.String(length=100), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_warehouses")),
        sa.UniqueConstraint("code", name=op.f("uq_warehouses_code")),
    )
    op.create_table(
        "products",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("item_id", sa.Uuid(), nullable=False),
        sa.Column("requires_soldering", sa.Boolean(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(["item_id"], ["items.id"], name=op.f("fk_products_item_id_items")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_products")),
        sa.UniqueConstraint("item_id", name=op.f("uq_products_item_id")),
    )
    op.create_table(
        "purchase_orders",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("number", sa.String(length=32), nullable=False),
        sa.Column("supplier_id", sa.Uuid(), nullable=False),
        sa.Column("warehouse_id", sa.Uuid(), nullable=False),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("expected_date", sa.Date(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["supplier_id"], ["suppliers.id"], name=op.f("fk_purchase_orders_supplier_id_suppliers")
        ),
        sa.ForeignKeyConstraint(
            ["warehouse_id"],
            ["warehouses.id"],
            name=op.f("fk_purchase_orders_warehouse_id_warehouses"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_purchase_orders")),
        sa.UniqueConstraint("number", name=op.f("uq_purchase_orders_number")),
    )
    op.create_index(
        "uq_purchase_orders_one_draft_per_supplier",
        "purchase_orders",
        ["supplier_id", "warehouse_id"],
        unique=True,
        postgresql_where=sa.text("status = 'draft'"),
    )
    op.create_table(
        "stock_levels",
        sa.Column("item_id", sa.Uuid(), nullable=False),
        sa.Column("warehouse_id", sa.Uuid(), nullable=False),
        sa.Column("on_hand", sa.Integer(), nullable=False),
        sa.Column("reserved", sa.Integer(), nullable=False),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint("on_hand >= 0", name=op.f("ck_stock_levels_on_hand_non_negative")),
        sa.CheckConstraint(
            "reserved <= on_hand", name=op.f("ck_stock_levels_reserved_within_on_hand")
        ),
        sa.CheckConstraint("reserved >= 0", name=op.f("ck_stock_levels_reserved_non_negative")),
        sa.ForeignKeyConstraint(
            ["item_id"], ["items.id"], name=op.f("fk_stock_levels_item_id_items")
        ),
        sa.ForeignKeyConstraint(
            ["warehouse_id"],
            ["warehouses.id"],
            name=op.f("fk_stock_levels_warehouse_id_warehouses"),
        ),
        sa.PrimaryKeyConstraint("item_id", "warehouse_id", name=op.f("pk_stock_levels")),
    )
    op.create_table(
        "supplier_items",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("supplier_id", sa.Uuid(), nullable=False),
        sa.Column("item_id", sa.Uuid(), nullable=False),
        sa.Column("unit_price", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("min_order_qty", sa.Integer(), nullable=False),
        sa.Column("pack_size", sa.Integer(), nullable=False),
        sa.Column("lead_time_days", sa.Integer(), nullable=False),
        sa.Column("preferred", sa.Boolean(), nullable=False),
        sa.CheckConstraint(
            "lead_time_days >= 0", name=op.f("ck_supplier_items_lead_time_non_negative")
        ),
        sa.CheckConstraint(
            "min_order_qty >= 1", name=op.f("ck_supplier_items_min_order_qty_positive")
        ),
        sa.CheckConstraint("pack_size >= 1", name=op.f("ck_supplier_items_pack_size_positive")),
        sa.CheckConstraint(
            "unit_price >= 0", name=op.f("ck_supplier_items_unit_price_non_negative")
        ),
        sa.ForeignKeyConstraint(
            ["item_id"], ["items.id"], name=op.f("fk_supplier_items_item_id_items")
        ),
        sa.ForeignKeyConstraint(
            ["supplier_id"], ["suppliers.id"], name=op.f("fk_supplier_items_supplier_id_suppliers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supplier_items")),
        sa.UniqueConstraint("supplier_id", "item_id", name=op.f("uq_supplier_items_supplier_id")),
    )
    op.create_table(
        "zones",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("warehouse_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("zone_type", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["warehouse_id"], ["warehouses.id"], name=op.f("fk_zones_warehouse_id_warehouses")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_zones")),
        sa.UniqueConstraint("warehouse_id", "name", name=op.f("uq_zones_warehouse_id")),
    )
    op.create_table(
        "bom_lines",
        sa.Column("product_id", sa.Uuid(), nullable=False),
        sa.Column("item_id", sa.Uuid(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_bom_lines_quantity_positive")),
        sa.ForeignKeyConstraint(["item_id"], ["items.id"], name=op.f("fk_bom_lines_item_id_items")),
        sa.ForeignKeyConstraint(
            ["product_id"], ["products.id"], name=op.f("fk_bom_lines_product_id_products")
        ),
        sa.PrimaryKeyConstraint("product_id", "item_id", name=op.f("pk_bom_lines")),
    )
    op.create_table(
        "orders",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("number", sa.String(length=32), nullable=False),
        sa.Column("workflow_id", sa.String(length=64), nullable=False),
        sa.Column("product_id", sa.Uuid(), nullable=False),
        sa.Column("warehouse_id", sa.Uuid(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("customer", sa.String(length=200), nullable=False),
        sa.Column("priority", sa.String(length=16), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("stage", sa.String(length=24), nullable=True),
        sa.Column("rework_count", sa.Integer(), nullable=False),
        sa.Column("waiting_for_stock", sa.Boolean(), nullable=False),
        sa.Column("cancel_reason", sa.Text(), nullable=True),
        sa.Column("idempotency_key", sa.String(length=200), nullable=True),
        sa.Column("created_by", sa.String(length=200), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_orders_quantity_positive")),
        sa.ForeignKeyConstraint(
            ["product_id"], ["products.id"], name=op.f("fk_orders_product_id_products")
        ),
        sa.ForeignKeyConstraint(
            ["warehouse_id"], ["warehouses.id"], name=op.f("fk_orders_warehouse_id_warehouses")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_orders")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_orders_idempotency_key")),
        sa.UniqueConstraint("number", name=op.f("uq_orders_number")),
        sa.UniqueConstraint("workflow_id", name=op.f("uq_orders_workflow_id")),
    )
    op.create_index("ix_orders_status_stage", "orders", ["status", "stage"], unique=False)
    op.create_table(
        "purchase_order_lines",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("purchase_order_id", sa.Uuid(), nullable=False),
        sa.Column("item_id", sa.Uuid(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("received_quantity", sa.Integer(), nullable=False),
        sa.Column("unit_price", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_purchase_order_lines_quantity_positive")),
        sa.CheckConstraint(
            "received_quantity >= 0 AND received_quantity <= quantity",
            name=op.f("ck_purchase_order_lines_received_in_range"),
        ),
        sa.ForeignKeyConstraint(
            ["item_id"], ["items.id"], name=op.f("fk_purchase_order_lines_item_id_items")
        ),
        sa.ForeignKeyConstraint(
            ["purchase_order_id"],
            ["purchase_orders.id"],
            name=op.f("fk_purchase_order_lines_purchase_order_id_purchase_orders"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_purchase_order_lines")),
        sa.UniqueConstraint(
            "purchase_order_id", "item_id", name=op.f("uq_purchase_order_lines_purchase_order_id")
        ),
    )
    op.create_table(
        "order_requirements",
        sa.Column("order_id", sa.Uuid(), nullable=False),
        sa.Column("item_id", sa.Uuid(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"], ["items.id"], name=op.f("fk_order_requirements_item_id_items")
        ),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_order_requirements_order_id_orders")
        ),
        sa.PrimaryKeyConstraint("order_id", "item_id", name=op.f("pk_order_requirements")),
    )
    op.create_table(
        "order_stages",
        sa.Column("order_id", sa.Uuid(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("stage", sa.String(length=24), nullable=False),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("worker", sa.String(length=200), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("passed", sa.Boolean(), nullable=True),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_order_stages_order_id_orders")
        ),
        sa.PrimaryKeyConstraint("order_id", "seq", name=op.f("pk_order_stages")),
    )
    op.create_table(
        "purchase_order_demands",
        sa.Column("line_id", sa.Uuid(), nullable=False),
        sa.Column("order_id", sa.Uuid(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("allocated", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "allocated >= 0", name=op.f("ck_purchase_order_demands_allocated_non_negative")
        ),
        sa.CheckConstraint(
            "quantity >= 0", name=op.f("ck_purchase_order_demands_quantity_non_negative")
        ),
        sa.ForeignKeyConstraint(
            ["line_id"],
            ["purchase_order_lines.id"],
            name=op.f("fk_purchase_order_demands_line_id_purchase_order_lines"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_purchase_order_demands_order_id_orders")
        ),
        sa.PrimaryKeyConstraint("line_id", "order_id", name=op.f("pk_purchase_order_demands")),
    )
    op.create_table(
        "reservations",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("order_id", sa.Uuid(), nullable=True),
        sa.Column("item_id", sa.Uuid(), nullable=False),
        sa.Column("warehouse_id", sa.Uuid(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "status IN ('reserved', 'consumed', 'released')",
            name=op.f("ck_reservations_status_known"),
        ),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_reservations_quantity_positive")),
        sa.ForeignKeyConstraint(
            ["item_id", "warehouse_id"],
            ["stock_levels.item_id", "stock_levels.warehouse_id"],
            name="fk_reservations_stock_level",
        ),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_reservations_order_id_orders")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reservations")),
    )
    op.create_index(
        "ix_reservations_open",
        "reservations",
        ["item_id", "warehouse_id"],
        unique=False,
        postgresql_where=sa.text("status = 'reserved'"),
    )
    op.create_index(
        "uq_reservations_order_item",
        "reservations",
        ["order_id", "item_id", "warehouse_id"],
        unique=True,
        postgresql_where=sa.text("order_id IS NOT NULL"),
    )
    op.create_table(
        "stock_movements",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("item_id", sa.Uuid(), nullable=False),
        sa.Column("warehouse_id", sa.Uuid(), nullable=False),
        sa.Column("movement_type", sa.String(length=16), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("delta", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("order_id", sa.Uuid(), nullable=True),
        sa.Column("purchase_order_id", sa.Uuid(), nullable=True),
        sa.Column("idempotency_key", sa.String(length=200), nullable=True),
        sa.Column("actor", sa.String(length=200), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_stock_movements_quantity_positive")),
        sa.ForeignKeyConstraint(
            ["item_id"], ["items.id"], name=op.f("fk_stock_movements_item_id_items")
        ),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_stock_movements_order_id_orders")
        ),
        sa.ForeignKeyConstraint(
            ["purchase_order_id"],
            ["purchase_orders.id"],
            name=op.f("fk_stock_movements_purchase_order_id_purchase_orders"),
        ),
        sa.ForeignKeyConstraint(
            ["warehouse_id"],
            ["warehouses.id"],
            name=op.f("fk_stock_movements_warehouse_id_warehouses"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stock_movements")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_stock_movements_idempotency_key")),
    )
    op.create_index(
        "ix_stock_movements_item_created",
        "stock_movements",
        ["item_id", "created_at"],
        unique=False,
    )

    op.create_index("ix_stock_movements_order", "stock_movements", ["order_id"])
    op.create_index("ix_reservations_order", "reservations", ["order_id"])
    op.create_index("ix_purchase_order_demands_order", "purchase_order_demands", ["order_id"])
    op.execute("CREATE SEQUENCE order_number_seq")
    op.execute("CREATE SEQUENCE purchase_order_number_seq")
    # The ledger is append-only: corrections are new rows, never edits.
    op.execute(
        """
        CREATE FUNCTION stock_movements_append_only() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'stock_movements is an append-only ledger (% refused)', TG_OP;
        END $$
        """
    )
    op.execute(
        """
        CREATE TRIGGER stock_movements_append_only
        BEFORE UPDATE OR DELETE ON stock_movements
        FOR EACH ROW EXECUTE FUNCTION stock_movements_append_only()
        """
    )


def downgrade() -> None:
    op.execute("DROP TRIGGER stock_movements_append_only ON stock_movements")
    op.execute("DROP FUNCTION stock_movements_append_only()")
    op.execute("DROP SEQUENCE purchase_order_number_seq")
    op.execute("DROP SEQUENCE order_number_seq")
    op.drop_index("ix_purchase_order_demands_order", table_name="purchase_order_demands")
    op.drop_index("ix_reservations_order", table_name="reservations")
    op.drop_index("ix_stock_movements_order", table_name="stock_movements")
    op.drop_index("ix_stock_movements_item_created", table_name="stock_movements")
    op.drop_table("stock_movements")
    op.drop_index(
        "uq_reservations_order_item",
        table_name="reservations",
        postgresql_where=sa.text("order_id IS NOT NULL"),
    )
    op.drop_index(
        "ix_reservations_open",
        table_name="reservations",
        postgresql_where=sa.text("status = 'reserved'"),
    )
    op.drop_table("reservations")
    op.drop_table("purchase_order_demands")
    op.drop_table("order_stages")
    op.drop_table("order_requirements")
    op.drop_table("purchase_order_lines")
    op.drop_index("ix_orders_status_stage", table_name="orders")
    op.drop_table("orders")
    op.drop_table("bom_lines")
    op.drop_table("zones")
    op.drop_table("supplier_items")
    op.drop_table("stock_levels")
    op.drop_index(
        "uq_purchase_orders_one_draft_per_supplier",
        table_name="purchase_orders",
        postgresql_where=sa.text("status = 'draft'"),
    )
    op.drop_table("purchase_orders")
    op.drop_table("products")
    op.drop_table("warehouses")
    op.drop_table("suppliers")
    op.drop_index("ix_items_name_lower", table_name="items")
    op.drop_table("items")
