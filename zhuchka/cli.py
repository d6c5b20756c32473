"""The `zhuchka` command.

Every command reads its settings from the environment, `.env`, and — while `zhuchka dev` runs
for this data directory — the addresses of that stack (see `core.settings`), so it finds the
stack from any shell. A server it cannot reach ends it with one line naming the address tried
and what to do, and exit code 2.
"""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from typer.core import TyperCommand

from core.logs import configure_logging
from core.settings import Settings, get_settings
from domain.access import Role

app = typer.Typer(help="Zhuchka MES: orders as durable workflows.", no_args_is_help=True)
users_app = typer.Typer(help="Accounts.", no_args_is_help=True)
app.add_typer(users_app, name="users")

UNREACHABLE = 2  # the exit code when a server cannot be reached


@contextmanager
def servers_reached(settings: Settings) -> Iterator[None]:
    """Turn a failure to reach PostgreSQL, Redis or Temporal into one line on stderr naming the
    address tried and how to fix it, and exit code 2 (no traceback)."""
    import psycopg
    import redis.exceptions
    import sqlalchemy.exc

    try:
        yield
    except (
        sqlalchemy.exc.OperationalError,
        sqlalchemy.exc.InterfaceError,
        psycopg.OperationalError,
    ) as error:
        _unreachable(
            "PostgreSQL",
            f"{settings.postgres_host}:{settings.postgres_port}",
            postgres_reason(error),
            "POSTGRES_HOST/POSTGRES_PORT",
        )
    except redis.exceptions.ConnectionError as error:
        _unreachable(
            "Redis",
            f"{settings.redis_host}:{settings.redis_port}",
            _plain_reason(str(error)),
            "REDIS_HOST/REDIS_PORT",
        )
    except RuntimeError as error:
        if "client connect" not in str(error).lower():  # temporalio's "Failed client connect"
            raise
        _unreachable(
            "Temporal",
            settings.temporal_address,
            _plain_reason(str(error).split(":", 1)[-1]),
            "TEMPORAL_ADDRESS",
        )


def _unreachable(what: str, address: str, reason: str, variables: str) -> NoReturn:
    typer.echo(
        f"cannot reach {what} at {address} ({reason}): start the stack with `make run`, "
        f"or set {variables}",
        err=True,
    )
    raise typer.Exit(code=UNREACHABLE)


def postgres_reason(error: BaseException) -> str:
    """What the server or the network said, in a few words: `connection refused`,
    `database "zhuchka" does not exist`, `password authentication failed for user "x"`."""
    original = getattr(error, "orig", None) or error
    lines = str(original).strip().splitlines()
    if not lines:
        return type(original).__name__
    said = lines[0].rsplit(" failed: ", 1)[-1].strip()
    said = said.removeprefix("FATAL:").strip()
    return _plain_reason(said)


def _plain_reason(said: str) -> str:
    lowered = said.lower()
    if "refused" in lowered:
        return "connection refused"
    if "timed out" in lowered or "timeout" in lowered:
        return "timed out"
    if "name or service not known" in lowered or "nodename nor servname" in lowered:
        return "unknown host"
    said = " ".join(said.split())
    return said if len(said) <= 160 else said[:157] + "..."


@app.command()
def dev(
    workers: Annotated[int, typer.Option(min=1, max=8, help="Worker processes")] = 1,
    api_replicas: Annotated[
        int, typer.Option(min=1, max=8, help="API processes sharing the API's port")
    ] = 1,
) -> None:
    """Bring up the whole stack (embedded PostgreSQL, Redis, Temporal; worker; API)."""
    from zhuchka.devstack.supervisor import run_dev

    configure_logging(get_settings(), process="dev")
    run_dev(workers=workers, api_replicas=api_replicas)


@app.command()
def migrate() -> None:
    """Apply the database migrations."""
    from zhuchka import migrate as migrations

    settings = get_settings()
    configure_logging(settings, process="migrate")
    with servers_reached(settings):
        migrations.upgrade(settings.database_url)


@app.command()
def seed(
    history: Annotated[
        int,
        typer.Option(
            min=0,
            max=3650,
            help="Also a past of this many days (finished orders, stock, purchases, inspections) "
            "for the analytics; loaded once",
        ),
    ] = 0,
    orders_per_day: Annotated[
        float,
        typer.Option(
            min=0.1,
            max=500,
            help="Orders taken a working day in that past (the demo floor "
            "builds about 3; more need more workers and equipment)",
        ),
    ] = 3.0,
) -> None:
    """Load the demo catalogue, suppliers and opening stock (idempotent)."""
    from zhuchka.demo_data import seed_database, seed_history
    from zhuchka.history_simulation import Scale

    settings = get_settings()
    configure_logging(settings, process="seed")
    with servers_reached(settings):
        asyncio.run(seed_database(settings))
        if history:
            with typer.progressbar(length=history, label="Days of history") as bar:
                written = asyncio.run(
                    seed_history(
                        settings,
                        Scale(days=history, orders_per_day=orders_per_day),
                        lambda done, _: bar.update(done - bar.pos),
                    )
                )
            if written:
                typer.echo(", ".join(f"{n} {table}" for table, n in written.items()))
            else:
                typer.echo("The history was loaded before: nothing to do.")


