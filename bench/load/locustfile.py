"""A workshop's morning against the running API (`make load`): planners and the owner watch
the board and open orders, floor workers take orders through their stages, storekeepers look
up and receive stock. Every request must succeed; `bench.load` starts the stack, prepares the
accounts and stock, runs this headless and prints the figures.

The prepared world comes from the JSON file named by LOAD_WORLD (tokens by role, ids)."""

from __future__ import annotations

import json
import os
import random
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from locust import FastHttpUser, between, task

WORLD: dict[str, Any] = json.loads(Path(os.environ["LOAD_WORLD"]).read_text())
ROUTE = ["design", "assembly", "testing", "qc", "shipping"]


def _bearer(role: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {WORLD['tokens'][role]}"}


class Planner(FastHttpUser):
    """Watches the board and the order pages; takes a new order now and then."""

    weight = 3
    wait_time = between(0.5, 2)

    def on_start(self) -> None:
        self.client.auth_header = _bearer("planner")["Authorization"]

    @task(6)
    def board(self) -> None:
        """What the board asks for: every open order, the earliest due first."""
        self.client.get(
            "/api/production/orders?open_only=true&limit=500&sort=due_date",
            name="/orders (the board)",
        )

    @task(2)
    def finished(self) -> None:
        status = random.choice(["completed", "cancelled"])
        self.client.get(
            f"/api/production/orders?status={status}&limit=25", name="/orders?status=[s]"
        )

    @task(4)
    def order_detail(self) -> None:
        ids = WORLD["order_ids"]
        self.client.get(f"/api/production/orders/{random.choice(ids)}", name="/orders/[id]")

    @task(2)
    def queue(self) -> None:
        stage = random.choice(["assembly", "testing", "qc", "shipping"])
        self.client.get(f"/api/production/queue?stage={stage}", name="/queue?stage=[s]")


class FloorWorker(FastHttpUser):
    """One station: takes its own order through every stage (start, then complete), reading
    its queue between steps, and starts the next order when one ships."""

    weight = 5
    wait_time = between(0.2, 1)

    def on_start(self) -> None:
        self.worker_id = WORLD["workers"].pop()
        self.order: dict[str, Any] | None = None
        self.at = 0

    def _take_an_order(self) -> None:
        with self.client.post(
            "/api/production/orders",
            json={
                "product_sku": "KB-65-HS",
                "quantity": 1,
                "customer": "morning rush",
                "due_date": (date.today() + timedelta(days=30)).isoformat(),
            },
            headers=_bearer("planner"),
            name="/orders",
        ) as created:
            self.order = created.json()
        self.at = 0

    @task(1)
    def read_queue(self) -> None:
        self.client.get(
            "/api/production/queue?stage=assembly",
            headers=_bearer("floor_worker"),
            name="/queue?stage=[s]",
        )

    @task(3)
    def next_step(self) -> None:
        if self.order is None or self.at == len(ROUTE):
            self._take_an_order()
        assert self.order is not None
        url = f"/api/production/orders/{self.order['id']}"
        stage = ROUTE[self.at]
        if stage == "assembly":
            current = self.client.get(url, headers=_bearer("floor_worker"), name="/orders/[id]")
            if current.json()["stage"] != "assembly":
                return  # procurement is still reserving: look again next time
            self.client.post(
                f"{url}/stages/assembly/start",
                json={"worker_id": self.worker_id},
                headers=_bearer("floor_worker"),
                name="/stages/[s]/start",
            )
        role = {"design": "planner", "qc": "inspector"}.get(stage, "floor_worker")
        body: dict[str, Any] = {"worker": "load"}
        if stage in WORLD["checklists"]:
            body["inspection"] = {"results": WORLD["checklists"][stage]}
        elif stage == "testing":
            body["passed"] = True
        self.client.post(
            f"{url}/stages/{stage}/complete",
            json=body,
            headers=_bearer(role),
            name="/stages/[s]/complete",
        )
        self.at += 1


class Storekeeper(FastHttpUser):
    """Looks up stock and receives deliveries."""

    weight = 2
    wait_time = between(0.5, 2)

    def on_start(self) -> None:
        self.client.auth_header = _bearer("storekeeper")["Authorization"]

    @task(5)
    def stock_lookup(self) -> None:
        self.client.get(
            f"/api/inventory/stock?item_id={random.choice(WORLD['item_ids'])}",
            name="/inventory/stock?item_id=[id]",
        )

    @task(2)
    def items(self) -> None:
        self.client.get("/api/inventory/items?size=50", name="/inventory/items")

    @task(1)
    def receive(self) -> None:
        self.client.post(
            "/api/inventory/move",
            json={
                "item_id": random.choice(WORLD["item_ids"]),
                "warehouse_id": WORLD["warehouse_id"],
                "quantity": 5,
                "reason": "delivery (load test)",
            },
            name="/inventory/move",
        )
