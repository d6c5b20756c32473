"""what fault injection and fuzzing found: quarantined stock, scoped idempotency keys,
request digests, delivery notes, sessions ended while Redis is down

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 00:30:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("users", sa.Column("sessions_ended_at", sa.DateTime(timezone=True)))

    op.add_column(
        "stock_levels",
        sa.Column("quarantined", sa.Integer(), server_default=sa.text("0"), nullable=False),
    )
    op.execute(
        """
        UPDATE stock_levels s SET quarantined = q.total
        FROM (SELECT b.item_id, b.warehouse_id, sum(b.on_hand) AS total
              FROM bin_stock b JOIN bins ON bins.id = b.bin_id
              JOIN zones z ON z.id = bins.zone_id AND z.zone_type = 'QUARANTINE'
              GROUP BY b.item_id, b.warehouse_id) q
        WHERE q.item_id = s.item_id AND q.warehouse_id = s.warehouse_id
        """
    )
    _refuse_reservations_in_quarantine()
    op.drop_constraint(op.f("ck_stock_levels_reserved_within_on_hand"), "stock_levels")
    op.create_check_constraint(
        op.f("ck_stock_levels_quarantined_non_negative"), "stock_levels", "quarantined >= 0"
    )
    op.create_check_constraint(
        op.f("ck_stock_levels_reserved_and_quarantined_within_on_hand"),
        "stock_levels",
        "reserved + quarantined <= on_hand",
    )

    op.alter_column(
        "orders", "idempotency_key", type_=sa.String(length=240), existing_nullable=True
    )
    op.add_column("orders", sa.Column("request_digest", sa.String(length=64)))
    op.add_column("stock_movements", sa.Column("request_digest", sa.String(length=64)))
    op.add_column("order_stages", sa.Column("request_digest", sa.String(length=64)))

    op.alter_column(
        "purchase_order_receipts",
        "receipt_key",
        type_=sa.String(length=240),
        existing_nullable=True,
    )
    op.add_column("purchase_order_receipts", sa.Column("reference", sa.String(length=100)))
    op.add_column("purchase_order_receipts", sa.Column("request_digest", sa.String(length=64)))
    op.create_index(
        "ix_outbound_emails_waiting",
        "outbound_emails",
        ["created_at"],
        postgresql_where=sa.text("sent_at IS NULL"),
    )
    op.add_column("user_tokens", sa.Column("password_hash", sa.String(length=200)))
    for table in ("purchase_orders", "reservations"):
        op.add_column(table, sa.Column("idempotency_key", sa.String(length=240)))
        op.add_column(table, sa.Column("request_digest", sa.String(length=64)))
        op.create_unique_constraint(op.f(f"uq_{table}_idempotency_key"), table, ["idempotency_key"])


def _refuse_reservations_in_quarantine() -> None:
    """Stock reserved beyond what lies outside quarantine could never be picked: such levels
    must be put right by a person (move the stock out of quarantine, or cancel what holds the
    reservation) before the constraint can hold. Say which, rather than fail on the constraint."""
    stranded = (
        op.get_bind()
        .execute(
            sa.text(
                "SELECT i.sku, w.code, s.on_hand, s.reserved, s.quarantined"
                " FROM stock_levels s JOIN items i ON i.id = s.item_id"
                " JOIN warehouses w ON w.id = s.warehouse_id"
                " WHERE s.reserved + s.quarantined > s.on_hand ORDER BY i.sku, w.code"
            )
        )
        .all()
    )
    if stranded:
        rows = "; ".join(
            f"{sku} in {code}: {reserved} reserved, but {quarantined} of {on_hand} in quarantine"
            for sku, code, on_hand, reserved, quarantined in stranded
        )
        raise RuntimeError(
            "reserved stock lies in quarantine and could never be picked: "
            f"{rows}. With the previous version, move it out of quarantine or cancel the orders"
            " holding it, then migrate again."
        )


def downgrade() -> None:
    for table in ("purchase_orders", "reservations"):
        op.drop_constraint(op.f(f"uq_{table}_idempotency_key"), table)
        op.drop_column(table, "request_digest")
        op.drop_column(table, "idempotency_key")
    op.drop_column("user_tokens", "password_hash")
    op.drop_index("ix_outbound_emails_waiting", table_name="outbound_emails")
    op.drop_column("purchase_order_receipts", "request_digest")
    op.drop_column("purchase_order_receipts", "reference")
    op.alter_column(
        "purchase_order_receipts",
        "receipt_key",
        type_=sa.String(length=100),
        existing_nullable=True,
    )
    op.drop_column("order_stages", "request_digest")
    op.drop_column("stock_movements", "request_digest")
    op.drop_column("orders", "request_digest")
    op.alter_column(
        "orders", "idempotency_key", type_=sa.String(length=200), existing_nullable=True
    )
    op.drop_constraint(
        op.f("ck_stock_levels_reserved_and_quarantined_within_on_hand"), "stock_levels"
    )
    op.drop_constraint(op.f("ck_stock_levels_quarantined_non_negative"), "stock_levels")
    op.create_check_constraint(
        op.f("ck_stock_levels_reserved_within_on_hand"), "stock_levels", "reserved <= on_hand"
    )
    op.drop_column("stock_levels", "quarantined")
    op.drop_column("users", "sessions_ended_at")
