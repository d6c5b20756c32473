"""The supervision of `zhuchka dev`, on real processes with short pauses: a child that keeps
crashing is started again and again, for as long as the stack runs, and never takes a healthy
one down with it; one that cannot even start is tried again; stopping stops them all."""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from core.stack_state import pid_alive, pid_file, read_pid
from zhuchka.devstack.supervision import Backoff, ChildProcess, Supervised, Unit

PATIENCE = 120.0
CRASHES = 12  # twice what used to stop the whole stack


def _python(code: str) -> ChildProcess:
    return ChildProcess([sys.executable, "-c", code], dict(os.environ))


def _wait_for(what: str, done: Callable[[], bool]) -> None:
    deadline = time.monotonic() + PATIENCE
    while not done():
        assert time.monotonic() < deadline, f"{what}: not after {PATIENCE:.0f}s"
        time.sleep(0.05)


class _FailsToStart:
    """A child whose restarts fail (a port still taken, say) a few times before one works."""

    def __init__(self, child: ChildProcess, failures: int) -> None:
        self.child = child
        self.failures = failures
        self.starts = 0

    def start(self) -> None:
        self.starts += 1
        if 1 < self.starts <= 1 + self.failures:
            raise RuntimeError("port 1 is taken")
        self.child.start()

    def pid(self) -> int | None:
        return self.child.pid()

    def exit_status(self) -> str | None:
        return self.child.exit_status()

    def stop(self) -> None:
        self.child.stop()


@pytest.fixture
def stopping() -> Iterator[threading.Event]:
    event = threading.Event()
    yield event
    event.set()


def _supervised(name: str, unit: Unit, data_dir: Path, stopping: threading.Event) -> Supervised:
    return Supervised(
        name,
        unit,
        data_dir=data_dir,
        stopping=stopping,
        backoff=Backoff(first=0.01, cap=0.1, steady=60),
        poll_seconds=0.02,
    )


def test_a_child_that_keeps_crashing_never_stops_the_others(
    tmp_path: Path, stopping: threading.Event
) -> None:
    healthy = _supervised("healthy", _python("import time; time.sleep(600)"), tmp_path, stopping)
    crashing = _supervised("crashing", _python("raise SystemExit(3)"), tmp_path, stopping)
    healthy.start()
    crashing.start()
    first_pid = read_pid(pid_file(tmp_path, "healthy"))
    assert first_pid is not None
    try:
        _wait_for(f"{CRASHES} restarts", lambda: crashing.restarts >= CRASHES)
        assert healthy.restarts == 0
        assert read_pid(pid_file(tmp_path, "healthy")) == first_pid
        assert pid_alive(first_pid)
    finally:
        stopping.set()
        crashing.stop()
        healthy.stop()
    assert not pid_alive(first_pid)
    assert not pid_file(tmp_path, "healthy").exists()
    assert not pid_file(tmp_path, "crashing").exists()


def test_a_child_that_cannot_start_is_tried_again_and_its_pid_file_follows(
    tmp_path: Path, stopping: threading.Event
) -> None:
    unit = _FailsToStart(_python("import time; time.sleep(600)"), failures=3)
    child = _supervised("worker", unit, tmp_path, stopping)
    child.start()
    first_pid = read_pid(pid_file(tmp_path, "worker"))
    assert first_pid is not None
    try:
        os.kill(first_pid, signal.SIGKILL)
        _wait_for("a new worker", lambda: child.restarts == 1)
        assert unit.starts == 1 + 3 + 1
        second_pid = read_pid(pid_file(tmp_path, "worker"))
        assert second_pid not in (None, first_pid)
        assert second_pid == unit.pid()
    finally:
        stopping.set()
        child.stop()
    assert second_pid is not None
    assert not pid_alive(second_pid)
