"""bins and bin stock, zone climate, stocktakes, fuller items, ledger rows by bin

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28 22:35:31.255863
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "bins",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("zone_id", sa.Uuid(), nullable=False),
        sa.Column("warehouse_id", sa.Uuid(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("shelf", sa.String(length=32), nullable=True),
        sa.Column("cell", sa.String(length=32), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["warehouse_id"], ["warehouses.id"], name=op.f("fk_bins_warehouse_id_warehouses")
        ),
        sa.ForeignKeyConstraint(["zone_id"], ["zones.id"], name=op.f("fk_bins_zone_id_zones")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bins")),
        sa.UniqueConstraint("warehouse_id", "code", name=op.f("uq_bins_warehouse_id")),
    )
    op.create_table(
        "stocktakes",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("number", sa.String(length=32), nullable=False),
        sa.Column("warehouse_id", sa.Uuid(), nullable=False),
        sa.Column("zone_id", sa.Uuid(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("opened_by", sa.String(length=320), nullable=True),
        sa.Column(
            "opened_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False
        ),
        sa.Column("closed_by", sa.String(length=320), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status IN ('open', 'posted', 'cancelled')", name=op.f("ck_stocktakes_status_known")
        ),
        sa.ForeignKeyConstraint(
            ["warehouse_id"], ["warehouses.id"], name=op.f("fk_stocktakes_warehouse_id_warehouses")
        ),
        sa.ForeignKeyConstraint(
            ["zone_id"], ["zones.id"], name=op.f("fk_stocktakes_zone_id_zones")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stocktakes")),
        sa.UniqueConstraint("number", name=op.f("uq_stocktakes_number")),
    )
    op.create_table(
        "zone_readings",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("zone_id", sa.Uuid(), nullable=False),
        sa.Column("temperature", sa.Numeric(precision=5, scale=1), nullable=True),
        sa.Column("humidity", sa.Numeric(precision=5, scale=1), nullable=True),
        sa.Column("out_of_range", sa.Boolean(), nullable=False),
        sa.Column("problems", sa.Text(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.String(length=320), nullable=True),
        sa.ForeignKeyConstraint(
            ["zone_id"], ["zones.id"], name=op.f("fk_zone_readings_zone_id_zones")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_zone_readings")),
    )
    op.create_index(
        "ix_zone_readings_zone_recorded", "zone_readings", ["zone_id", "recorded_at"], unique=False
    )
    op.create_table(
        "bin_stock",
        sa.Column("item_id", sa.Uuid(), nullable=False),
        sa.Column("bin_id", sa.Uuid(), nullable=False),
        sa.Column("warehouse_id", sa.Uuid(), nullable=False),
        sa.Column("on_hand", sa.Integer(), nullable=False),
        sa.CheckConstraint("on_hand >= 0", name=op.f("ck_bin_stock_on_hand_non_negative")),
        sa.ForeignKeyConstraint(["bin_id"], ["bins.id"], name=op.f("fk_bin_stock_bin_id_bins")),
        sa.ForeignKeyConstraint(["item_id"], ["items.id"], name=op.f("fk_bin_stock_item_id_items")),
        sa.ForeignKeyConstraint(
            ["warehouse_id"], ["warehouses.id"], name=op.f("fk_bin_stock_warehouse_id_warehouses")
        ),
        sa.PrimaryKeyConstraint("item_id", "bin_id", name=op.f("pk_bin_stock")),
    )
    op.create_index(
        "ix_bin_stock_item_warehouse", "bin_stock", ["item_id", "warehouse_id"], unique=False
    )
    op.create_table(
        "stocktake_lines",
        sa.Column("stocktake_id", sa.Uuid(), nullable=False),
        sa.Column("item_id", sa.Uuid(), nullable=False),
        sa.Column("bin_id", sa.Uuid(), nullable=False),
        sa.Column("expected", sa.Integer(), nullable=False),
        sa.Column("counted", sa.Integer(), nullable=True),
        sa.Column("counted_by", sa.String(length=320), nullable=True),
        sa.Column("counted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("adjusted_by", sa.Integer(), nullable=True),
        sa.CheckConstraint("counted >= 0", name=op.f("ck_stocktake_lines_counted_non_negative")),
        sa.ForeignKeyConstraint(
            ["bin_id"], ["bins.id"], name=op.f("fk_stocktake_lines_bin_id_bins")
        ),
        sa.ForeignKeyConstraint(
            ["item_id"], ["items.id"], name=op.f("fk_stocktake_lines_item_id_items")
        ),
        sa.ForeignKeyConstraint(
            ["stocktake_id"],
            ["stocktakes.id"],
            name=op.f("fk_stocktake_lines_stocktake_id_stocktakes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "stocktake_id", "item_id", "bin_id", name=op.f("pk_stocktake_lines")
        ),
    )
    op.add_column("items", sa.Column("description", sa.Text(), server_default="", nullable=False))
    op.add_column("items", sa.Column("reorder_point", sa.Integer(), nullable=True))
    op.add_column("items", sa.Column("unit_cost", sa.Numeric(precision=12, scale=2), nullable=True))
    op.add_column("items", sa.Column("weight_grams", sa.Integer(), nullable=True))
    op.add_column("items", sa.Column("length_mm", sa.Integer(), nullable=True))
    op.add_column("items", sa.Column("width_mm", sa.Integer(), nullable=True))
    op.add_column("items", sa.Column("height_mm", sa.Integer(), nullable=True))
    op.add_column(
        "items", sa.Column("is_active", sa.Boolean(), server_default=sa.true(), nullable=False)
    )
    op.add_column(
        "items",
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
    )
    op.create_index("ix_items_type_category", "items", ["item_type", "category"], unique=False)
    op.add_column("stock_movements", sa.Column("bin_id", sa.Uuid(), nullable=True))
    op.add_column("stock_movements", sa.Column("reason_code", sa.String(length=32), nullable=True))
    op.add_column("stock_movements", sa.Column("operation_id", sa.Uuid(), nullable=True))
    _put_existing_stock_in_receiving_bins()
    op.alter_column("stock_movements", "bin_id", nullable=False)
    op.alter_column("stock_movements", "operation_id", nullable=False)
    op.create_index(
        "ix_stock_movements_bin", "stock_movements", ["bin_id", "item_id"], unique=False
    )
    op.create_index(
        "ix_stock_movements_operation", "stock_movements", ["operation_id"], unique=False
    )
    op.create_foreign_key(
        op.f("fk_stock_movements_bin_id_bins"), "stock_movements", "bins", ["bin_id"], ["id"]
    )
    op.add_column(
        "zones", sa.Column("min_temperature", sa.Numeric(precision=5, scale=1), nullable=True)
    )
    op.add_column(
        "zones", sa.Column("max_temperature", sa.Numeric(precision=5, scale=1), nullable=True)
    )
    op.add_column(
        "zones", sa.Column("min_humidity", sa.Numeric(precision=5, scale=1), nullable=True)
    )
    op.add_column(
        "zones", sa.Column("max_humidity", sa.Numeric(precision=5, scale=1), nullable=True)
    )
    op.add_column(
        "zones",
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
    )

    op.create_check_constraint(
        "type_known", "zones", "zone_type IN ('RECEIVING', 'STORAGE', 'SHIPPING', 'QUARANTINE')"
    )
    op.execute("CREATE SEQUENCE stocktake_number_seq")


def _put_existing_stock_in_receiving_bins() -> None:
    """Every warehouse gets a receiving zone (when it has none) with a bin RECEIVING; the stock
    and the ledger rows from before bins existed are placed there."""
    op.execute(
        """
        INSERT INTO zones (id, warehouse_id, name, zone_type)
        SELECT gen_random_uuid(), w.id, 'Receiving', 'RECEIVING' FROM warehouses w
        WHERE NOT EXISTS (
            SELECT 1 FROM zones z WHERE z.warehouse_id = w.id AND z.zone_type = 'RECEIVING'
        )
        """
    )
    op.execute(
        """
        INSERT INTO bins (id, zone_id, warehouse_id, code)
        SELECT DISTINCT ON (z.warehouse_id) gen_random_uuid(), z.id, z.warehouse_id, 'RECEIVING'
        FROM zones z WHERE z.zone_type = 'RECEIVING'
        ORDER BY z.warehouse_id, z.name
        """
    )
    op.execute(
        """
        INSERT INTO bin_stock (item_id, bin_id, warehouse_id, on_hand)
        SELECT s.item_id, b.id, s.warehouse_id, s.on_hand
        FROM stock_levels s JOIN bins b ON b.warehouse_id = s.warehouse_id AND b.code = 'RECEIVING'
        WHERE s.on_hand > 0
        """
    )
    op.execute("ALTER TABLE stock_movements DISABLE TRIGGER stock_movements_append_only")
    op.execute(
        """
        UPDATE stock_movements m SET bin_id = b.id, operation_id = gen_random_uuid()
        FROM bins b WHERE b.warehouse_id = m.warehouse_id AND b.code = 'RECEIVING'
        """
    )
    op.execute("ALTER TABLE stock_movements ENABLE TRIGGER stock_movements_append_only")


def downgrade() -> None:
    op.execute("DROP SEQUENCE stocktake_number_seq")
    op.drop_constraint(op.f("ck_zones_type_known"), "zones", type_="check")
    op.drop_column("zones", "created_at")
    op.drop_column("zones", "max_humidity")
    op.drop_column("zones", "min_humidity")
    op.drop_column("zones", "max_temperature")
    op.drop_column("zones", "min_temperature")
    op.drop_constraint(
        op.f("fk_stock_movements_bin_id_bins"), "stock_movements", type_="foreignkey"
    )
    op.drop_index("ix_stock_movements_operation", table_name="stock_movements")
    op.drop_index("ix_stock_movements_bin", table_name="stock_movements")
    op.drop_column("stock_movements", "operation_id")
    op.drop_column("stock_movements", "reason_code")
    op.drop_column("stock_movements", "bin_id")
    op.drop_index("ix_items_type_category", table_name="items")
    op.drop_column("items", "updated_at")
    op.drop_column("items", "is_active")
    op.drop_column("items", "height_mm")
    op.drop_column("items", "width_mm")
    op.drop_column("items", "length_mm")
    op.drop_column("items", "weight_grams")
    op.drop_column("items", "unit_cost")
    op.drop_column("items", "reorder_point")
    op.drop_column("items", "description")
    op.drop_table("stocktake_lines")
    op.drop_index("ix_bin_stock_item_warehouse", table_name="bin_stock")
    op.drop_table("bin_stock")
    op.drop_index("ix_zone_readings_zone_recorded", table_name="zone_readings")
    op.drop_table("zone_readings")
    op.drop_table("stocktakes")
    op.drop_table("bins")
