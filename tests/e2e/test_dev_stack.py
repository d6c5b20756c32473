"""`make run` is `zhuchka dev`: on a machine with nothing running, it brings up PostgreSQL,
Redis, Temporal (with its UI), the worker and the API, seeded; Ctrl-C stops it all; the
second start finds the data again."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest

from zhuchka.devstack.ports import is_listening
from zhuchka.devstack.private_stack import PrivateStack


@pytest.fixture
def dev(tmp_path: Path) -> PrivateStack:
    return PrivateStack(tmp_path)


def test_one_command_brings_up_the_stack_and_ctrl_c_stops_it(dev: PrivateStack) -> None:
    first_start = dev.start()
    try:
        banner = dev.log.read_text()
        assert f"{dev.api_url}/api/docs" in banner
        assert dev.temporal_ui_url in banner
        deep = httpx.get(f"{dev.api_url}/api/health/deep", timeout=10).json()
        assert {name: check["status"] for name, check in deep["checks"].items()} == {
            "database": "ok",
            "redis": "ok",
            "temporal": "ok",
        }
        assert httpx.get(dev.temporal_ui_url, timeout=10).status_code == 200
        products = httpx.get(f"{dev.api_url}/api/production/products", timeout=10).json()
        assert [p["sku"] for p in products] == ["KB-65-HS", "KB-65-SOL"]
        order = httpx.post(
            f"{dev.api_url}/api/production/orders",
            json={
                "product_sku": "KB-65-HS",
                "quantity": 1,
                "customer": "A",
                "due_date": "2026-12-31",
            },
            timeout=20,
        ).json()
        done = httpx.post(
            f"{dev.api_url}/api/production/orders/{order['id']}/stages/design/complete",
            json={"worker": "Oleg"},
            timeout=20,
        )
        assert done.status_code == 200
    finally:
        assert dev.stop() == 0
    for name, port in dev.ports.items():
        assert not is_listening("127.0.0.1", port), f"{name} still open after Ctrl-C"

    second_start = dev.start()
    try:
        again = httpx.get(f"{dev.api_url}/api/production/orders/{order['id']}", timeout=10).json()
        assert again["number"] == order["number"]
        assert again["stage"] in ("procurement", "assembly")
        assert len(httpx.get(f"{dev.api_url}/api/inventory/warehouses", timeout=10).json()) == 1
    finally:
        assert dev.stop() == 0
    assert re.search(r"is up \(\d+\.\d+s\)", dev.log.read_text())
    assert second_start < max(first_start, 10.0)
