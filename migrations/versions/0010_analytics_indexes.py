"""indexes for the analytics: what moved, passed a stage, was inspected or shipped in a period
(a month of a year's history is read through them instead of the whole table)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07 03:35:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES = {
    "ix_stock_movements_created": ("stock_movements", "created_at"),
    "ix_order_stages_completed_at": ("order_stages", "completed_at"),
    "ix_inspections_completed_at": ("inspections", "completed_at"),
    "ix_orders_completed_at": ("orders", "completed_at"),
}


def upgrade() -> None:
    for name, (table, column) in INDEXES.items():
        op.create_index(name, table, [column])


def downgrade() -> None:
    for name, (table, _) in INDEXES.items():
        op.drop_index(name, table_name=table)
