"""`make run` is `zhuchka dev`: on a machine with nothing running, it brings up PostgreSQL,
Redis, Temporal (with its UI), the worker and the API, seeded; whatever of it dies comes back;
Ctrl-C stops it all; the second start finds the data again.

Nothing here is timed (how long a start takes is `make bench`): the waits are generous."""

from __future__ import annotations

import json
import os
import signal
import stat
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest

from core.stack_state import pid_alive, pids_dir
from tests.support import days_ahead, token_in
from zhuchka.devstack.ports import is_listening
from zhuchka.devstack.private_stack import PrivateStack

CHILDREN = ("postgres", "redis", "temporal", "worker", "api")
PATIENCE = 240.0  # seconds: a busy 2-core machine restarting everything at once

T = TypeVar("T")


@pytest.fixture
def dev(tmp_path: Path) -> PrivateStack:
    return PrivateStack(tmp_path)


def _sign_in(api: str, email: str, password: str) -> dict[str, str]:
    response = httpx.post(
        f"{api}/api/user/sign-in", data={"username": email, "password": password}, timeout=20
    )
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def _eventually(dev: PrivateStack, what: str, check: Callable[[], T | None]) -> T:
    """`check()`'s first truthy answer; fails (with the stack's log) only after PATIENCE."""
    deadline = time.monotonic() + PATIENCE
    while True:
        try:
            found = check()
        except httpx.HTTPError:
            found = None
        if found:
            return found
        if time.monotonic() > deadline:
            pytest.fail(f"{what}: not after {PATIENCE:.0f}s\n{dev.log.read_text()[-4000:]}")
        time.sleep(0.5)


def _mail_to(dev: PrivateStack, email: str, admin: dict[str, str]) -> str:
    """The newest message to `email` in the outbox, read as an admin."""

    def found() -> str | None:
        messages = httpx.get(
            f"{dev.api_url}/api/dev/mail", params={"to": email}, headers=admin, timeout=20
        ).json()
        return str(messages[0]["body"]) if messages else None

    return _eventually(dev, f"a mail to {email}", found)


def _take_an_order(api: str, planner: dict[str, str]) -> dict[str, str]:
    response = httpx.post(
        f"{api}/api/production/orders",
        json={
            "product_sku": "KB-65-HS",
            "quantity": 1,
            "customer": "A",
            "due_date": days_ahead(30),
        },
        headers=planner,
        timeout=30,
    )
    assert response.status_code == 201, response.text
    order: dict[str, str] = response.json()
    return order


