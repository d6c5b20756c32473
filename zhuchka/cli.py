"""The `zhuchka` command."""

from __future__ import annotations

import asyncio
from typing import Annotated

import typer
import uvicorn

from domain.access import Role
from zhuchka.logs import configure_logging
from zhuchka.settings import get_settings

app = typer.Typer(help="Zhuchka MES: orders as durable workflows.", no_args_is_help=True)
users_app = typer.Typer(help="Accounts.", no_args_is_help=True)
app.add_typer(users_app, name="users")


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


@users_app.command("create")
def create_user(
    email: Annotated[str, typer.Option(help="The account's email (its sign-in name)")],
    password: Annotated[str, typer.Option(help="At least 10 characters, two kinds")],
    role: Annotated[list[Role], typer.Option(help="Repeat for several roles")],
    name: Annotated[str | None, typer.Option(help="Full name")] = None,
) -> None:
    """Create a confirmed account: how a new installation gets its first admin."""
    from api.auth.passwords import hash_password
    from domain.errors import DomainError
    from domain.passwords import check_password
    from persistence.database import create_engine, create_session_factory
    from persistence.users import create_user as create

    settings = get_settings()
    configure_logging(settings, process="cli")

    async def run() -> str:
        check_password(password, email=email)
        engine = create_engine(settings)
        try:
            async with create_session_factory(engine).begin() as session:
                user = await create(
                    session,
                    email=email,
                    password_hash=await hash_password(password),
                    roles=role,
                    confirmed=True,
                    full_name=name,
                )
                return f"created {user.email} ({', '.join(user.roles)}), id {user.id}"
        finally:
            await engine.dispose()

    try:
        typer.echo(asyncio.run(run()))
    except DomainError as error:
        typer.echo(f"refused: {error.message}", err=True)
        raise typer.Exit(code=1) from error


@app.command("check-stock")
def check_stock() -> None:
    """Verify stock against the ledger and the reservations; exit 1 naming what is wrong."""
    from persistence.database import create_engine, create_session_factory
    from persistence.stock_audit import audit_stock

    settings = get_settings()
    configure_logging(settings, process="cli")

    async def run() -> bool:
        engine = create_engine(settings)
        try:
            audit = await audit_stock(create_session_factory(engine))
        finally:
            await engine.dispose()
        for problem in audit.problems:
            typer.echo(str(problem), err=True)
        verdict = "consistent" if audit.consistent else f"{len(audit.problems)} problem(s)"
        typer.echo(
            f"stock {verdict}: {audit.levels} levels, {audit.bins} bins, "
            f"{audit.movements} ledger rows checked"
        )
        return audit.consistent

    if not asyncio.run(run()):
        raise typer.Exit(code=1)
