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
        stack.start()
        try:
            yield RunningStack(
                stack.api_url,
                stack.settings(POSTGRES_POOL_SIZE=40, POSTGRES_MAX_OVERFLOW=0),
                stack.demo_password(),
            )
        finally:
            stack.stop()