def test_one_command_brings_up_the_stack_and_ctrl_c_stops_it(dev: PrivateStack) -> None:
    dev.start()
    api = dev.api_url
    try:
        banner = dev.log.read_text()
        assert f"{api}/api/docs" in banner
        assert dev.temporal_ui_url in banner
        assert f"{api}/api/dev/mail" in banner

        # The demo password: random, made for this data folder, kept there for its owner only,
        # and printed with the file it is kept in. No published one works.
        password = dev.demo_password()
        kept = dev.data_dir / "demo-password"
        assert len(password) >= 16
        assert stat.S_IMODE(kept.stat().st_mode) == 0o600
        assert f"password: {password}" in banner
        assert str(kept) in banner
        assert "Zhuchka-demo-2026" not in banner
        refused = httpx.post(
            f"{api}/api/user/sign-in",
            data={"username": "planner@zhuchka.example", "password": "Zhuchka-demo-2026"},
            timeout=20,
        )
        assert refused.status_code == 401

        # The pid files, and the promise that other shells need nothing sourced.
        assert f"{pids_dir(dev.data_dir)}/" in banner
        assert "no sourcing" in banner
        for name in CHILDREN:
            pid = dev.pid(name)
            assert pid is not None, f"no pid file for {name}"
            assert pid_alive(pid), f"{name}'s pid file names no running process"

        assert httpx.get(dev.temporal_ui_url, timeout=20).status_code == 200
        assert httpx.get(f"{api}/api/production/products", timeout=20).status_code == 401
        planner = _sign_in(api, "planner@zhuchka.example", password)
        admin = _sign_in(api, "admin@zhuchka.example", password)
        deep = httpx.get(f"{api}/api/health/deep", headers=admin, timeout=20).json()
        assert {name: check["status"] for name, check in deep["checks"].items()} == {
            "database": "ok",
            "redis": "ok",
            "temporal": "ok",
            "stock": "ok",
        }
        products = httpx.get(f"{api}/api/production/products", headers=planner, timeout=20)
        assert [p["sku"] for p in products.json()] == ["KB-65-HS", "KB-65-SOL"]
        order = _take_an_order(api, planner)
        done = httpx.post(
            f"{api}/api/production/orders/{order['id']}/stages/design/complete",
            json={"notes": "standard layout"},
            headers=planner,
            timeout=30,
        )
        assert done.status_code == 200
        assert done.json()["stages"][0]["completed_by"] == "planner@zhuchka.example"

        # A new person signs up, the admin reads the confirmation in the outbox, the person
        # confirms and signs in.
        email, new_password = "new.person@zhuchka.example", "Keyswitch-lube-42"
        signed_up = httpx.post(
            f"{api}/api/user/sign-up", json={"email": email, "password": new_password}, timeout=30
        )
        assert signed_up.status_code in (201, 202), signed_up.text
        token = token_in(_mail_to(dev, email, admin))
        confirmed = httpx.post(
            f"{api}/api/user/email/confirm",
            json={"token": token, "password": new_password},
            timeout=20,
        )
        assert confirmed.json()["email_confirmed_at"] is not None
        viewer = _sign_in(api, email, new_password)
        assert httpx.get(f"{api}/api/production/orders", headers=viewer).status_code == 200
        forbidden = httpx.post(f"{api}/api/production/orders", json={}, headers=viewer)
        assert forbidden.status_code == 403
        assert httpx.post(f"{api}/api/user/sign-out", headers=viewer).status_code == 204
        assert httpx.get(f"{api}/api/production/orders", headers=viewer).status_code == 401
    finally:
        assert dev.stop() == 0
    for name, port in dev.ports.items():
        assert not is_listening("127.0.0.1", port), f"{name} still open after Ctrl-C"
    assert list(pids_dir(dev.data_dir).glob("*.pid")) == [], "pid files outlive the stack"
    assert not (dev.data_dir / "stack.env").exists()

    # A folder whose demo accounts were made with a password that is no longer kept (as in a
    # folder of the versions that published theirs): the next start makes a new one, and the
    # demo accounts take it.
    kept.unlink()
    dev.start()
    try:
        assert dev.demo_password() != password
        stale = httpx.post(
            f"{api}/api/user/sign-in",
            data={"username": "planner@zhuchka.example", "password": password},
            timeout=20,
        )
        assert stale.status_code == 401
        password = dev.demo_password()
        assert f"password: {password}" in dev.log.read_text()
        planner = _sign_in(api, "planner@zhuchka.example", password)
        again = httpx.get(f"{api}/api/production/orders/{order['id']}", headers=planner).json()
        assert again["number"] == order["number"]
        assert again["stage"] in ("procurement", "assembly")
        assert len(httpx.get(f"{api}/api/inventory/warehouses", headers=planner).json()) == 1
    finally:
        assert dev.stop() == 0
    assert dev.log.read_text().count("is up (") == 2


