"""What a running `zhuchka dev` keeps in its data directory for other shells and commands:

- `pids/dev.pid`: the supervisor's pid, locked (flock) for as long as it runs, so a file left by
  a stack that was killed is recognised as stale even when its pid has been reused;
- `pids/<child>.pid`: the pid of each server and process it supervises, kept current across
  restarts (`kill -9 $(cat .zhuchka/pids/worker.pid)`);
- `stack.env`: the addresses of its servers, which every `zhuchka` command reads while the
  stack runs (`core.settings`), so no shell needs to source it.

Nothing here imports the settings: the settings import this module.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import signal
import time
from pathlib import Path

PIDS = "pids"
SUPERVISOR = "dev"
STACK_ENV = "stack.env"


def pids_dir(data_dir: Path) -> Path:
    return data_dir / PIDS


def pid_file(data_dir: Path, name: str) -> Path:
    return pids_dir(data_dir) / f"{name}.pid"


def pid_alive(pid: int) -> bool:
    """Whether process `pid` exists and is not a zombie (a killed child nobody reaped yet)."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # it exists, under another user (PostgreSQL runs as its own user under root)
    proc = Path("/proc")
    if not proc.is_dir():
        return True
    try:
        stat = (proc / str(pid) / "stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return False
    state = stat.rsplit(")", 1)[-1].split()[:1]
    return state not in (["Z"], ["X"])


def read_pid(path: Path) -> int | None:
    try:
        text = path.read_text().strip()
    except (FileNotFoundError, NotADirectoryError):
        return None
    return int(text) if text.isdigit() else None


def _write_atomically(path: Path, text: str, mode: int = 0o644) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    draft = path.with_name(f".{path.name}.{os.getpid()}")
    descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(descriptor, "w") as file:
        file.write(text)
    draft.replace(path)


def write_pid(data_dir: Path, name: str, pid: int) -> None:
    _write_atomically(pid_file(data_dir, name), f"{pid}\n")


def remove_pid(data_dir: Path, name: str) -> None:
    pid_file(data_dir, name).unlink(missing_ok=True)


class AlreadyRunning(RuntimeError):
    def __init__(self, data_dir: Path, pid: int | None) -> None:
        self.pid = pid
        super().__init__(
            f"a dev stack of {data_dir} is already running (pid {pid}): use it, or stop it "
            "with Ctrl-C in its terminal"
        )


class SupervisorClaim:
    """The supervisor's hold on its data directory: the locked `pids/dev.pid`."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.path = pid_file(data_dir, SUPERVISOR)
        self._fd: int | None = None

    def acquire(self) -> None:
        """Lock and write the pid file; AlreadyRunning when another supervisor holds it."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        deadline = time.monotonic() + 2  # a reader holds its shared lock for microseconds
        while True:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                if time.monotonic() > deadline:
                    raise AlreadyRunning(self.data_dir, read_pid(self.path)) from None
                time.sleep(0.05)
                continue
            if _same_file(fd, self.path):
                break
            os.close(fd)  # a supervisor stopping meanwhile removed the file we had opened
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        self._fd = fd
        # The addresses of a stack that was killed: not ours, and from now on they would pass
        # for ours. (Its pid files stay, to find what it left running.)
        (self.data_dir / STACK_ENV).unlink(missing_ok=True)

    def release(self) -> None:
        """Remove what only a running stack means (its pid files, its addresses), then unlock."""
        if self._fd is None:
            return
        for path in pids_dir(self.data_dir).glob("*.pid"):
            if path != self.path:
                path.unlink(missing_ok=True)
        (self.data_dir / STACK_ENV).unlink(missing_ok=True)
        self.path.unlink(missing_ok=True)
        os.close(self._fd)
        self._fd = None


def _same_file(fd: int, path: Path) -> bool:
    try:
        on_disk = path.stat()
    except FileNotFoundError:
        return False
    held = os.fstat(fd)
    return (held.st_dev, held.st_ino) == (on_disk.st_dev, on_disk.st_ino)


def running_supervisor(data_dir: Path) -> int | None:
    """The pid of the `zhuchka dev` of `data_dir` while it runs; None when none runs (a pid
    file left by a killed stack is not locked any more, whatever its pid has become)."""
    path = pid_file(data_dir, SUPERVISOR)
    pid = read_pid(path)
    if pid is None or not pid_alive(pid):
        return None
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return pid  # locked: its supervisor holds it
    finally:
        os.close(fd)  # closing also drops the shared lock, when we got it
    return None


def write_stack_env(data_dir: Path, env: dict[str, str]) -> None:
    lines = [f"{key}={value}" for key, value in sorted(env.items())]
    _write_atomically(data_dir / STACK_ENV, "\n".join(lines) + "\n", mode=0o600)


def read_env_file(path: Path) -> dict[str, str]:
    found: dict[str, str] = {}
    with contextlib.suppress(FileNotFoundError):
        for line in path.read_text().splitlines():
            key, sep, value = line.strip().partition("=")
            if sep and key and not key.startswith("#"):
                found[key] = value
    return found


def running_stack_env(data_dir: Path) -> dict[str, str]:
    """The addresses of the stack of `data_dir` while it runs; empty otherwise."""
    if running_supervisor(data_dir) is None:
        return {}
    return read_env_file(data_dir / STACK_ENV)


def _command_line(pid: int) -> list[str]:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return []
    return [part.decode(errors="replace") for part in raw.split(b"\0") if part]


def _environment(pid: int) -> dict[str, str]:
    try:
        raw = Path(f"/proc/{pid}/environ").read_bytes()
    except OSError:
        return {}
    pairs = (part.decode(errors="replace").partition("=") for part in raw.split(b"\0"))
    return {key: value for key, _, value in pairs if key}


def _working_dir(pid: int) -> Path | None:
    try:
        return Path(os.readlink(f"/proc/{pid}/cwd"))
    except OSError:
        return None


def leftover(data_dir: Path, name: str) -> int | None:
    """The pid in `pids/<name>.pid` when that process still runs and is, by its command line
    (and for our own processes, its ZHUCHKA_DATA_DIR), what a stack of `data_dir` started:
    what a supervisor that was killed left behind. Linux only (it reads /proc); None elsewhere."""
    pid = read_pid(pid_file(data_dir, name))
    if pid is None or pid == os.getpid() or not pid_alive(pid):
        return None
    words = _command_line(pid)
    text = " ".join(words)
    folder = str(data_dir.resolve())
    if name == "redis":  # redis-server rewrites its command line, but works in its --dir
        ours = "redis-server" in text and _working_dir(pid) == data_dir.resolve() / "redis"
    elif name == "temporal":
        ours = "start-dev" in words and folder in text
    else:
        environ = _environment(pid)
        ours = (
            words[-1:] == [name.split("-")[0]]  # worker-2 is a `zhuchka worker` too
            and "zhuchka" in text
            and Path(environ.get("ZHUCHKA_DATA_DIR", "/nonexistent")).resolve() == Path(folder)
        )
    return pid if ours else None


def terminate(pid: int, *, patience: float = 15) -> None:
    """SIGTERM, then SIGKILL when it is still there after `patience` seconds."""
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + patience
    while pid_alive(pid):
        if time.monotonic() > deadline:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            return
        time.sleep(0.1)


def describe_exit(code: int) -> str:
    """`exit code 3`, `killed by SIGKILL`: how a child process ended (Popen.returncode)."""
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit code {code}"
