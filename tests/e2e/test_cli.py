"""The `zhuchka` command in another shell while `make run` is up: it finds the stack by itself
(nothing sourced), the environment still wins, a server it cannot reach is one line and exit
code 2, `users create` never takes the password as an argument, and `zhuchka temporal` is the
bundled CLI pointed at the stack."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from zhuchka.devstack.ports import free_port
from zhuchka.devstack.private_stack import EXTERNAL_PREFIXES, PrivateStack
from zhuchka.devstack.temporal import temporal_cli

PATIENCE = 120.0


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PrivateStack]:
    stack = PrivateStack(tmp_path_factory.mktemp("cli"))
    stack.start()
    yield stack
    assert stack.stop() == 0


def _another_shell(stack: PrivateStack, **extra: str) -> dict[str, str]:
    """The environment of a shell where nothing was sourced: no address at all, only (as the
    checkout's default would be) the stack's data folder."""
    leave_out = (*EXTERNAL_PREFIXES, "TEMPORAL_", "EMBEDDED_", "API_", "WORKER_METRICS_")
    env = {k: v for k, v in os.environ.items() if not k.startswith(leave_out)}
    return env | {"ZHUCHKA_DATA_DIR": str(stack.data_dir), **extra}


def _zhuchka(
    env: dict[str, str], *args: str, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # from a folder of its own: a .env in the checkout does not count
        [sys.executable, "-m", "zhuchka", *args],
        env=env,
        cwd=Path(env["ZHUCHKA_DATA_DIR"]).parent,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=PATIENCE,
        check=False,
    )


def _sign_in(stack: PrivateStack, email: str, password: str) -> int:
    return httpx.post(
        f"{stack.api_url}/api/user/sign-in",
        data={"username": email, "password": password},
        timeout=20,
    ).status_code


def test_commands_find_the_running_stack_without_sourcing(stack: PrivateStack) -> None:
    env = _another_shell(stack)
    for command in (["migrate"], ["seed"], ["check-stock"]):
        done = _zhuchka(env, *command)
        assert done.returncode == 0, done.stderr[-2000:]
    assert "stock consistent" in _zhuchka(env, "check-stock").stdout


def test_the_environment_wins_and_an_unreachable_server_is_one_line(
    stack: PrivateStack,
) -> None:
    port = free_port()
    env = _another_shell(stack, POSTGRES_PORT=str(port))
    expected = (
        f"cannot reach PostgreSQL at 127.0.0.1:{port} (connection refused): "
        "start the stack with `make run`, or set POSTGRES_HOST/POSTGRES_PORT"
    )
    for command in (["check-stock"], ["migrate"], ["seed"]):
        done = _zhuchka(env, *command)
        assert done.returncode == 2, (command, done.stderr[-2000:])
        assert done.stderr.strip().splitlines() == [expected], command
        assert "Traceback" not in done.stdout + done.stderr
    created = _zhuchka(
        env,
        *("users", "create", "--email", "x@example.com", "--role", "admin", "--password-stdin"),
        stdin="Quartz-walrus-pickle-93\n",
    )
    assert created.returncode == 2
    assert created.stderr.strip().splitlines() == [expected]


def test_a_second_stack_of_the_same_folder_is_refused(stack: PrivateStack) -> None:
    done = _zhuchka(_another_shell(stack), "dev")
    assert done.returncode == 1
    assert "already running" in done.stderr
    assert stack.process is not None
    assert stack.process.poll() is None
    assert httpx.get(f"{stack.api_url}/api/health/readiness", timeout=20).status_code == 200


def test_users_create_reads_the_password_from_stdin_never_from_an_argument(
    stack: PrivateStack,
) -> None:
    env = _another_shell(stack)
    email, password = "boss@example.com", "Quartz-walrus-pickle-93"
    created = _zhuchka(
        env,
        *("users", "create", "--email", email, "--role", "admin", "--password-stdin"),
        stdin=password + "\n",
    )
    assert created.returncode == 0, created.stderr[-2000:]
    assert created.stdout.startswith(f"created {email} (admin)")
    assert _sign_in(stack, email, password) == 200

    as_argument = _zhuchka(
        env,
        *("users", "create", "--email", "b@example.com", "--role", "admin", "--password", password),
    )
    assert as_argument.returncode == 2
    assert "No such option: --password" in as_argument.stderr


def _read_until(fd: int, wanted: bytes, seen: bytearray) -> None:
    while wanted not in seen:
        ready, _, _ = select.select([fd], [], [], PATIENCE)
        assert ready, f"no {wanted!r} in {bytes(seen)!r}"
        try:
            chunk = os.read(fd, 4096)
        except OSError:  # EIO: the other side has closed
            chunk = b""
        assert chunk, f"no {wanted!r} in {bytes(seen)!r}"
        seen += chunk


def test_users_create_asks_for_the_password_twice_without_showing_it(
    stack: PrivateStack,
) -> None:
    """In a terminal (a pseudo-terminal here), as a person would type it."""
    email, password = "planner.two@example.com", "Velvet-anvil-orbit-58"
    terminal, its_end = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "zhuchka", "users", "create", "--email", email, "--role", "planner"],
        stdin=its_end,
        stdout=its_end,
        stderr=its_end,
        env=_another_shell(stack),
        cwd=stack.data_dir.parent,
        start_new_session=True,  # no controlling terminal: the prompt uses the one it is given
    )
    os.close(its_end)
    seen = bytearray()
    try:
        _read_until(terminal, b"Password: ", seen)
        os.write(terminal, password.encode() + b"\n")
        _read_until(terminal, b"Repeat for confirmation: ", seen)
        os.write(terminal, password.encode() + b"\n")
        _read_until(terminal, f"created {email}".encode(), seen)
        assert process.wait(timeout=PATIENCE) == 0
    finally:
        if process.poll() is None:
            process.kill()
        os.close(terminal)
    assert password.encode() not in seen, "the password was shown"
    assert _sign_in(stack, email, password) == 200


def test_zhuchka_temporal_is_the_bundled_cli_pointed_at_the_stack(stack: PrivateStack) -> None:
    env = _another_shell(stack)
    workflow_id = f"cli-test-{uuid.uuid4()}"
    started = _zhuchka(
        env,
        *("temporal", "workflow", "start", "--type", "NobodyRunsThis"),
        *("--task-queue", "cli-test-nobody", "--workflow-id", workflow_id),
    )
    assert started.returncode == 0, started.stderr

    # It went to this stack's Temporal, whatever else listens on the default port.
    address = stack.settings().temporal_address
    described = subprocess.run(
        [temporal_cli(), "workflow", "describe", "--address", address, "-w", workflow_id],
        capture_output=True,
        text=True,
        timeout=PATIENCE,
        check=False,
    )
    assert described.returncode == 0, described.stderr

    # Arguments go through as they are, quotes and all.
    listed = _zhuchka(env, "temporal", "workflow", "list", "--query", f"WorkflowId='{workflow_id}'")
    assert listed.returncode == 0, listed.stderr
    assert workflow_id in listed.stdout
    ended = _zhuchka(
        env, "temporal", "workflow", "terminate", "-w", workflow_id, "--reason", "cli test"
    )
    assert ended.returncode == 0, ended.stderr
    assert _zhuchka(env, "temporal", "--version").stdout.startswith("temporal version")


def test_the_supervisor_pid_file_names_the_running_stack(stack: PrivateStack) -> None:
    assert stack.process is not None
    assert stack.pid("dev") == stack.process.pid
    assert Path(stack.data_dir / "stack.env").exists()
