"""The `zhuchka` command."""

from __future__ import annotations

import asyncio

import typer
import uvicorn

from zhuchka.logs import configure_logging
from zhuchka.settings import get_settings

app = typer.Typer(help="Zhuchka MES: orders as durable workflows.", no_args_is_help=True)


@app.command()
def dev() -> None:
    """Bring up the whole stack (embedded PostgreSQL, Redis, Temporal; worker; API)."""
    from zhuchka.devstack.supervisor import run_dev

    configure_logging(get_settings(), process="dev")
    run_dev()


@app.command()
def migrate() -> None:
    """Apply the database migrations."""
    from zhuchka import migrate as migrations

    settings = get_settings()
    configure_logging(settings, process="migrate")
    migrations.upgrade(settings.database_url)


@app.command()
def seed() -> None:
    """Load the demo catalogue, suppliers and opening stock (idempotent)."""
    from zhuchka.devstack.supervisor import seed as seed_demo

    settings = get_settings()
    configure_logging(settings, process="seed")
    asyncio.run(seed_demo(settings))


@app.command()
def api() -> None:
    """Serve the HTTP API."""
    from api.app import create_app

    settings = get_settings()
    configure_logging(settings, process="api")
    uvicorn.run(
        create_app(settings),
        host=settings.api_host,
        port=settings.api_port,
        log_config=None,
        access_log=False,
    )


@app.command()
def worker() -> None:
    """Run the Temporal worker (order workflows and activities)."""
    from worker.main import run_worker

    settings = get_settings()
    configure_logging(settings, process="worker")
    asyncio.run(run_worker(settings))
