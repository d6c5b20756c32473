"""The restore drill, on a whole private stack (`zhuchka dev`): orders at several stages, one
waiting for a purchase order; `zhuchka backup`; a change the backup does not hold; the data
folder deleted (the lost disk); `zhuchka restore`; the stack started again. Every order goes on
from where the backup found it and completes, and the books agree with the ledger."""

from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from bench.order_throughput import passing_completion, passing_inspections
from tests.support import days_ahead
from zhuchka.backups import backups as list_backups
from zhuchka.devstack.private_stack import PrivateStack

Order = dict[str, Any]


class Floor:
    """The stack's API as the demo admin (who may do every part of the work)."""

    def __init__(self, api: httpx.AsyncClient) -> None:
        self.api = api

    @classmethod
    async def signed_in(cls, stack: PrivateStack) -> Floor:
        api = httpx.AsyncClient(base_url=stack.api_url, timeout=30)
        signed_in = await api.post(
            "/api/user/sign-in",
            data={"username": "admin@zhuchka.example", "password": stack.demo_password()},
        )
        signed_in.raise_for_status()
        api.headers["Authorization"] = f"Bearer {signed_in.json()['access_token']}"
        return cls(api)

    async def order(self, quantity: int, customer: str) -> Order:
        body = {
            "product_sku": "KB-65-HS",
            "quantity": quantity,
            "customer": customer,
            "due_date": days_ahead(60),
        }
        created = await self.api.post("/api/production/orders", json=body)
        assert created.status_code == 201, created.text
        return dict(created.json())

    async def get(self, order: Order) -> Order:
        found = await self.api.get(f"/api/production/orders/{order['id']}")
        assert found.status_code == 200, found.text
        return dict(found.json())

    async def until(
        self, order: Order, check: Callable[[Order], Any], seconds: float = 60
    ) -> Order:
        async with asyncio.timeout(seconds):
            while not check(current := await self.get(order)):
                await asyncio.sleep(0.2)
        return current

    async def complete(self, order: Order, stage: str) -> None:
        checklists = await passing_inspections(self.api)
        url = f"/api/production/orders/{order['id']}/stages/{stage}/complete"
        done = await self.api.post(url, json=passing_completion(stage, checklists, "drill"))
        assert done.status_code == 200, done.text

    async def finish(self, order: Order) -> Order:
        """Complete every stage from where the order is, receiving what it waits for."""
        async with asyncio.timeout(120):
            while (current := await self.get(order))["status"] != "completed":
                stage = current["stage"]
                if current["waiting_for_stock"]:
                    await self.receive(current)
                elif stage in ("design", "assembly", "testing", "qc", "shipping"):
                    await self.complete(order, stage)
                    await self.until(order, lambda o: bool(o["stage"] != current["stage"]))
                await asyncio.sleep(0.2)  # procurement moves on by itself
        return current

    async def receive(self, order: Order) -> None:
        """The buyer sends and confirms the purchase orders the order waits for, the
        storekeeper receives them in full."""
        for po_id in {po["id"] for po in order["purchase_orders"]}:
            url = f"/api/purchasing/purchase-orders/{po_id}"
            found = (await self.api.get(url)).json()
            for step, before in (("send", "draft"), ("confirm", "sent")):
                if found["status"] == before:
                    (await self.api.post(f"{url}/{step}")).raise_for_status()
                    found = (await self.api.get(url)).json()
            if found["status"] != "confirmed":
                continue  # received (or being received) already
            lines = [
                {"item_id": ln["item_id"], "quantity": ln["quantity"]} for ln in found["lines"]
            ]
            body = {"lines": lines, "reference": f"DN-{found['number']}"}
            (await self.api.post(f"{url}/receive", json=body)).raise_for_status()


def _zhuchka(stack: PrivateStack, backups: Path, *args: str) -> str:
    env = stack.env | {"BACKUP_DIR": str(backups)}
    done = subprocess.run(
        [sys.executable, "-m", "zhuchka", *args],
        env=env,
        cwd=stack.log.parent,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


async def _before_the_backup(stack: PrivateStack) -> dict[str, Order]:
    floor = await Floor.signed_in(stack)
    at_design = await floor.order(1, "Design")
    at_assembly = await floor.order(1, "Assembly")
    waiting = await floor.order(40, "Waiting")  # more than the demo stock: a purchase order
    await floor.until(at_design, lambda o: o["stage"] == "design")
    await floor.until(at_assembly, lambda o: o["stage"] == "design")
    await floor.complete(at_assembly, "design")
    await floor.until(at_assembly, lambda o: o["stage"] == "assembly")
    await floor.until(waiting, lambda o: o["stage"] == "design")
    await floor.complete(waiting, "design")
    await floor.until(waiting, lambda o: o["waiting_for_stock"] and o["purchase_orders"])
    await floor.api.aclose()
    return {"design": at_design, "assembly": at_assembly, "waiting": waiting}


async def _after_the_backup(stack: PrivateStack, orders: dict[str, Order]) -> None:
    """A change the backup does not hold: lost with the disk."""
    floor = await Floor.signed_in(stack)
    await floor.complete(orders["assembly"], "assembly")
    await floor.until(orders["assembly"], lambda o: o["stage"] == "testing")
    await floor.api.aclose()


async def _after_the_restore(stack: PrivateStack, orders: dict[str, Order]) -> None:
    floor = await Floor.signed_in(stack)
    found = {name: await floor.get(order) for name, order in orders.items()}
    assert found["design"]["stage"] == "design"
    assert found["assembly"]["stage"] == "assembly"  # as backed up: testing came after
    assert found["waiting"]["waiting_for_stock"]
    finished = [await floor.finish(order) for order in orders.values()]
    assert [o["status"] for o in finished] == ["completed"] * 3
    await floor.api.aclose()


def test_the_stack_comes_back_from_a_backup_after_its_data_is_lost(tmp_path: Path) -> None:
    (tmp_path / "stack").mkdir()
    stack = PrivateStack(tmp_path / "stack", log_level="WARNING")
    backups = tmp_path / "backups"  # elsewhere than the data: another disk
    stack.start()
    try:
        orders = asyncio.run(_before_the_backup(stack))
        said = _zhuchka(stack, backups, "backup")
        assert "backed up to" in said
        asyncio.run(_after_the_backup(stack, orders))
    finally:
        assert stack.stop() == 0
    [backup] = list_backups(backups)
    manifest = json.loads((backup / "manifest.json").read_text())
    assert set(manifest["files"]) == {"app.dump", "temporal.db"}
    assert backup.stat().st_mode & 0o777 == 0o700  # password hashes inside: the owner's only
    assert {f.stat().st_mode & 0o777 for f in backup.iterdir()} == {0o600}

    shutil.rmtree(stack.data_dir)  # the lost disk
    assert f"restored {backup} in" in _zhuchka(stack, backups, "restore")
    stack.start()
    try:
        asyncio.run(_after_the_restore(stack, orders))
        assert "stock consistent" in _zhuchka(stack, backups, "check-stock")
    finally:
        assert stack.stop() == 0
