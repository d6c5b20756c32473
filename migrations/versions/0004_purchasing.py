"""purchasing in full

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28 22:52:49.418873
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "supplier_contacts",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("supplier_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=200), nullable=True),
        sa.Column("phone", sa.String(length=50), nullable=True),
        sa.Column("role", sa.String(length=100), nullable=True),
        sa.ForeignKeyConstraint(
            ["supplier_id"],
            ["suppliers.id"],
            name=op.f("fk_supplier_contacts_supplier_id_suppliers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supplier_contacts")),
    )
    op.create_index(
        op.f("ix_supplier_contacts_supplier_id"), "supplier_contacts", ["supplier_id"], unique=False
    )
    op.create_table(
        "supplier_price_breaks",
        sa.Column("supplier_item_id", sa.Uuid(), nullable=False),
        sa.Column("min_quantity", sa.Integer(), nullable=False),
        sa.Column("unit_price", sa.Numeric(precision=12, scale=4), nullable=False),
        sa.CheckConstraint(
            "min_quantity >= 1", name=op.f("ck_supplier_price_breaks_min_quantity_positive")
        ),
        sa.CheckConstraint(
            "unit_price >= 0", name=op.f("ck_supplier_price_breaks_unit_price_non_negative")
        ),
        sa.ForeignKeyConstraint(
            ["supplier_item_id"],
            ["supplier_items.id"],
            name=op.f("fk_supplier_price_breaks_supplier_item_id_supplier_items"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "supplier_item_id", "min_quantity", name=op.f("pk_supplier_price_breaks")
        ),
    )
    op.create_table(
        "purchase_order_receipts",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("purchase_order_id", sa.Uuid(), nullable=False),
        sa.Column("line_id", sa.Uuid(), nullable=False),
        sa.Column("item_id", sa.Uuid(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("bin_id", sa.Uuid(), nullable=True),
        sa.Column("received_by", sa.String(length=320), nullable=True),
        sa.Column(
            "received_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("receipt_key", sa.String(length=100), nullable=True),
        sa.CheckConstraint(
            "quantity > 0", name=op.f("ck_purchase_order_receipts_quantity_positive")
        ),
        sa.UniqueConstraint(
            "receipt_key", "line_id", name=op.f("uq_purchase_order_receipts_receipt_key")
        ),
        sa.ForeignKeyConstraint(
            ["bin_id"], ["bins.id"], name=op.f("fk_purchase_order_receipts_bin_id_bins")
        ),
        sa.ForeignKeyConstraint(
            ["item_id"], ["items.id"], name=op.f("fk_purchase_order_receipts_item_id_items")
        ),
        sa.ForeignKeyConstraint(
            ["line_id"],
            ["purchase_order_lines.id"],
            name=op.f("fk_purchase_order_receipts_line_id_purchase_order_lines"),
        ),
        sa.ForeignKeyConstraint(
            ["purchase_order_id"],
            ["purchase_orders.id"],
            name=op.f("fk_purchase_order_receipts_purchase_order_id_purchase_orders"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_purchase_order_receipts")),
    )
    op.create_index(
        op.f("ix_purchase_order_receipts_purchase_order_id"),
        "purchase_order_receipts",
        ["purchase_order_id"],
        unique=False,
    )
    op.add_column(
        "purchase_orders",
        sa.Column("origin", sa.String(length=16), server_default="auto", nullable=False),
    )
    op.add_column(
        "purchase_orders", sa.Column("notes", sa.Text(), server_default="", nullable=False)
    )
    op.add_column("purchase_orders", sa.Column("created_by", sa.String(length=320), nullable=True))
    op.add_column(
        "purchase_orders", sa.Column("escalated_at", sa.DateTime(timezone=True), nullable=True)
    )
    op.create_index("ix_purchase_orders_status", "purchase_orders", ["status"], unique=False)
    op.add_column("suppliers", sa.Column("rating", sa.Numeric(precision=2, scale=1), nullable=True))
    op.add_column("suppliers", sa.Column("payment_terms", sa.String(length=100), nullable=True))
    op.add_column(
        "suppliers",
        sa.Column("currency", sa.String(length=3), server_default="EUR", nullable=False),
    )
    op.add_column(
        "suppliers", sa.Column("credit_limit", sa.Numeric(precision=14, scale=2), nullable=True)
    )
    op.add_column(
        "suppliers",
        sa.Column("over_receipt_tolerance_pct", sa.Integer(), server_default="0", nullable=False),
    )
    op.add_column("suppliers", sa.Column("notes", sa.Text(), server_default="", nullable=False))
    op.add_column(
        "suppliers",
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
    )

    op.add_column(
        "purchase_order_lines",
        sa.Column("replenish_quantity", sa.Integer(), server_default="0", nullable=False),
    )
    op.alter_column(
        "purchase_order_lines",
        "unit_price",
        type_=sa.Numeric(12, 4),
        existing_type=sa.Numeric(12, 2),
    )
    # Only drafts raised automatically are joined; a buyer's own drafts stand apart.
    op.drop_index("uq_purchase_orders_one_draft_per_supplier", table_name="purchase_orders")
    op.create_index(
        "uq_purchase_orders_one_draft_per_supplier",
        "purchase_orders",
        ["supplier_id", "warehouse_id"],
        unique=True,
        postgresql_where=sa.text("status = 'draft' AND origin = 'auto'"),
    )
    # Receipts above the ordered quantity are allowed within the supplier's tolerance.
    op.drop_constraint("ck_purchase_order_lines_received_in_range", "purchase_order_lines")
    op.create_check_constraint(
        "received_non_negative", "purchase_order_lines", "received_quantity >= 0"
    )
    op.create_check_constraint("status_known", "suppliers", "status IN ('active', 'blocked')")
    op.create_check_constraint("rating_in_range", "suppliers", "rating >= 0 AND rating <= 5")
    op.create_check_constraint("credit_limit_non_negative", "suppliers", "credit_limit >= 0")
    op.create_check_constraint(
        "tolerance_in_range",
        "suppliers",
        "over_receipt_tolerance_pct >= 0 AND over_receipt_tolerance_pct <= 100",
    )
    # What was received before receipts were recorded one by one: one receipt per line.
    op.execute(
        """
        INSERT INTO purchase_order_receipts
            (id, purchase_order_id, line_id, item_id, quantity, received_at)
        SELECT gen_random_uuid(), l.purchase_order_id, l.id, l.item_id, l.received_quantity,
               coalesce(p.received_at, p.confirmed_at, p.created_at)
        FROM purchase_order_lines l JOIN purchase_orders p ON p.id = l.purchase_order_id
        WHERE l.received_quantity > 0
        """
    )


def downgrade() -> None:
    op.alter_column(
        "purchase_order_lines",
        "unit_price",
        type_=sa.Numeric(12, 2),
        existing_type=sa.Numeric(12, 4),
    )
    op.drop_column("purchase_order_lines", "replenish_quantity")
    op.drop_constraint("ck_suppliers_tolerance_in_range", "suppliers")
    op.drop_constraint("ck_suppliers_credit_limit_non_negative", "suppliers")
    op.drop_constraint("ck_suppliers_rating_in_range", "suppliers")
    op.drop_constraint("ck_suppliers_status_known", "suppliers")
    op.drop_constraint("ck_purchase_order_lines_received_non_negative", "purchase_order_lines")
    op.create_check_constraint(
        "received_in_range",
        "purchase_order_lines",
        "received_quantity >= 0 AND received_quantity <= quantity",
    )
    op.drop_index("uq_purchase_orders_one_draft_per_supplier", table_name="purchase_orders")
    op.create_index(
        "uq_purchase_orders_one_draft_per_supplier",
        "purchase_orders",
        ["supplier_id", "warehouse_id"],
        unique=True,
        postgresql_where=sa.text("status = 'draft'"),
    )
    op.drop_column("suppliers", "updated_at")
    op.drop_column("suppliers", "notes")
    op.drop_column("suppliers", "over_receipt_tolerance_pct")
    op.drop_column("suppliers", "credit_limit")
    op.drop_column("suppliers", "currency")
    op.drop_column("suppliers", "payment_terms")
    op.drop_column("suppliers", "rating")
    op.drop_index("ix_purchase_orders_status", table_name="purchase_orders")
    op.drop_column("purchase_orders", "escalated_at")
    op.drop_column("purchase_orders", "created_by")
    op.drop_column("purchase_orders", "notes")
    op.drop_column("purchase_orders", "origin")
    op.drop_index(
        op.f("ix_purchase_order_receipts_purchase_order_id"), table_name="purchase_order_receipts"
    )
    op.drop_table("purchase_order_receipts")
    op.drop_table("supplier_price_breaks")
    op.drop_index(op.f("ix_supplier_contacts_supplier_id"), table_name="supplier_contacts")
    op.drop_table("supplier_contacts")
