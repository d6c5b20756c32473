"""daily sums of the finished stage work per piece of equipment and per worker, kept by
triggers on order_stages, so that a year of OEE and utilisation reads a row a day instead of
every pass; each pass keeps its units, its target and whether the order was sent back to its
stage after it

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07 05:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# What a pass contributes, in one place: the rollups, the backfill below and the figures'
# partial days (api/queries/production_analytics.py) all read these two functions. A pass
# counts once it is finished (completed or failed) with its work started.
_WHAT_EACH_STAGE_RUN_COUNTS = """
CREATE FUNCTION pass_work_seconds(s order_stages) RETURNS numeric
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN s.status IN ('completed', 'failed') AND s.work_started_at IS NOT NULL
                     AND s.completed_at IS NOT NULL
                THEN extract(epoch FROM s.completed_at - s.work_started_at) END
$$;

CREATE FUNCTION pass_right_first_time(s order_stages) RETURNS integer
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN s.status = 'completed' AND NOT s.sent_back THEN s.units ELSE 0 END
$$;
"""

# Adds (sign 1) or takes back (sign -1) a pass's contribution to its day's rows.
_ADD_TO_DAYS = """
CREATE FUNCTION add_pass_to_days(s order_stages, sign integer) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    worked numeric := pass_work_seconds(s);
    on_day date := (s.completed_at AT TIME ZONE 'UTC')::date;
BEGIN
    IF worked IS NULL THEN
        RETURN;
    END IF;
    IF s.equipment IS NOT NULL THEN
        INSERT INTO equipment_days AS d
               (day, equipment, run_seconds, target_seconds, units, right_first_time)
        VALUES (on_day, s.equipment, sign * worked, sign * coalesce(s.target_seconds, 0),
                sign * coalesce(s.units, 0), sign * pass_right_first_time(s))
        ON CONFLICT (day, equipment) DO UPDATE SET
            run_seconds = d.run_seconds + excluded.run_seconds,
            target_seconds = d.target_seconds + excluded.target_seconds,
            units = d.units + excluded.units,
            right_first_time = d.right_first_time + excluded.right_first_time;
    END IF;
    IF s.started_worker_id IS NOT NULL THEN
        INSERT INTO worker_days AS d (day, worker_id, busy_seconds, passes)
        VALUES (on_day, s.started_worker_id, sign * worked, sign)
        ON CONFLICT (day, worker_id) DO UPDATE SET
            busy_seconds = d.busy_seconds + excluded.busy_seconds,
            passes = d.passes + excluded.passes;
    END IF;
END
$$;
"""

# Before a pass is written: its units and target as they stand now, and whether a later pass
# of the order through the same stage is already there.
_BEFORE = """
CREATE FUNCTION order_stage_figures() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    SELECT o.quantity, 60.0 * coalesce(pt.target_minutes, r.target_minutes) * o.quantity
      INTO NEW.units, NEW.target_seconds
      FROM orders o
      LEFT JOIN product_stage_targets pt ON pt.product_id = o.product_id AND pt.stage = NEW.stage
      LEFT JOIN stage_requirements r ON r.stage = NEW.stage
     WHERE o.id = NEW.order_id;
    NEW.sent_back := EXISTS (
        SELECT FROM order_stages later
         WHERE later.order_id = NEW.order_id AND later.stage = NEW.stage AND later.seq > NEW.seq
    );
    RETURN NEW;
END
$$;

CREATE TRIGGER order_stage_figures BEFORE INSERT ON order_stages
FOR EACH ROW EXECUTE FUNCTION order_stage_figures();
"""

# After: the day rows follow every change (the old contribution out, the new one in), and a
# new pass sends the order's earlier passes through the stage back (which updates them, and
# so their days).
_AFTER = """
CREATE FUNCTION order_stage_days() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        PERFORM add_pass_to_days(OLD, -1);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM add_pass_to_days(NEW, 1);
    END IF;
    IF TG_OP = 'INSERT' THEN
        UPDATE order_stages SET sent_back = true
         WHERE order_id = NEW.order_id AND stage = NEW.stage AND seq < NEW.seq AND NOT sent_back;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER order_stage_days AFTER INSERT OR UPDATE OR DELETE ON order_stages
