"""`make run` is `zhuchka dev`: on a machine with nothing running, it brings up PostgreSQL,
Redis, Temporal (with its UI), the worker and the API, seeded; Ctrl-C stops it all; the
second start finds the data again."""

from __future__ import annotations

import re
import time
from pathlib import Path

import httpx
import pytest

from tests.support import token_in
from zhuchka.demo_data import DEMO_PASSWORD
from zhuchka.devstack.ports import is_listening
from zhuchka.devstack.private_stack import PrivateStack


@pytest.fixture
def dev(tmp_path: Path) -> PrivateStack:
    return PrivateStack(tmp_path)


def _sign_in(api: str, email: str, password: str) -> dict[str, str]:
    response = httpx.post(
        f"{api}/api/user/sign-in", data={"username": email, "password": password}, timeout=10
    )
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def _mail_to(api: str, email: str) -> str:
    deadline = time.monotonic() + 30
    while not (messages := httpx.get(f"{api}/api/dev/mail", params={"to": email}).json()):
        assert time.monotonic() < deadline, "no mail arrived"
        time.sleep(0.2)
    return str(messages[0]["body"])


def test_one_command_brings_up_the_stack_and_ctrl_c_stops_it(dev: PrivateStack) -> None:
    first_start = dev.start()
    api = dev.api_url
    try:
        banner = dev.log.read_text()
        assert f"{api}/api/docs" in banner
        assert dev.temporal_ui_url in banner
        assert f"{api}/api/dev/mail" in banner
        assert DEMO_PASSWORD in banner
        deep = httpx.get(f"{api}/api/health/deep", timeout=10).json()
        assert {name: check["status"] for name, check in deep["checks"].items()} == {
            "database": "ok",
            "redis": "ok",
            "temporal": "ok",
            "stock": "ok",
        }
        assert httpx.get(dev.temporal_ui_url, timeout=10).status_code == 200
        assert httpx.get(f"{api}/api/production/products", timeout=10).status_code == 401

        planner = _sign_in(api, "planner@zhuchka.example", DEMO_PASSWORD)
        products = httpx.get(f"{api}/api/production/products", headers=planner, timeout=10)
        assert [p["sku"] for p in products.json()] == ["KB-65-HS", "KB-65-SOL"]
        order = httpx.post(
            f"{api}/api/production/orders",
            json={
                "product_sku": "KB-65-HS",
                "quantity": 1,
                "customer": "A",
                "due_date": "2026-12-31",
            },
            headers=planner,
            timeout=20,
        ).json()
        done = httpx.post(
            f"{api}/api/production/orders/{order['id']}/stages/design/complete",
            json={"notes": "standard layout"},
            headers=planner,
            timeout=20,
        )
        assert done.status_code == 200
        assert done.json()["stages"][0]["completed_by"] == "planner@zhuchka.example"

        # A new person signs up, reads the confirmation in the outbox, confirms, signs in.
        email, password = "new.person@zhuchka.example", "Keyswitch-lube-42"
        signed_up = httpx.post(
            f"{api}/api/user/sign-up", json={"email": email, "password": password}, timeout=20
        )
        assert signed_up.status_code == 201, signed_up.text
        token = token_in(_mail_to(api, email))
        confirmed = httpx.post(f"{api}/api/user/email/confirm", json={"token": token})
        assert confirmed.json()["email_confirmed_at"] is not None
        viewer = _sign_in(api, email, password)
        assert httpx.get(f"{api}/api/production/orders", headers=viewer).status_code == 200
        forbidden = httpx.post(f"{api}/api/production/orders", json={}, headers=viewer)
        assert forbidden.status_code == 403
        assert httpx.post(f"{api}/api/user/sign-out", headers=viewer).status_code == 204
        assert httpx.get(f"{api}/api/production/orders", headers=viewer).status_code == 401
    finally:
        assert dev.stop() == 0
    for name, port in dev.ports.items():
        assert not is_listening("127.0.0.1", port), f"{name} still open after Ctrl-C"

    second_start = dev.start()
    try:
        planner = _sign_in(api, "planner@zhuchka.example", DEMO_PASSWORD)
        again = httpx.get(f"{api}/api/production/orders/{order['id']}", headers=planner).json()
        assert again["number"] == order["number"]
        assert again["stage"] in ("procurement", "assembly")
        assert len(httpx.get(f"{api}/api/inventory/warehouses", headers=planner).json()) == 1
    finally:
        assert dev.stop() == 0
    assert re.search(r"is up \(\d+\.\d+s\)", dev.log.read_text())
    assert second_start < max(first_start, 10.0)
