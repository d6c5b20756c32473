"""Backups of what the system needs to come back after a lost disk, and their restore.

A backup is a folder named for when it was taken (UTC), holding the application's database
(`pg_dump`, custom format), Temporal's persistence (the dev server's SQLite file, or Temporal's
own PostgreSQL databases) and a `manifest.json` saying what is inside. It is written as
`<name>.partial` and renamed when complete, so an interrupted backup is never taken for one.

Temporal is copied first, the application's database second: the database may then be a few
seconds ahead of the workflows, whose activities (all idempotent) run again and find their work
done; it is never behind them, which would lose stock moves a workflow believes made.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg

from core.settings import Settings
from core.stack_state import running_supervisor

MANIFEST = "manifest.json"
PARTIAL = ".partial"
_NAME = re.compile(r"^\d{8}T\d{6}Z$")
_PLAIN = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class BackupError(RuntimeError):
    """Said to the operator in one line (the CLI exits with it)."""


@dataclass(frozen=True)
class Taken:
    folder: Path
    seconds: float
    size_bytes: int


def backup_root(settings: Settings) -> Path:
    return settings.backup_dir or settings.data_dir / "backups"


def temporal_databases(settings: Settings) -> list[str]:
    names = [n.strip() for n in settings.temporal_postgres_databases.split(",") if n.strip()]
    for name in names:
        _plain(name)
    return names


def take_backup(settings: Settings, *, now: datetime | None = None) -> Taken:
    """One consistent backup in `backup_root`, then the oldest beyond `backup_keep` removed.
    Backups of one folder take turns (a lock file): a scheduled one and one run by hand never
    clear each other's work."""
    root = backup_root(settings)
    root.mkdir(parents=True, exist_ok=True, mode=0o700)
    with (root / ".lock").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        return _take(settings, root, now or datetime.now(UTC))


