"""the shop floor and quality control

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28 23:06:58.016389
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "inspection_results",
        sa.Column("order_id", sa.Uuid(), nullable=False),
        sa.Column("inspection_seq", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Uuid(), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("required", sa.Boolean(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("passed", sa.Boolean(), nullable=True),
        sa.Column("value", sa.Numeric(precision=14, scale=4), nullable=True),
        sa.Column("unit", sa.String(length=32), nullable=True),
        sa.Column("ok", sa.Boolean(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint(
            "order_id", "inspection_seq", "position", name=op.f("pk_inspection_results")
        ),
    )
    op.create_table(
        "stage_requirements",
        sa.Column("stage", sa.String(length=24), nullable=False),
        sa.Column("min_skill_level", sa.Integer(), nullable=False),
        sa.Column("equipment_type", sa.String(length=64), nullable=True),
        sa.Column("target_minutes", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("stage", name=op.f("pk_stage_requirements")),
    )
    op.create_table(
        "workers",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=True),
        sa.Column("working_hours", sa.String(length=200), nullable=False),
        sa.Column("available", sa.Boolean(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_workers_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_workers")),
        sa.UniqueConstraint("user_id", name=op.f("uq_workers_user_id")),
    )
    op.create_table(
        "product_stage_targets",
        sa.Column("product_id", sa.Uuid(), nullable=False),
        sa.Column("stage", sa.String(length=24), nullable=False),
        sa.Column("target_minutes", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["product_id"],
            ["products.id"],
            name=op.f("fk_product_stage_targets_product_id_products"),
        ),
        sa.PrimaryKeyConstraint("product_id", "stage", name=op.f("pk_product_stage_targets")),
    )
    op.create_table(
        "qc_templates",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("stage", sa.String(length=24), nullable=False),
        sa.Column("product_id", sa.Uuid(), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_by", sa.String(length=320), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "stage IN ('testing', 'qc')", name=op.f("ck_qc_templates_stage_inspected")
        ),
        sa.ForeignKeyConstraint(
            ["product_id"], ["products.id"], name=op.f("fk_qc_templates_product_id_products")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_qc_templates")),
    )
    op.create_index(
        "uq_qc_templates_active",
        "qc_templates",
        [
            "stage",
            sa.literal_column("coalesce(product_id, '00000000-0000-0000-0000-000000000000'::uuid)"),
        ],
        unique=True,
        postgresql_where=sa.text("active"),
    )
    op.create_table(
        "worker_skills",
        sa.Column("worker_id", sa.Uuid(), nullable=False),
        sa.Column("stage", sa.String(length=24), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.CheckConstraint("level BETWEEN 1 AND 5", name=op.f("ck_worker_skills_level_in_range")),
        sa.ForeignKeyConstraint(
            ["worker_id"],
            ["workers.id"],
            name=op.f("fk_worker_skills_worker_id_workers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("worker_id", "stage", name=op.f("pk_worker_skills")),
    )
    op.create_table(
        "equipment",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("equipment_type", sa.String(length=64), nullable=False),
        sa.Column("stage", sa.String(length=24), nullable=False),
        sa.Column("station", sa.String(length=100), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("held_by_order_id", sa.Uuid(), nullable=True),
        sa.Column("held_for_stage", sa.String(length=24), nullable=True),
        sa.Column("held_since", sa.DateTime(timezone=True), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "(status = 'in_use') = (held_by_order_id IS NOT NULL)",
            name=op.f("ck_equipment_held_when_in_use"),
        ),
        sa.CheckConstraint(
            "status IN ('available', 'in_use', 'maintenance')",
            name=op.f("ck_equipment_status_known"),
        ),
        sa.ForeignKeyConstraint(
            ["held_by_order_id"], ["orders.id"], name=op.f("fk_equipment_held_by_order_id_orders")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_equipment")),
        sa.UniqueConstraint("name", name=op.f("uq_equipment_name")),
    )
    op.create_index(
        op.f("ix_equipment_equipment_type"), "equipment", ["equipment_type"], unique=False
    )
    op.create_table(
        "inspections",
        sa.Column("order_id", sa.Uuid(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("stage", sa.String(length=24), nullable=False),
        sa.Column("stage_seq", sa.Integer(), nullable=False),
        sa.Column("template_id", sa.Uuid(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("inspector", sa.String(length=320), nullable=True),
        sa.Column("worker", sa.String(length=200), nullable=True),
        sa.Column("serials", sa.Text(), nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_inspections_order_id_orders")
        ),
        sa.ForeignKeyConstraint(
            ["template_id"],
            ["qc_templates.id"],
            name=op.f("fk_inspections_template_id_qc_templates"),
        ),
        sa.PrimaryKeyConstraint("order_id", "seq", name=op.f("pk_inspections")),
    )
    op.create_table(
        "order_escalations",
        sa.Column("order_id", sa.Uuid(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("stage", sa.String(length=24), nullable=True),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("raised_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_order_escalations_order_id_orders")
        ),
        sa.PrimaryKeyConstraint("order_id", "seq", name=op.f("pk_order_escalations")),
    )
    op.create_table(
        "qc_template_items",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("template_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("required", sa.Boolean(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("min_value", sa.Numeric(precision=14, scale=4), nullable=True),
        sa.Column("max_value", sa.Numeric(precision=14, scale=4), nullable=True),
        sa.Column("unit", sa.String(length=32), nullable=True),
        sa.CheckConstraint(
            "kind IN ('PASS_FAIL', 'MEASURE')", name=op.f("ck_qc_template_items_kind_known")
        ),
        sa.ForeignKeyConstraint(
            ["template_id"],
            ["qc_templates.id"],
            name=op.f("fk_qc_template_items_template_id_qc_templates"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_qc_template_items")),
    )
    op.create_index(
        op.f("ix_qc_template_items_template_id"), "qc_template_items", ["template_id"], unique=False
    )
    op.create_table(
        "units",
        sa.Column("serial", sa.String(length=64), nullable=False),
        sa.Column("order_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("shipped_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["order_id"], ["orders.id"], name=op.f("fk_units_order_id_orders")),
        sa.PrimaryKeyConstraint("serial", name=op.f("pk_units")),
        sa.UniqueConstraint("order_id", "position", name=op.f("uq_units_order_id")),
    )
    op.create_index(op.f("ix_units_order_id"), "units", ["order_id"], unique=False)
    op.add_column(
        "order_stages", sa.Column("work_started_at", sa.DateTime(timezone=True), nullable=True)
    )
    op.add_column("order_stages", sa.Column("started_by", sa.String(length=200), nullable=True))
    op.add_column("order_stages", sa.Column("equipment", sa.String(length=200), nullable=True))
    op.add_column("order_stages", sa.Column("due_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column(
        "order_stages", sa.Column("escalated_at", sa.DateTime(timezone=True), nullable=True)
    )
    op.add_column("order_stages", sa.Column("rework_from", sa.String(length=24), nullable=True))
    op.add_column("order_stages", sa.Column("rework_inspection", sa.Integer(), nullable=True))
    op.add_column(
        "order_stages",
        sa.Column(
            "rework_items",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'[]'::jsonb"),
            nullable=False,
        ),
    )
    op.add_column(
        "orders", sa.Column("on_hold", sa.Boolean(), server_default=sa.false(), nullable=False)
    )
    op.add_column("orders", sa.Column("hold_reason", sa.Text(), nullable=True))
    op.add_column(
        "orders", sa.Column("at_risk", sa.Boolean(), server_default=sa.false(), nullable=False)
    )

    # What each manual stage needs and how long it should take, until a planner says otherwise.
    op.execute(
        """
        INSERT INTO stage_requirements (stage, min_skill_level, equipment_type, target_minutes)
        VALUES ('design', 1, NULL, 2880), ('assembly', 2, NULL, 240),
               ('soldering', 3, 'soldering_station', 240), ('testing', 2, 'test_rig', 120),
               ('qc', 3, NULL, 60), ('shipping', 1, NULL, 1440)
        """
    )


def downgrade() -> None:
    op.drop_column("orders", "at_risk")
    op.drop_column("orders", "hold_reason")
    op.drop_column("orders", "on_hold")
    op.drop_column("order_stages", "rework_items")
    op.drop_column("order_stages", "rework_inspection")
    op.drop_column("order_stages", "rework_from")
    op.drop_column("order_stages", "escalated_at")
    op.drop_column("order_stages", "due_at")
    op.drop_column("order_stages", "equipment")
    op.drop_column("order_stages", "started_by")
    op.drop_column("order_stages", "work_started_at")
    op.drop_index(op.f("ix_units_order_id"), table_name="units")
    op.drop_table("units")
    op.drop_index(op.f("ix_qc_template_items_template_id"), table_name="qc_template_items")
    op.drop_table("qc_template_items")
    op.drop_table("order_escalations")
    op.drop_table("inspections")
    op.drop_index(op.f("ix_equipment_equipment_type"), table_name="equipment")
    op.drop_table("equipment")
    op.drop_table("worker_skills")
    op.drop_index(
        "uq_qc_templates_active", table_name="qc_templates", postgresql_where=sa.text("active")
    )
    op.drop_table("qc_templates")
    op.drop_table("product_stage_targets")
    op.drop_table("workers")
    op.drop_table("stage_requirements")
    op.drop_table("inspection_results")
