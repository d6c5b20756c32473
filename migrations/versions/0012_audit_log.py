"""who changed what in the master data: an append-only audit log written by triggers on the
master-data tables, with the row before and after and the actor the transaction names

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07 05:30:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Each audited table: its key columns, and columns whose changes are the floor's work rather
# than master data (left out of the rows, and no entry when only they changed).
AUDITED: dict[str, tuple[str, str]] = {
    "items": ("id", ""),
    "products": ("id", ""),
    "bom_lines": ("product_id,item_id", ""),
    "suppliers": ("id", ""),
    "supplier_contacts": ("id", ""),
    "supplier_items": ("id", ""),
    "supplier_price_breaks": ("supplier_item_id,min_quantity", ""),
    "users": ("id", ""),
    "qc_templates": ("id", ""),
    "qc_template_items": ("id", ""),
    "stage_requirements": ("stage", ""),
    "product_stage_targets": ("product_id,stage", ""),
    "work_calendars": ("id", ""),
    "calendar_shifts": ("calendar_id,weekday,starts", ""),
    "calendar_exceptions": ("id", ""),
    "workers": ("id", ""),
    "worker_skills": ("worker_id,stage", ""),
    "equipment": ("id", "status,held_by_order_id,held_for_stage,held_since"),
}

# Secrets never reach the log: the password hash is left out of every row.
_AUDIT = """
CREATE FUNCTION audit_change() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    keys text[] := string_to_array(TG_ARGV[0], ',');
    left_out text[] := string_to_array(TG_ARGV[1], ',') || ARRAY['password_hash'];
    before jsonb;
    after jsonb;
    row_key jsonb;
BEGIN
    IF TG_OP <> 'INSERT' THEN
        before := to_jsonb(OLD) - left_out;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        after := to_jsonb(NEW) - left_out;
    END IF;
    IF before IS NOT DISTINCT FROM after THEN
        RETURN NULL;
    END IF;
    SELECT jsonb_object_agg(k, coalesce(after, before) -> k) INTO row_key FROM unnest(keys) k;
    INSERT INTO audit_log (actor, table_name, row_key, action, before, after)
    VALUES (nullif(current_setting('zhuchka.actor', true), ''), TG_TABLE_NAME, row_key,
            lower(TG_OP), before, after);
    RETURN NULL;
END
$$;

CREATE FUNCTION audit_log_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only (% refused)', TG_OP;
END
$$;

CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
"""


def upgrade() -> None:
    op.create_table(
        "audit_log",
        sa.Column("id", sa.BigInteger(), sa.Identity(), nullable=False),
        sa.Column(
            "at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False
        ),
        sa.Column("actor", sa.String(length=320), nullable=True),
        sa.Column("table_name", sa.String(length=64), nullable=False),
        sa.Column("row_key", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("action", sa.String(length=8), nullable=False),
        sa.Column("before", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("after", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    op.create_index("ix_audit_log_at", "audit_log", ["at"])
    op.create_index("ix_audit_log_table_name_at", "audit_log", ["table_name", "at"])
    op.execute(_AUDIT)
    for table, (keys, left_out) in AUDITED.items():
        op.execute(
            f"CREATE TRIGGER audit_change AFTER INSERT OR UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION audit_change('{keys}', '{left_out}')"
        )


def downgrade() -> None:
    for table in AUDITED:
        op.execute(f"DROP TRIGGER audit_change ON {table}")
    op.execute("DROP TRIGGER audit_log_append_only ON audit_log")
    op.execute("DROP FUNCTION audit_log_append_only(), audit_change()")
    op.drop_index("ix_audit_log_table_name_at", table_name="audit_log")
    op.drop_index("ix_audit_log_at", table_name="audit_log")
    op.drop_table("audit_log")
