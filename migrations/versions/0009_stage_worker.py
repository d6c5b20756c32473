"""the worker who started a stage pass, by id beside the name (utilisation counts each
worker's time against their calendar; names need not be unique)

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07 03:15:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("order_stages", sa.Column("started_worker_id", sa.Uuid(), nullable=True))
    # Passes from before: the worker of that name, when the name is unambiguous.
    op.execute(
        """
        UPDATE order_stages s SET started_worker_id = w.id
        FROM workers w
        WHERE w.name = s.started_by
          AND (SELECT count(*) FROM workers same WHERE same.name = w.name) = 1
        """
    )


def downgrade() -> None:
    op.drop_column("order_stages", "started_worker_id")