def _take(settings: Settings, root: Path, taken_at: datetime) -> Taken:
    started = time.monotonic()
    folder = root / taken_at.strftime("%Y%m%dT%H%M%SZ")
    partial = folder.with_name(folder.name + PARTIAL)
    if folder.exists():
        raise BackupError(f"{folder} exists already: one backup a second at most")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(mode=0o700)  # owner only: the dump holds password hashes and the ledger
    temporal = temporal_databases(settings)
    if temporal:
        for name in temporal:
            dump_database(settings, name, partial / f"temporal-{name}.dump")
    else:
        _copy_sqlite(settings.data_dir / "temporal" / "temporal.db", partial / "temporal.db")
    dump_database(settings, settings.postgres_db, partial / "app.dump")
    files = {p.name: _describe(p) for p in sorted(partial.iterdir())}
    manifest = {
        "taken_at": taken_at.isoformat(),
        "database": settings.postgres_db,
        "temporal": {"postgres": temporal} if temporal else {"sqlite": "temporal.db"},
        "files": files,
    }
    (partial / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
    for file in partial.iterdir():
        file.chmod(0o600)
    partial.rename(folder)
    prune(root, settings.backup_keep)
    size = sum(f["bytes"] for f in files.values())
    return Taken(folder, time.monotonic() - started, size)


def backups(root: Path) -> list[Path]:
    """The complete backups in `root`, oldest first."""
    if not root.is_dir():
        return []
    found = [p for p in root.iterdir() if _NAME.match(p.name) and (p / MANIFEST).is_file()]
    return sorted(found, key=lambda p: p.name)


def prune(root: Path, keep: int) -> list[Path]:
    """Remove all but the newest `keep` backups (and leftovers of interrupted ones)."""
    complete = backups(root)
    gone = complete[: max(len(complete) - keep, 0)]
    gone += [p for p in root.iterdir() if p.name.endswith(PARTIAL)]
    for path in gone:
        shutil.rmtree(path)
    return gone


@dataclass(frozen=True)
class Restored:
    folder: Path
    seconds: float


def restore(settings: Settings, folder: Path | None = None) -> Restored:
    """Bring back a backup (the newest when none is named): the databases are dropped and
    created again from it, Temporal's file replaced. Nothing of the system may run meanwhile."""
    started = time.monotonic()
    folder = folder or _newest(backup_root(settings))
    manifest = _check(folder)
    if running_supervisor(settings.data_dir) is not None:
        raise BackupError("the stack is running: stop it first (Ctrl-C where `make run` runs)")
    temporal = manifest["temporal"]
    if ("postgres" in temporal) != bool(temporal_databases(settings)):
        raise BackupError(
            "the backup's Temporal persistence is not the one configured here "
            "(TEMPORAL_POSTGRES_DATABASES): restore it where it was taken"
        )
    dumps = [(name, folder / f"temporal-{name}.dump") for name in temporal.get("postgres", [])]
    dumps.append((settings.postgres_db, folder / "app.dump"))
    for _, dump in dumps:  # readable by this pg_restore, before anything is dropped
        _run([_tool("pg_restore"), "--list", str(dump)], dict(os.environ), f"reading {dump}")
    with _postgres_reachable(settings) as reachable:
        for name, dump in dumps:
            _replace_database(reachable, name, dump)
    if "sqlite" in temporal:
        target = settings.data_dir / "temporal" / "temporal.db"
        target.parent.mkdir(parents=True, exist_ok=True)
        for leftover in (target.with_name(target.name + s) for s in ("-wal", "-shm", "")):
            leftover.unlink(missing_ok=True)
        shutil.copyfile(folder / temporal["sqlite"], target)
    return Restored(folder, time.monotonic() - started)


def _newest(root: Path) -> Path:
    found = backups(root)
    if not found:
        raise BackupError(f"no backup in {root}")
    return found[-1]


def _check(folder: Path) -> dict[str, Any]:
    """The manifest, once every file it names is there with its checksum."""
    try:
        manifest: dict[str, Any] = json.loads((folder / MANIFEST).read_text())
    except (FileNotFoundError, NotADirectoryError, json.JSONDecodeError) as error:
        raise BackupError(f"{folder} is not a complete backup ({error})") from None
    for name, described in manifest["files"].items():
        path = folder / name
        if not path.is_file() or _describe(path)["sha256"] != described["sha256"]:
            raise BackupError(f"{path} is missing or damaged (its checksum differs)")
    return manifest


def _describe(path: Path) -> dict[str, Any]:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return {"bytes": path.stat().st_size, "sha256": digest.hexdigest()}


def _copy_sqlite(source: Path, target: Path) -> None:
    """A consistent copy while the dev server writes (SQLite's online backup)."""
    if not source.is_file():
        raise BackupError(f"no Temporal database at {source}: is this the stack's data folder?")
    live = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    with contextlib.closing(live), contextlib.closing(sqlite3.connect(target)) as copy:
        live.backup(copy)


def _plain(name: str) -> str:
    if not _PLAIN.match(name):
        raise BackupError(f"not a plain database name: {name!r}")
    return name


def _tool(name: str) -> str:
    """pg_dump / pg_restore: the embedded PostgreSQL's (the same version as the dev server),
    else the one on PATH."""
    with contextlib.suppress(RuntimeError, ImportError):
        from zhuchka.devstack.postgres import install_dir

        beside = install_dir() / "bin" / name
        if beside.exists():
            return str(beside)
    found = shutil.which(name)
    if not found:
        raise BackupError(f"{name} is not installed (the PostgreSQL client tools)")
    return found


def _connection_args(settings: Settings, database: str) -> tuple[list[str], dict[str, str]]:
    args = ["-h", settings.postgres_host, "-p", str(settings.postgres_port)]
    args += ["-U", settings.postgres_user, "-d", _plain(database)]
    return args, {**os.environ, "PGPASSWORD": settings.postgres_password}


def _run(command: list[str], env: dict[str, str], what: str) -> None:
    # Argument lists of the PostgreSQL tools, names checked by _plain: no shell, no user text.
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        said = " ".join((done.stderr or done.stdout).split())[-400:]
        raise BackupError(f"{what} failed: {said}")


def dump_database(settings: Settings, database: str, target: Path) -> None:
    """`pg_dump -Fc` of one database of the configured server into `target`."""
    args, env = _connection_args(settings, database)
    _run([_tool("pg_dump"), "-Fc", *args, "-f", str(target)], env, f"pg_dump of {database}")


def _replace_database(settings: Settings, database: str, dump: Path) -> None:
    """Drop `database` (closing its connections), create it empty and restore `dump` into it."""
    with psycopg.connect(
        host=settings.postgres_host,
        port=settings.postgres_port,
        user=settings.postgres_user,
        password=settings.postgres_password,
        dbname="postgres",
        autocommit=True,
    ) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{_plain(database)}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{database}"')
    args, env = _connection_args(settings, database)
    restore_args = ["--no-owner", "--exit-on-error", "--jobs", "2", *args, str(dump)]
    _run([_tool("pg_restore"), *restore_args], env, f"pg_restore of {database}")


@contextlib.contextmanager
def _postgres_reachable(settings: Settings) -> Iterator[Settings]:
    """Settings that reach the configured server; without one, the embedded server of the data
    folder, started for the restore (a new one when its data was lost) and stopped after."""
    if settings.configured("POSTGRES_HOST"):
        yield settings
        return
    from zhuchka.devstack.postgres import EmbeddedPostgres

    server = EmbeddedPostgres(settings.data_dir / "postgres", settings.embedded_postgres_port)
    server.start()
    local = settings.model_copy(
        update={
            "postgres_host": server.host,
            "postgres_port": server.port,
            "postgres_user": "postgres",
            "postgres_password": "",
        }
    )
    try:
        yield local
    finally:
        server.stop()