FOR EACH ROW EXECUTE FUNCTION order_stage_days();
"""

_BACKFILL = """
UPDATE order_stages s
   SET units = o.quantity,
       target_seconds = 60.0 * o.quantity * coalesce(
           (SELECT pt.target_minutes FROM product_stage_targets pt
             WHERE pt.product_id = o.product_id AND pt.stage = s.stage),
           (SELECT r.target_minutes FROM stage_requirements r WHERE r.stage = s.stage)),
       sent_back = EXISTS (SELECT FROM order_stages later
                           WHERE later.order_id = s.order_id AND later.stage = s.stage
                             AND later.seq > s.seq)
  FROM orders o
 WHERE o.id = s.order_id;

INSERT INTO equipment_days (day, equipment, run_seconds, target_seconds, units,
                            right_first_time)
SELECT (completed_at AT TIME ZONE 'UTC')::date, equipment, sum(pass_work_seconds(s)),
       sum(coalesce(target_seconds, 0)), sum(coalesce(units, 0)), sum(pass_right_first_time(s))
  FROM order_stages s
 WHERE pass_work_seconds(s) IS NOT NULL AND equipment IS NOT NULL
 GROUP BY 1, 2;

INSERT INTO worker_days (day, worker_id, busy_seconds, passes)
SELECT (completed_at AT TIME ZONE 'UTC')::date, started_worker_id, sum(pass_work_seconds(s)),
       count(*)
  FROM order_stages s
 WHERE pass_work_seconds(s) IS NOT NULL AND started_worker_id IS NOT NULL
 GROUP BY 1, 2;
"""


def upgrade() -> None:
    op.add_column("order_stages", sa.Column("units", sa.Integer(), nullable=True))
    op.add_column("order_stages", sa.Column("target_seconds", sa.Numeric(), nullable=True))
    op.add_column(
        "order_stages",
        sa.Column("sent_back", sa.Boolean(), server_default=sa.false(), nullable=False),
    )
    op.create_table(
        "equipment_days",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("equipment", sa.String(length=200), nullable=False),
        sa.Column("run_seconds", sa.Numeric(), nullable=False),
        sa.Column("target_seconds", sa.Numeric(), nullable=False),
        sa.Column("units", sa.Integer(), nullable=False),
        sa.Column("right_first_time", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day", "equipment", name=op.f("pk_equipment_days")),
    )
    op.create_table(
        "worker_days",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("worker_id", sa.Uuid(), nullable=False),
        sa.Column("busy_seconds", sa.Numeric(), nullable=False),
        sa.Column("passes", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day", "worker_id", name=op.f("pk_worker_days")),
    )
    op.execute(_WHAT_EACH_STAGE_RUN_COUNTS)
    op.execute(_ADD_TO_DAYS)
    op.execute(_BACKFILL)
    op.execute(_BEFORE)
    op.execute(_AFTER)


def downgrade() -> None:
    op.execute("DROP TRIGGER order_stage_days ON order_stages")
    op.execute("DROP TRIGGER order_stage_figures ON order_stages")
    op.execute("DROP FUNCTION order_stage_days(), order_stage_figures()")
    op.execute("DROP FUNCTION add_pass_to_days(order_stages, integer)")
    op.execute("DROP FUNCTION pass_right_first_time(order_stages)")
    op.execute("DROP FUNCTION pass_work_seconds(order_stages)")
    op.drop_table("worker_days")
    op.drop_table("equipment_days")
    op.drop_column("order_stages", "sent_back")
    op.drop_column("order_stages", "target_seconds")
    op.drop_column("order_stages", "units")
