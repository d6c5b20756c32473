"""`make run` is `zhuchka dev`: on a machine with nothing running, it brings up PostgreSQL,
Redis, Temporal (with its UI), the worker and the API, seeded; Ctrl-C stops it all; the
second start finds the data again."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from zhuchka.devstack.ports import free_port, is_listening

EXTERNAL = {
    "POSTGRES_HOST",
    "POSTGRES_PORT",
    "POSTGRES_USER",
    "POSTGRES_PASSWORD",
    "POSTGRES_DB",
    "REDIS_HOST",
    "REDIS_PORT",
    "TEMPORAL_ADDRESS",
}


class DevStack:
    def __init__(self, data_dir: Path) -> None:
        self.ports = {
            name: free_port()
            for name in (
                "EMBEDDED_POSTGRES_PORT",
                "EMBEDDED_REDIS_PORT",
                "EMBEDDED_TEMPORAL_PORT",
                "EMBEDDED_TEMPORAL_UI_PORT",
                "API_PORT",
                "WORKER_METRICS_PORT",
            )
        }
        self.env = {k: v for k, v in os.environ.items() if k not in EXTERNAL} | {
            "ZHUCHKA_DATA_DIR": str(data_dir),
            "LOG_FORMAT": "json",
            **{k: str(v) for k, v in self.ports.items()},
        }
        self.api = f"http://127.0.0.1:{self.ports['API_PORT']}"
        self.log = data_dir.parent / "dev.log"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> float:
        started = time.monotonic()
        ups = self._ups()
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "zhuchka", "dev"], env=self.env, stdout=log, stderr=log
            )
        deadline = started + 120
        while self._ups() == ups:
            assert self.process.poll() is None, self.log.read_text()[-3000:]
            assert time.monotonic() < deadline, "zhuchka dev did not come up"
            time.sleep(0.2)
        return time.monotonic() - started

    def _ups(self) -> int:
        return self.log.read_text().count("is up") if self.log.exists() else 0

    def stop(self) -> int:
        assert self.process is not None
        self.process.send_signal(signal.SIGINT)
        return self.process.wait(timeout=60)


@pytest.fixture
def dev(tmp_path: Path) -> DevStack:
    return DevStack(tmp_path / "data")


def test_one_command_brings_up_the_stack_and_ctrl_c_stops_it(dev: DevStack) -> None:
    first_start = dev.start()
    try:
        banner = dev.log.read_text()
        assert f"{dev.api}/api/docs" in banner
        assert f"http://127.0.0.1:{dev.ports['EMBEDDED_TEMPORAL_UI_PORT']}" in banner
        deep = httpx.get(f"{dev.api}/api/health/deep", timeout=10).json()
        assert {name: check["status"] for name, check in deep["checks"].items()} == {
            "database": "ok",
            "redis": "ok",
            "temporal": "ok",
        }
        ui = httpx.get(f"http://127.0.0.1:{dev.ports['EMBEDDED_TEMPORAL_UI_PORT']}", timeout=10)
        assert ui.status_code == 200
        products = httpx.get(f"{dev.api}/api/production/products", timeout=10).json()
        assert [p["sku"] for p in products] == ["KB-65-HS", "KB-65-SOL"]
        order = httpx.post(
            f"{dev.api}/api/production/orders",
            json={
                "product_sku": "KB-65-HS",
                "quantity": 1,
                "customer": "A",
                "due_date": "2026-12-31",
            },
            timeout=20,
        ).json()
        done = httpx.post(
            f"{dev.api}/api/production/orders/{order['id']}/stages/design/complete",
            json={"worker": "Oleg"},
            timeout=20,
        )
        assert done.status_code == 200
    finally:
        assert dev.stop() == 0
    for name in (
        "EMBEDDED_POSTGRES_PORT",
        "EMBEDDED_REDIS_PORT",
        "EMBEDDED_TEMPORAL_PORT",
        "API_PORT",
    ):
        assert not is_listening("127.0.0.1", dev.ports[name]), f"{name} still open after Ctrl-C"

    second_start = dev.start()
    try:
        again = httpx.get(f"{dev.api}/api/production/orders/{order['id']}", timeout=10).json()
        assert again["number"] == order["number"]
        assert again["stage"] in ("procurement", "assembly")
        assert len(httpx.get(f"{dev.api}/api/inventory/warehouses", timeout=10).json()) == 1
    finally:
        assert dev.stop() == 0
    assert re.search(r"is up \(\d+\.\d+s\)", dev.log.read_text())
    assert second_start < max(first_start, 10.0)
