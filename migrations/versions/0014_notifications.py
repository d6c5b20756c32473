"""notifications for the workshop's people: each user's inbox (announced on the live-events
channel under the user's id), their choices by kind, the team webhook's outbox, the items
flagged low and the orders told past due; outbox rows may be given up

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07 14:30:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "notifications",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("link", sa.String(length=300), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("shown", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name="fk_notifications_user_id_users",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_notifications"),
        sa.UniqueConstraint("user_id", "key", name="uq_notifications_user_id"),
    )
    op.create_index(
        "ix_notifications_user_newest",
        "notifications",
        ["user_id", "id"],
        postgresql_where=sa.text("shown"),
    )
    op.create_index(
        "ix_notifications_unread",
        "notifications",
        ["user_id"],
        postgresql_where=sa.text("shown AND read_at IS NULL"),
    )
    # The inbox changes under its user's id: the API passes it to that user's streams only.
    op.execute(
        "CREATE TRIGGER notifications_announced AFTER INSERT OR UPDATE ON notifications "
        "FOR EACH ROW EXECUTE FUNCTION announce_change('notification', 'user_id')"
    )
    op.create_table(
        "notification_choices",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("in_app", sa.Boolean(), nullable=False),
        sa.Column("email", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name="fk_notification_choices_user_id_users",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", "kind", name="pk_notification_choices"),
    )
    op.create_table(
        "outbound_webhooks",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("payload", postgresql.JSONB(), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("given_up_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_outbound_webhooks"),
        sa.UniqueConstraint("key", name="uq_outbound_webhooks_key"),
    )
    op.create_index(
        "ix_outbound_webhooks_waiting",
        "outbound_webhooks",
        ["created_at"],
        postgresql_where=sa.text("sent_at IS NULL AND given_up_at IS NULL"),
    )
    op.add_column(
        "outbound_emails", sa.Column("given_up_at", sa.DateTime(timezone=True), nullable=True)
    )
    op.add_column(
        "orders", sa.Column("past_due_told_at", sa.DateTime(timezone=True), nullable=True)
    )
    op.create_table(
        "low_stock_flags",
        sa.Column("item_id", sa.Uuid(), nullable=False),
        sa.Column(
            "flagged_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["item_id"], ["items.id"], name="fk_low_stock_flags_item_id_items", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("item_id", name="pk_low_stock_flags"),
    )


def downgrade() -> None:
    op.drop_table("low_stock_flags")
    op.drop_column("orders", "past_due_told_at")
    op.drop_column("outbound_emails", "given_up_at")
    op.drop_index("ix_outbound_webhooks_waiting", table_name="outbound_webhooks")
    op.drop_table("outbound_webhooks")
    op.drop_table("notification_choices")
    op.execute("DROP TRIGGER notifications_announced ON notifications")
    op.drop_index("ix_notifications_unread", table_name="notifications")
    op.drop_index("ix_notifications_user_newest", table_name="notifications")
    op.drop_table("notifications")
