"""`zhuchka dev` in a folder of its own on free ports, as a child process: what the tests of
`make run` and the benchmarks start, so they never touch `.zhuchka/` or a stack already up."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from core.settings import Settings
from core.stack_state import STACK_ENV, pid_file, read_env_file, read_pid
from zhuchka.demo_floor import demo_password_file
from zhuchka.devstack.ports import free_port

PORT_SETTINGS = (
    "EMBEDDED_POSTGRES_PORT",
    "EMBEDDED_REDIS_PORT",
    "EMBEDDED_TEMPORAL_PORT",
    "EMBEDDED_TEMPORAL_UI_PORT",
    "API_PORT",
    "WORKER_METRICS_PORT",
    "EMBEDDED_SMTP_PORT",
)
# Addresses that would make `zhuchka dev` use an external server instead of its own.
EXTERNAL_PREFIXES = ("POSTGRES_", "REDIS_", "TEMPORAL_ADDRESS", "SMTP_HOST")


class PrivateStack:
    def __init__(
        self, folder: Path, *, log_level: str = "INFO", workers: int = 1, api_replicas: int = 1
    ) -> None:
        self.scale = ["--workers", str(workers), "--api-replicas", str(api_replicas)]
        self.data_dir = folder / "data"
        self.log = folder / "dev.log"
        self.ports = {name: free_port() for name in PORT_SETTINGS}
        self.env = {k: v for k, v in os.environ.items() if not k.startswith(EXTERNAL_PREFIXES)}
        self.env |= {
            "ZHUCHKA_DATA_DIR": str(self.data_dir),
            "LOG_FORMAT": "json",
            "LOG_LEVEL": log_level,
            **{name: str(port) for name, port in self.ports.items()},
        }
        self.api_url = f"http://127.0.0.1:{self.ports['API_PORT']}"
        self.temporal_ui_url = f"http://127.0.0.1:{self.ports['EMBEDDED_TEMPORAL_UI_PORT']}"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 120) -> float:
        """Start and wait for the banner; returns how long that took in seconds."""
        started = time.monotonic()
        banners = self._banners()
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(  # from its folder: a .env in the checkout is not read
                [sys.executable, "-m", "zhuchka", "dev", *self.scale],
                env=self.env,
                cwd=self.log.parent,
                stdout=log,
                stderr=log,
            )
        while self._banners() == banners:
            if self.process.poll() is not None or time.monotonic() - started > timeout:
                raise RuntimeError("zhuchka dev did not come up:\n" + self.log.read_text()[-3000:])
            time.sleep(0.1)
        return time.monotonic() - started

    def stop(self) -> int:
        """Ctrl-C, as a person would; returns the exit code."""
        assert self.process is not None
        self.process.send_signal(signal.SIGINT)
        return self.process.wait(timeout=60)

    def settings(self, **overrides: object) -> Settings:
        """Settings that reach this stack's servers (from the `stack.env` it writes)."""
        return Settings.model_validate(read_env_file(self.data_dir / STACK_ENV) | overrides)

    def demo_password(self) -> str:
        """The demo accounts' password, as this stack made it in its data folder."""
        return demo_password_file(self.data_dir).read_text().strip()

    def pid(self, name: str) -> int | None:
        """The pid in `pids/<name>.pid` (postgres, redis, temporal, worker, api; dev)."""
        return read_pid(pid_file(self.data_dir, name))

    def _banners(self) -> int:
        return self.log.read_text().count("is up") if self.log.exists() else 0
