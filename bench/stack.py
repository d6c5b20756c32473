"""A private copy of the whole stack for a benchmark run: `zhuchka dev` in a temporary folder
on free ports, so a run never touches `.zhuchka/` or a stack already running."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from zhuchka.devstack.ports import free_port
from zhuchka.settings import Settings


@dataclass(frozen=True)
class RunningStack:
    api_url: str
    settings: Settings


@contextmanager
def private_stack() -> Iterator[RunningStack]:
    with tempfile.TemporaryDirectory(prefix="zhuchka-bench-") as folder:
        data = Path(folder) / "data"
        ports = {
            name: str(free_port())
            for name in (
                "EMBEDDED_POSTGRES_PORT",
                "EMBEDDED_REDIS_PORT",
                "EMBEDDED_TEMPORAL_PORT",
                "EMBEDDED_TEMPORAL_UI_PORT",
                "API_PORT",
                "WORKER_METRICS_PORT",
            )
        }
        external = ("POSTGRES_", "REDIS_", "TEMPORAL_ADDRESS")
        env = {k: v for k, v in os.environ.items() if not k.startswith(external)}
        env |= {
            "ZHUCHKA_DATA_DIR": str(data),
            "LOG_FORMAT": "json",
            "LOG_LEVEL": "WARNING",
            **ports,
        }
        log_path = Path(folder) / "dev.log"
        with log_path.open("wb") as log:
            process = subprocess.Popen(
                [sys.executable, "-m", "zhuchka", "dev"], env=env, stdout=log, stderr=log
            )
        try:
            deadline = time.monotonic() + 120
            while "is up" not in log_path.read_text():
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("the stack did not start:\n" + log_path.read_text()[-3000:])
                time.sleep(0.2)
            stack_env = dict(
                line.split("=", 1) for line in (data / "stack.env").read_text().splitlines()
            )
            settings = Settings.model_validate(
                {**stack_env, "POSTGRES_POOL_SIZE": 40, "POSTGRES_MAX_OVERFLOW": 0}
            )
            yield RunningStack(f"http://127.0.0.1:{ports['API_PORT']}", settings)
        finally:
            process.send_signal(signal.SIGINT)
            process.wait(timeout=60)
