"""A private copy of the whole stack for a benchmark run."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from core.settings import Settings
from zhuchka.devstack.private_stack import PrivateStack


@dataclass(frozen=True)
class RunningStack:
    api_url: str
    settings: Settings
    demo_password: str  # as the stack made it in its data folder
    pids: dict[str, int]  # of the API and the worker

    def resident_mb(self) -> dict[str, float]:
        """Resident memory of the API and the worker, in MB."""
        return {name: _resident_mb(pid) for name, pid in self.pids.items()}

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
def private_stack() -> Iterator[RunningStack]:
    with tempfile.TemporaryDirectory(prefix="zhuchka-bench-") as folder:
        stack = PrivateStack(Path(folder), log_level="WARNING")
        stack.env["SERVER_TIMING"] = "1"
        stack.start()
        try:
            yield RunningStack(
                stack.api_url,
                stack.settings(POSTGRES_POOL_SIZE=40, POSTGRES_MAX_OVERFLOW=0),
                stack.demo_password(),
                {name: pid for name in ("api", "worker") if (pid := stack.pid(name))},
            )
        finally:
            stack.stop()


def _resident_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0
