"""The schema is built by the migrations, and they match the models."""

from __future__ import annotations

import uuid

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, text

from persistence.tables import Base
from tests.conftest import _create_database
from zhuchka import migrate
from zhuchka.settings import Settings


def test_the_migrated_schema_matches_the_models(settings: Settings) -> None:
    engine = create_engine(settings.database_url)
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    engine.dispose()
    assert differences == []


def test_migrations_go_down_and_up_again(
    settings: Settings, postgres_address: dict[str, str]
) -> None:
    name = f"zhuchka_updown_{uuid.uuid4().hex[:8]}"
    _create_database(postgres_address, name)
    url = settings.model_copy(update={"postgres_db": name}).database_url
    config = migrate.alembic_config(url)
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
def test_the_ledger_is_append_only(settings: Settings, statement: str) -> None:
    engine = create_engine(settings.database_url)
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO items (id, sku, name, item_type, category, unit_of_measure,"
                " min_stock_level)"
                " VALUES (gen_random_uuid(), 'LEDGER-T', 'x', 'COMPONENT', 'X', 'PIECE', 0)"
            )
        )
        connection.execute(
            text(
                "INSERT INTO warehouses (id, name, code, address, city, country)"
                " VALUES (gen_random_uuid(), 'w', 'LEDGER-W', '', '', '')"
            )
        )
        connection.execute(
            text(
                "INSERT INTO stock_movements"
                " (item_id, warehouse_id, movement_type, quantity, delta, reason)"
                " SELECT i.id, w.id, 'RECEIPT', 1, 1, 't' FROM items i, warehouses w"
                " WHERE i.sku = 'LEDGER-T' AND w.code = 'LEDGER-W'"
            )
        )
    with pytest.raises(Exception, match="append-only"), engine.begin() as connection:
        connection.execute(text(statement))
    with engine.begin() as connection:
        connection.execute(text("TRUNCATE stock_movements, items, warehouses CASCADE"))
    engine.dispose()