@app.command()
def api() -> None:
    """Serve the HTTP API."""
    from api.server import api_server, shared_socket

    settings = get_settings()
    configure_logging(settings, process="api")
    api_server(settings).run(sockets=[shared_socket(settings)] if settings.api_reuse_port else None)


@app.command()
def openapi() -> None:
    """Print the API's OpenAPI document as production serves it (no development routes): the
    web app's typed client is generated from it (`make web-client`)."""
    import json

    from api.app import published_schema

    typer.echo(json.dumps(published_schema(get_settings()), indent=2, ensure_ascii=False))


@app.command()
def worker() -> None:
    """Run the Temporal worker (order workflows and activities)."""
    from worker.main import run_worker

    settings = get_settings()
    configure_logging(settings, process="worker")
    with servers_reached(settings):
        asyncio.run(run_worker(settings))


def _password(from_stdin: bool) -> str:
    if not from_stdin:
        answer: str = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
        return answer
    password = sys.stdin.readline().rstrip("\r\n")
    if not password:
        typer.echo("refused: no password on standard input", err=True)
        raise typer.Exit(code=1)
    return password


@users_app.command("create")
def create_user(
    email: Annotated[str, typer.Option(help="The account's email (its sign-in name)")],
    role: Annotated[list[Role], typer.Option(help="Repeat for several roles")],
    name: Annotated[str | None, typer.Option(help="Full name")] = None,
    password_stdin: Annotated[
        bool,
        typer.Option(
            "--password-stdin",
            help="Read the password from the first line of standard input instead of asking",
        ),
    ] = False,
) -> None:
    """Create a confirmed account: how a new installation gets its first admin. The password
    (at least 10 characters, hard to guess) is asked for twice without being shown, or read
    from standard input with --password-stdin; it is never a command-line argument."""
    from api.auth.password_rule import check_password
    from api.auth.passwords import hash_password
    from domain.errors import DomainError
    from persistence.database import create_engine, create_session_factory
    from services.accounts.users import create_user as create

    password = _password(password_stdin)
    settings = get_settings()
    configure_logging(settings, process="cli")

    async def run() -> str:
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
        check_password(password, email=email)
        with servers_reached(settings):
            typer.echo(asyncio.run(run()))
    except DomainError as error:
        typer.echo(f"refused: {error.message}", err=True)
        raise typer.Exit(code=1) from error


@app.command("check-stock")
def check_stock() -> None:
    """Verify stock against the ledger and the reservations; exit 1 naming what is wrong."""
    from persistence.database import create_engine, create_session_factory
    from services.inventory.stock_audit import audit_stock

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

    with servers_reached(settings):
        consistent = asyncio.run(run())
    if not consistent:
        raise typer.Exit(code=1)


@app.command()
def backup() -> None:
    """Back up the application's database and Temporal's persistence into one folder of
    BACKUP_DIR (default .zhuchka/backups), keeping the newest BACKUP_KEEP (7)."""
    from zhuchka.backups import BackupError, take_backup

    settings = get_settings()
    configure_logging(settings, process="backup")
    try:
        taken = take_backup(settings)
    except BackupError as error:
        typer.echo(f"backup failed: {error}", err=True)
        raise typer.Exit(code=1) from error
    size = taken.size_bytes / 1e6
    typer.echo(f"backed up to {taken.folder} ({size:.1f} MB in {taken.seconds:.1f} s)")


@app.command()
def restore(
    folder: Annotated[
        Path | None, typer.Argument(help="A backup's folder; default: the newest in BACKUP_DIR")
    ] = None,
) -> None:
    """Replace the databases and Temporal's persistence with a backup's. Stop everything first
    (`make run`; under compose the api, worker and temporal services); start it again after:
    every order goes on from where the backup found it."""
    from zhuchka.backups import BackupError
    from zhuchka.backups import restore as bring_back

    settings = get_settings()
    configure_logging(settings, process="restore")
    try:
        restored = bring_back(settings, folder)
    except BackupError as error:
        typer.echo(f"restore failed: {error}", err=True)
        raise typer.Exit(code=1) from error
    typer.echo(f"restored {restored.folder} in {restored.seconds:.1f} s; start the stack again")


class _PassThrough(TyperCommand):
    """A command whose arguments all belong to another program: options, `--help` and `--`
    included, none parsed here."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:  # typer's own click Context
        ctx.args = list(args)
        return []


@app.command(cls=_PassThrough, add_help_option=False)
def temporal(ctx: typer.Context) -> None:
    """Run the bundled `temporal` CLI against the stack, arguments unchanged.

    Its address and namespace come from the settings (the running stack's, without a flag):
    zhuchka temporal workflow list --query "OrderStage='assembly'"."""
    from zhuchka.devstack.ports import is_listening
    from zhuchka.devstack.temporal import temporal_cli

    settings = get_settings()
    binary = temporal_cli()
    host, _, port = settings.temporal_address.rpartition(":")
    if not (port.isdigit() and is_listening(host, int(port))):
        _unreachable("Temporal", settings.temporal_address, "nothing listens", "TEMPORAL_ADDRESS")
    env = {
        **os.environ,
        # The CLI's own variables; a flag given in the arguments still wins over them.
        "TEMPORAL_ADDRESS": settings.temporal_address,
        "TEMPORAL_NAMESPACE": settings.temporal_namespace,
    }
    sys.stdout.flush()
    os.execve(binary, [binary, *ctx.args], env)  # noqa: S606 - the bundled CLI, as asked
