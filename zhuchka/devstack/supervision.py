"""Keeping a child of `zhuchka dev` alive: each unit (a server, the worker, the API) is
watched by a thread of its own and started again after a pause that doubles while it keeps
dying, with its pid kept current in `<data dir>/pids/<name>.pid`."""

from __future__ import annotations

import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import structlog

from core.stack_state import remove_pid, write_pid
from zhuchka.devstack.postgres import EmbeddedPostgres
from zhuchka.devstack.spawned import Spawned

log = structlog.get_logger(__name__)


class Unit(Protocol):
    """Something the supervisor starts, watches and stops."""

    def start(self) -> None:
        """Start it and return once it serves; raise when it cannot."""

    def pid(self) -> int | None: ...

    def exit_status(self) -> str | None:
        """None while it runs; how it ended otherwise."""

    def stop(self) -> None: ...


class Stoppable(Protocol):
    def stop(self) -> None: ...


@dataclass
class ChildProcess(Spawned):
    """A command run as a child process in a session of its own (Ctrl-C reaches only us)."""

    command: list[str]
    env: dict[str, str]
    process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(self.command, env=self.env, start_new_session=True)


@dataclass
class PostgresWithDatabase:
    """The embedded PostgreSQL, and our database in it."""

    server: EmbeddedPostgres
    database: str

    def start(self) -> None:
        self.server.start()
        self.server.create_database(self.database)

    def pid(self) -> int | None:
        return self.server.pid()

    def exit_status(self) -> str | None:
        return self.server.exit_status()

    def stop(self) -> None:
        self.server.stop()


@dataclass
class Backoff:
    """The pause before a restart: `first`, doubling at each exit up to `cap`; back to `first`
    when the child had stayed up `steady` seconds before it exited."""

    first: float = 1.0
    cap: float = 30.0
    steady: float = 60.0
    _next: float = field(init=False)

    def __post_init__(self) -> None:
        self._next = self.first

    def after_exit(self, uptime: float) -> float:
        if uptime >= self.steady:
            self._next = self.first
        delay = self._next
        self._next = min(self._next * 2, self.cap)
        return delay


class Supervised:
    """One unit, watched by a thread of its own: when it ends it is started again (after the
    backoff), for as long as `stopping` is not set. Its pid is kept in `pids/<name>.pid`."""

    def __init__(
        self,
        name: str,
        unit: Unit,
        *,
        data_dir: Path,
        stopping: threading.Event,
        backoff: Backoff | None = None,
        poll_seconds: float = 0.5,
    ) -> None:
        self.name = name
        self.unit = unit
        self.data_dir = data_dir
        self.stopping = stopping
        self.backoff = backoff or Backoff()
        self.poll_seconds = poll_seconds
        self.restarts = 0
        self._lock = threading.Lock()  # start and stop never overlap
        self._started_at = 0.0
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """The first start, in the caller's thread (a failure here stops `zhuchka dev`: a port
        taken, a broken installation); then the watching begins."""
        with self._lock:
            self.unit.start()
            self._up()
        self._thread = threading.Thread(
            target=self._watch, name=f"supervise-{self.name}", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        """Stop it for good; `stopping` must be set first, or it would be started again."""
        assert self.stopping.is_set()
        with self._lock:
            self.unit.stop()
            remove_pid(self.data_dir, self.name)
        if self._thread is not None:
            self._thread.join(timeout=10)

    def _up(self) -> None:
        self._started_at = time.monotonic()
        pid = self.unit.pid()
        if pid is not None:
            write_pid(self.data_dir, self.name, pid)

    def _watch(self) -> None:
        while not self.stopping.wait(self.poll_seconds):
            with self._lock:
                if self.stopping.is_set():
                    return
                status = self.unit.exit_status()
            if status is not None:
                self._bring_back(status)

    def _bring_back(self, status: str) -> None:
        uptime = time.monotonic() - self._started_at
        delay = self.backoff.after_exit(uptime)
        remove_pid(self.data_dir, self.name)
        log.warning(
            "child.exited",
            child=self.name,
            status=status,
            uptime_s=round(uptime, 1),
            restart_in_s=delay,
        )
        while not self.stopping.wait(delay):
            with self._lock:
                if self.stopping.is_set():
                    return
                try:
                    self.unit.start()
                except Exception as error:  # whatever stops it from starting: try again later
                    failure = f"{type(error).__name__}: {error}"
                else:
                    self.restarts += 1
                    self._up()
                    log.info(
                        "child.restarted",
                        child=self.name,
                        pid=self.unit.pid(),
                        restarts=self.restarts,
                    )
                    return
            delay = self.backoff.after_exit(0.0)
            log.error("child.restart_failed", child=self.name, error=failure, retry_in_s=delay)
