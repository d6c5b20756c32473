"""Fixtures that start the real things: PostgreSQL (schema from the Alembic migrations),
Redis and Temporal servers, all as local processes from their wheels.

Unit tests use none of them. By default every server is started here on free ports, so the
suite passes on a machine where nothing runs as well as beside a PostgreSQL on 5432. Point the
suite at an existing PostgreSQL or Redis with ZHUCHKA_TEST_POSTGRES_HOST/_PORT/_USER or
ZHUCHKA_TEST_REDIS_HOST/_PORT; a fresh database is created there for the run.
"""

from __future__ import annotations

import os
import secrets
import socket
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from redis.asyncio import Redis
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from core.settings import Settings
from persistence.database import SessionFactory, create_engine, create_session_factory
from persistence.tables import Base
from zhuchka import migrate
from zhuchka.devstack.ports import free_port
from zhuchka.devstack.postgres import EmbeddedPostgres
from zhuchka.devstack.redis import EmbeddedRedis


@pytest.fixture(scope="session")
def postgres_address(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    host = os.environ.get("ZHUCHKA_TEST_POSTGRES_HOST")
    if host:
        yield {
            "POSTGRES_HOST": host,
            "POSTGRES_PORT": os.environ.get("ZHUCHKA_TEST_POSTGRES_PORT", "5432"),
            "POSTGRES_USER": os.environ.get("ZHUCHKA_TEST_POSTGRES_USER", "postgres"),
            "POSTGRES_PASSWORD": os.environ.get("ZHUCHKA_TEST_POSTGRES_PASSWORD", ""),
        }
        return
    server = EmbeddedPostgres(
        tmp_path_factory.mktemp("postgres"), free_port(), fast_and_unsafe=True
    )
    server.start()
    try:
        yield {
            "POSTGRES_HOST": server.host,
            "POSTGRES_PORT": str(server.port),
            "POSTGRES_USER": "postgres",
            "POSTGRES_PASSWORD": "",
        }
    finally:
        server.stop()


@pytest.fixture(scope="session")
def redis_address(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    host = os.environ.get("ZHUCHKA_TEST_REDIS_HOST")
    if host:
        yield {"REDIS_HOST": host, "REDIS_PORT": os.environ.get("ZHUCHKA_TEST_REDIS_PORT", "6379")}
        return
    server = EmbeddedRedis(tmp_path_factory.mktemp("redis"), free_port(), persistent=False)
    server.start()
    try:
        yield {"REDIS_HOST": server.host, "REDIS_PORT": str(server.port)}
    finally:
        server.stop()


@pytest.fixture(scope="session")
def closed_port() -> Iterator[int]:
    """A port on 127.0.0.1 known to refuse connections: bound by this process, never listening.
    What a tier runs without (Temporal, SMTP) is pointed here, so the suite behaves the same
    whether or not `make run` (on the default ports) is open beside it."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as held:
        held.bind(("127.0.0.1", 0))
        yield int(held.getsockname()[1])


def _create_database(address: dict[str, str], name: str) -> None:
    import psycopg

    password = address["POSTGRES_PASSWORD"]
    with psycopg.connect(
        host=address["POSTGRES_HOST"],
        port=int(address["POSTGRES_PORT"]),
        user=address["POSTGRES_USER"],
        password=password or None,
        dbname="postgres",
        autocommit=True,
    ) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')


@pytest.fixture(scope="session")
def settings(
    postgres_address: dict[str, str],
    redis_address: dict[str, str],
    closed_port: int,
    tmp_path_factory: pytest.TempPathFactory,
) -> Settings:
    """Settings pointing at the test servers, with a new database built by the migrations.
    Temporal and SMTP point at a closed port until a tier starts its own (see tests/e2e)."""
    database = f"zhuchka_test_{uuid.uuid4().hex[:8]}"
    _create_database(postgres_address, database)
    settings = Settings.model_validate(
        {
            **postgres_address,
            **redis_address,
            "POSTGRES_DB": database,
            "TEMPORAL_ADDRESS": f"127.0.0.1:{closed_port}",
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": closed_port,
            "ZHUCHKA_DATA_DIR": str(tmp_path_factory.mktemp("data")),
            "ZHUCHKA_ENV": "test",
            "JWT_SECRET": secrets.token_urlsafe(48),
            "TEMPORAL_TASK_QUEUE": f"test-{uuid.uuid4().hex[:8]}",
            "WORKFLOW_CALL_TIMEOUT_SECONDS": 10,
            "PROCUREMENT_RECHECK_SECONDS": 3600,
            # Event streams end quickly, so tests that read a whole answer finish.
            "EVENTS_STREAM_SECONDS": 0.2,
        }
    )
    migrate.upgrade(settings.database_url)
    return settings


@pytest.fixture(scope="session")
async def engine(settings: Settings) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(settings)
    yield engine
    await engine.dispose()


# Rows the migrations seed (what each stage needs): put back after every test empties them.
SEEDED_BY_MIGRATIONS = ("stage_requirements",)


@pytest.fixture(scope="session")
async def seeded_rows(engine: AsyncEngine) -> dict[str, list[dict[str, object]]]:
    async with engine.connect() as connection:
        return {
            name: [dict(row._mapping) for row in await connection.execute(text(f"TABLE {name}"))]
            for name in SEEDED_BY_MIGRATIONS
        }


@pytest.fixture
async def sessions(
    engine: AsyncEngine, settings: Settings, seeded_rows: dict[str, list[dict[str, object]]]
) -> AsyncIterator[SessionFactory]:
    """A session factory on the migrated database; after the test every table is emptied and
    what the migrations seed is put back.

    Order and purchase-order numbers keep counting: they name workflows on a Temporal server
    that outlives a test.
    """
    yield create_session_factory(engine)
    tables = ", ".join(t.name for t in Base.metadata.sorted_tables)
    async with engine.begin() as connection:
        await connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        for name, rows in seeded_rows.items():
            await connection.execute(Base.metadata.tables[name].insert(), rows)
    redis = Redis.from_url(settings.redis_url)
    async for key in redis.scan_iter(match="rate:*"):
        await redis.delete(key)
    await redis.aclose()


@pytest.fixture(scope="session")
def project_root() -> Path:
    return Path(__file__).resolve().parent.parent
