"""Every `zhuchka` command finds the running dev stack of its data directory by itself (the
settings read its `stack.env` while its supervisor runs), below the environment; a stack that
is gone is ignored, whatever its files say."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.settings import Settings
from core.stack_state import (
    SupervisorClaim,
    pid_file,
    running_supervisor,
    write_pid,
    write_stack_env,
)

ADDRESSES = {
    "POSTGRES_HOST": "127.0.0.1",
    "POSTGRES_PORT": "41111",
    "REDIS_PORT": "41112",
    "TEMPORAL_ADDRESS": "127.0.0.1:41113",
    "TEMPORAL_NAMESPACE": "workshop",
}


@pytest.fixture(autouse=True)
def _no_addresses_in_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in os.environ:
        if name.startswith(("POSTGRES_", "REDIS_", "TEMPORAL_", "SMTP_", "API_")):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)  # no .env of the checkout
    monkeypatch.setenv("ZHUCHKA_DATA_DIR", str(tmp_path / "data"))


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def running(data_dir: Path) -> Iterator[SupervisorClaim]:
    """A stack's supervisor, as far as its files tell: this process holds the claim."""
    claim = SupervisorClaim(data_dir)
    claim.acquire()
    write_stack_env(data_dir, ADDRESSES)
    yield claim
    claim.release()


def _dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_the_running_stack_of_the_data_directory_is_found(running: SupervisorClaim) -> None:
    assert running_supervisor(running.data_dir) == os.getpid()
    settings = Settings()
    assert settings.postgres_port == 41111
    assert settings.redis_port == 41112
    assert settings.temporal_address == "127.0.0.1:41113"
    assert settings.temporal_namespace == "workshop"


def test_the_environment_still_wins(
    running: SupervisorClaim, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("POSTGRES_PORT", "5999")
    settings = Settings()
    assert settings.postgres_port == 5999
    assert settings.redis_port == 41112


def test_another_data_directory_sees_nothing(
    running: SupervisorClaim, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("ZHUCHKA_DATA_DIR", str(tmp_path / "elsewhere"))
    assert Settings().postgres_port == 5432


def test_a_stack_that_was_killed_is_ignored(data_dir: Path) -> None:
    """Its pid file and addresses stay behind; its pid no longer runs."""
    write_pid(data_dir, "dev", _dead_pid())
    write_stack_env(data_dir, ADDRESSES)
    assert running_supervisor(data_dir) is None
    assert Settings().postgres_port == 5432


def test_a_pid_file_no_supervisor_holds_is_ignored(data_dir: Path) -> None:
    """A stale file whose pid now belongs to some other live process (here: this one)."""
    write_pid(data_dir, "dev", os.getpid())
    write_stack_env(data_dir, ADDRESSES)
    assert running_supervisor(data_dir) is None
    assert Settings().postgres_port == 5432


def test_a_second_supervisor_of_the_same_folder_is_refused(running: SupervisorClaim) -> None:
    with pytest.raises(RuntimeError, match="already running"):
        SupervisorClaim(running.data_dir).acquire()


def test_stopping_removes_what_only_a_running_stack_means(data_dir: Path) -> None:
    claim = SupervisorClaim(data_dir)
    claim.acquire()
    write_stack_env(data_dir, ADDRESSES)
    write_pid(data_dir, "worker", 12345)
    claim.release()
    assert not pid_file(data_dir, "dev").exists()
    assert not pid_file(data_dir, "worker").exists()
    assert not (data_dir / "stack.env").exists()
    assert Settings().postgres_port == 5432


def test_a_new_supervisor_never_passes_off_a_killed_stack_s_addresses(data_dir: Path) -> None:
    write_pid(data_dir, "dev", _dead_pid())
    write_stack_env(data_dir, ADDRESSES)
    claim = SupervisorClaim(data_dir)
    claim.acquire()
    try:
        assert running_supervisor(data_dir) == os.getpid()
        assert Settings().postgres_port == 5432
    finally:
        claim.release()
