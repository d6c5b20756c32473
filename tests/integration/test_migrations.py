"""The schema is built by the migrations, and they match the models."""

from __future__ import annotations

import uuid

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError

from persistence.database import SessionFactory
from persistence.tables import Base
from tests.conftest import _create_database
from tests.support import Demo
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
async def test_the_ledger_is_append_only(
    sessions: SessionFactory, demo: Demo, statement: str
) -> None:
    """Corrections are new rows (adjustments); the database refuses edits of old ones."""
    async with sessions() as session:
        assert await session.scalar(text("SELECT count(*) FROM stock_movements"))
    with pytest.raises(DBAPIError, match="append-only"):
        async with sessions.begin() as session:
            await session.execute(text(statement))
