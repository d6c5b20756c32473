"""A private copy of the whole stack for a benchmark run."""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import psutil

from core.settings import Settings
from zhuchka.devstack.private_stack import PrivateStack


@dataclass(frozen=True)
class RunningStack:
    api_url: str
    settings: Settings
    demo_password: str  # as the stack made it in its data folder
    pids: dict[str, int]  # of the API processes and the workers
    servers: dict[str, int]  # of PostgreSQL (its postmaster), Redis and Temporal

    def resident_mb(self) -> dict[str, float]:
        """Resident memory of each API process and worker, in MB."""
        return {name: _resident_mb(pid) for name, pid in self.pids.items()}

    def cpu_seconds(self) -> dict[str, float]:
        """CPU time each API process and worker has used so far (shows each took its share)."""
        return {name: _cpu(psutil.Process(pid)) for name, pid in self.pids.items()}

    def cpu_by_process(self) -> dict[str, float]:
        """CPU seconds used so far by each process of the stack, PostgreSQL with its backends
        (those that ended included), and by this bench process (the client, and the workers of
        the bare workflows)."""
        used = self.cpu_seconds()
        for name, pid in self.servers.items():
            process = psutil.Process(pid)
            used[name] = _cpu(process, children=name == "postgres")
        used["bench"] = _cpu(psutil.Process())
        return used

    def client(self) -> httpx.AsyncClient:
        """An HTTP client signed in as the demo admin."""
        signed_in = httpx.post(
            f"{self.api_url}/api/user/sign-in",
            data={"username": "admin@zhuchka.example", "password": self.demo_password},
        )
        signed_in.raise_for_status()
        token = signed_in.json()["access_token"]
        return httpx.AsyncClient(
            base_url=self.api_url, timeout=60, headers={"Authorization": f"Bearer {token}"}
        )


@contextmanager
def private_stack(*, workers: int = 1, api_replicas: int = 1) -> Iterator[RunningStack]:
    with tempfile.TemporaryDirectory(prefix="zhuchka-bench-") as folder:
        stack = PrivateStack(
            Path(folder), log_level="WARNING", workers=workers, api_replicas=api_replicas
        )
        stack.env["SERVER_TIMING"] = "1"
        stack.start()
        try:
            yield RunningStack(
                stack.api_url,
                stack.settings(POSTGRES_POOL_SIZE=40, POSTGRES_MAX_OVERFLOW=0),
                stack.demo_password(),
                {
                    f"{name}-{n}" if n > 1 else name: pid
                    for name, count in (("api", api_replicas), ("worker", workers))
                    for n in range(1, count + 1)
                    if (pid := stack.pid(f"{name}-{n}" if n > 1 else name))
                },
                {
                    name: pid
                    for name in ("postgres", "redis", "temporal")
                    if (pid := stack.pid(name))
                },
            )
        finally:
            stack.stop()


def _cpu(process: psutil.Process, *, children: bool = False) -> float:
    times = process.cpu_times()
    used = times.user + times.system
    if children:
        used += times.children_user + times.children_system
        for child in process.children():
            with contextlib.suppress(psutil.NoSuchProcess):
                used += sum(child.cpu_times()[:2])
    return used


def _resident_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0