def test_whatever_dies_comes_back_and_the_rest_is_left_alone(dev: PrivateStack) -> None:
    dev.start()
    api = dev.api_url
    try:
        before = {name: dev.pid(name) for name in CHILDREN}
        assert all(before.values()), before
        # PostgreSQL's postmaster (daemonised by pg_ctl, no child of the supervisor), Redis, the
        # Temporal server and the worker, all at once.
        killed = ("postgres", "redis", "temporal", "worker")
        for name in killed:
            pid = before[name]
            assert pid is not None
            os.kill(pid, signal.SIGKILL)

        for name in killed:

            def back(name: str = name) -> int | None:
                pid = dev.pid(name)
                return pid if pid and pid != before[name] and pid_alive(pid) else None

            _eventually(dev, f"{name} running again", back)
        _eventually(dev, "ready again", lambda: _ready(api))
        assert dev.pid("api") == before["api"], "the healthy API was restarted"
        exited = {e["child"]: e["status"] for e in _log_events(dev, "child.exited")}
        restarted = {e["child"] for e in _log_events(dev, "child.restarted")}
        assert set(killed) <= set(exited), exited
        assert exited["redis"] == "killed by SIGKILL"
        assert set(killed) <= restarted

        # An order still goes through: the database, Temporal and the worker all work.
        planner = _sign_in(api, "planner@zhuchka.example", dev.demo_password())
        order = _take_an_order(api, planner)
        done = httpx.post(
            f"{api}/api/production/orders/{order['id']}/stages/design/complete",
            json={},
            headers=planner,
            timeout=30,
        )
        assert done.status_code == 200, done.text
        _eventually(
            dev,
            "the order at assembly",
            lambda: (
                httpx.get(
                    f"{api}/api/production/orders/{order['id']}", headers=planner, timeout=20
                ).json()["stage"]
                == "assembly"
            ),
        )

        # The API too.
        api_pid = before["api"]
        assert api_pid is not None
        os.kill(api_pid, signal.SIGKILL)
        _eventually(dev, "a new API", lambda: dev.pid("api") not in (None, api_pid))
        _eventually(dev, "ready again after the API", lambda: _ready(api))
    finally:
        assert dev.stop() == 0
    for name, port in dev.ports.items():
        assert not is_listening("127.0.0.1", port), f"{name} still open after Ctrl-C"


def _log_events(dev: PrivateStack, event: str) -> list[dict[str, Any]]:
    """The supervisor's log lines (JSON) about `event`."""
    found = []
    for line in dev.log.read_text().splitlines():
        if line.startswith("{") and f'"{event}"' in line:
            entry = json.loads(line)
            if entry.get("event") == event:
                found.append(entry)
    return found


def _ready(api: str) -> bool:
    return httpx.get(f"{api}/api/health/readiness", timeout=20).status_code == 200


def test_two_workers_and_two_api_processes_share_the_work(tmp_path: Path) -> None:
    """`zhuchka dev --workers 2 --api-replicas 2`: both APIs answer on the one port, orders
    taken through them run to their end on either worker, and Ctrl-C stops all four."""
    dev = PrivateStack(tmp_path, workers=2, api_replicas=2)
    dev.start()
    try:
        replicas = ("worker", "worker-2", "api", "api-2")
        pids = {name: dev.pid(name) for name in replicas}
        assert all(pid is not None and pid_alive(pid) for pid in pids.values()), pids
        assert pids["worker"] != pids["worker-2"]
        assert pids["api"] != pids["api-2"]
        planner = _sign_in(dev.api_url, "planner@zhuchka.example", dev.demo_password())
        taken = [_take_an_order(dev.api_url, planner) for _ in range(6)]  # new connection each
        for order in taken:  # design done: a worker runs procurement (reserves, or buys)
            done = httpx.post(
                f"{dev.api_url}/api/production/orders/{order['id']}/stages/design/complete",
                json={"worker": "Pavel Orlov"},
                headers=planner,
                timeout=30,
            )
            assert done.status_code == 200, done.text

            def procured(order_id: str = order["id"]) -> bool:
                url = f"{dev.api_url}/api/production/orders/{order_id}"
                now = httpx.get(url, headers=planner, timeout=20).json()
                return now["stage"] == "assembly" or bool(now["purchase_orders"])

            _eventually(dev, f"order {order['number']} reserved or bought for", procured)
    finally:
        assert dev.stop() == 0
    assert not any(pid_alive(pid) for pid in pids.values() if pid is not None)
