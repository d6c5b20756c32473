"""a calendar's weeks of shifts kept with the days they were in force, so that a changed week
leaves the past's planned time (OEE, utilisation) as it was

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07 06:10:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "calendar_shifts",
        sa.Column("id", sa.Uuid(), server_default=sa.text("gen_random_uuid()"), nullable=False),
    )
    op.alter_column("calendar_shifts", "id", server_default=None)
    op.add_column("calendar_shifts", sa.Column("valid_from", sa.Date(), nullable=True))
    op.add_column("calendar_shifts", sa.Column("valid_until", sa.Date(), nullable=True))
    op.drop_constraint("pk_calendar_shifts", "calendar_shifts", type_="primary")
    op.create_primary_key("pk_calendar_shifts", "calendar_shifts", ["id"])
    op.create_index("ix_calendar_shifts_calendar_id", "calendar_shifts", ["calendar_id"])
    op.create_check_constraint(
        "ck_calendar_shifts_valid_forwards", "calendar_shifts", "valid_until > valid_from"
    )
    _audit_key("id,calendar_id")  # a week's versions of one shift told apart


def _audit_key(keys: str) -> None:
    op.execute("DROP TRIGGER audit_change ON calendar_shifts")
    op.execute(
        "CREATE TRIGGER audit_change AFTER INSERT OR UPDATE OR DELETE ON calendar_shifts "
        f"FOR EACH ROW EXECUTE FUNCTION audit_change('{keys}', '')"
    )


def downgrade() -> None:
    _audit_key("calendar_id,weekday,starts")
    op.execute("DELETE FROM calendar_shifts WHERE valid_until IS NOT NULL")
    op.drop_constraint("ck_calendar_shifts_valid_forwards", "calendar_shifts", type_="check")
    op.drop_index("ix_calendar_shifts_calendar_id", table_name="calendar_shifts")
    op.drop_constraint("pk_calendar_shifts", "calendar_shifts", type_="primary")
    op.create_primary_key(
        "pk_calendar_shifts", "calendar_shifts", ["calendar_id", "weekday", "starts"]
    )
    op.drop_column("calendar_shifts", "valid_until")
    op.drop_column("calendar_shifts", "valid_from")
    op.drop_column("calendar_shifts", "id")
