"""live events: every committed change to an order, its stages, a purchase order or its lines
is announced on the `zhuchka_events` channel (NOTIFY is delivered only on commit, and once per
distinct payload in a transaction), for the web app's live board

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 04:30:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CHANNEL = "zhuchka_events"
# table -> (the event's kind, the column naming what changed)
ANNOUNCED = {
    "orders": ("order", "id"),
    "order_stages": ("order", "order_id"),
    "purchase_orders": ("purchase_order", "id"),
    "purchase_order_lines": ("purchase_order", "purchase_order_id"),
}


def upgrade() -> None:
    op.execute(
        f"""
        CREATE FUNCTION announce_change() RETURNS trigger LANGUAGE plpgsql AS $$
        DECLARE
            changed record := COALESCE(NEW, OLD);
        BEGIN
            PERFORM pg_notify(
                '{CHANNEL}',
                json_build_object(
                    'kind', TG_ARGV[0],
                    'id', to_jsonb(changed) ->> TG_ARGV[1]
                )::text
            );
            RETURN NULL;
        END $$
        """
    )
    for table, (kind, column) in ANNOUNCED.items():
        op.execute(
            f"CREATE TRIGGER {table}_announced AFTER INSERT OR UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION announce_change('{kind}', '{column}')"
        )


def downgrade() -> None:
    for table in ANNOUNCED:
        op.execute(f"DROP TRIGGER {table}_announced ON {table}")
    op.execute("DROP FUNCTION announce_change()")
