"""The schema is built by the migrations, and they match the models."""

from __future__ import annotations

import uuid

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError

from core.settings import Settings
from persistence.database import SessionFactory
from persistence.tables import Base
from tests.conftest import _create_database
from tests.support import Demo
from zhuchka import migrate


def _empty_database(
    settings: Settings, postgres_address: dict[str, str], purpose: str
) -> tuple[str, Config]:
    """A new database of its own, with nothing in it yet: its URL and Alembic's config."""
    name = f"zhuchka_{purpose}_{uuid.uuid4().hex[:8]}"
    _create_database(postgres_address, name)
    url = settings.model_copy(update={"postgres_db": name}).database_url
    return url, migrate.alembic_config(url)


def test_the_migrated_schema_matches_the_models(settings: Settings) -> None:
    engine = create_engine(settings.database_url)
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    engine.dispose()
    assert differences == []


def test_migrations_go_down_and_up_again(
    settings: Settings, postgres_address: dict[str, str]
) -> None:
    url, config = _empty_database(settings, postgres_address, "updown")
    command.upgrade(config, "head")
    command.downgrade(config, "base")
    command.upgrade(config, "head")
    engine = create_engine(url)
    with engine.connect() as connection:
        head = ScriptDirectory.from_config(config).get_current_head()
        assert connection.scalar(text("SELECT version_num FROM alembic_version")) == head
    engine.dispose()


@pytest.mark.parametrize(
    "statement", ["UPDATE stock_movements SET delta = 0", "DELETE FROM stock_movements"]
)
async def test_the_ledger_is_append_only(
    sessions: SessionFactory, demo: Demo, statement: str
) -> None:
    """Corrections are new rows (adjustments); the database refuses edits of old ones."""
    async with sessions() as session:
        assert await session.scalar(text("SELECT count(*) FROM stock_movements"))
    with pytest.raises(DBAPIError, match="append-only"):
        async with sessions.begin() as session:
            await session.execute(text(statement))


def test_stock_from_before_bins_lands_in_a_receiving_bin(
    settings: Settings, postgres_address: dict[str, str]
) -> None:
    """Revision 0003 introduced bins: stock and ledger rows that existed before are placed in
    a receiving bin of their warehouse, and the books still balance."""
    url, config = _empty_database(settings, postgres_address, "bins")
    command.upgrade(config, "0002")
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO items (id, sku, name, item_type, category, unit_of_measure,"
                " min_stock_level) VALUES ('00000000-0000-0000-0000-00000000000a', 'OLD-1',"
                " 'old', 'COMPONENT', 'X', 'PIECE', 0)"
            )
        )
        connection.execute(
            text(
                "INSERT INTO warehouses (id, name, code, address, city, country) VALUES"
                " ('00000000-0000-0000-0000-00000000000b', 'Old', 'OLD', '', '', '')"
            )
        )
        connection.execute(
            text(
                "INSERT INTO stock_levels (item_id, warehouse_id, on_hand, reserved) VALUES"
                " ('00000000-0000-0000-0000-00000000000a',"
                " '00000000-0000-0000-0000-00000000000b', 7, 0)"
            )
        )
        connection.execute(
            text(
                "INSERT INTO stock_movements (item_id, warehouse_id, movement_type, quantity,"
                " delta, reason) VALUES ('00000000-0000-0000-0000-00000000000a',"
                " '00000000-0000-0000-0000-00000000000b', 'RECEIPT', 7, 7, 'before bins')"
            )
        )
    command.upgrade(config, "head")
    with engine.connect() as connection:
        placed = connection.execute(
            text(
                "SELECT b.code, z.zone_type, s.on_hand FROM bin_stock s"
                " JOIN bins b ON b.id = s.bin_id JOIN zones z ON z.id = b.zone_id"
            )
        ).all()
        assert [tuple(row) for row in placed] == [("RECEIVING", "RECEIVING", 7)]
        unplaced = connection.scalar(
            text("SELECT count(*) FROM stock_movements WHERE bin_id IS NULL")
        )
        assert unplaced == 0
    engine.dispose()


def test_working_hours_written_as_text_become_calendars(
    settings: Settings, postgres_address: dict[str, str]
) -> None:
    """Revision 0008 replaced the workers' free-text hours with calendars: a text like
    `Mon-Fri 08:00-16:30` becomes a calendar of that name; other text leaves the worker on the
    plant's default. Going down, the calendar's name is the text again."""
    url, config = _empty_database(settings, postgres_address, "hours")
    command.upgrade(config, "0007")
    engine = create_engine(url)
    hours = {"Ivan": "Mon-Fri 08:00-16:30", "Olga": "Fri-Mon 22:00-06:00; sat 09:00-13:00"}
    with engine.begin() as connection:
        for worker, text_ in (*hours.items(), ("Marta", "whenever the shop is open")):
            connection.execute(
                text(
                    "INSERT INTO workers (id, name, working_hours, available, active)"
                    " VALUES (gen_random_uuid(), :name, :hours, true, true)"
                ),
                {"name": worker, "hours": text_},
            )
    command.upgrade(config, "0008")
    with engine.connect() as connection:
        calendars: dict[str, str | None] = dict(
            connection.execute(
                text(
                    "SELECT w.name, c.name FROM workers w"
                    " LEFT JOIN work_calendars c ON c.id = w.calendar_id"
                )
            ).all()
        )
        shifts = connection.execute(
            text(
                "SELECT s.weekday, to_char(s.starts, 'HH24:MI'), to_char(s.ends, 'HH24:MI')"
                " FROM calendar_shifts s JOIN work_calendars c ON c.id = s.calendar_id"
                " WHERE c.name = :name ORDER BY 1, 2"
            ),
            {"name": hours["Olga"]},
        ).all()
    assert calendars == {"Ivan": hours["Ivan"], "Olga": hours["Olga"], "Marta": None}
    assert [tuple(s) for s in shifts] == [
        (0, "22:00", "06:00"),
        (4, "22:00", "06:00"),
        (5, "09:00", "13:00"),
        (5, "22:00", "06:00"),
        (6, "22:00", "06:00"),
    ]
    command.downgrade(config, "0007")
    with engine.connect() as connection:
        back: dict[str, str] = dict(
            connection.execute(text("SELECT name, working_hours FROM workers")).all()
        )
    engine.dispose()
    assert back == {"Ivan": hours["Ivan"], "Olga": hours["Olga"], "Marta": ""}
