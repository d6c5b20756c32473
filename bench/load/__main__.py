"""`make load`: the whole API under a workshop's morning (bench/load/locustfile.py) on a
private stack — 50 simulated people for 60 s by default. Prints requests per second, p50, p95
and p99 per endpoint and the failures, and exits non-zero on any failure."""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from bench.order_throughput import _stock_up, passing_inspections
from bench.stack import RunningStack, private_stack

ROLES = ("planner", "floor_worker", "inspector", "storekeeper")
LOCUSTFILE = Path(__file__).resolve().parent / "locustfile.py"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    args = parser.parse_args()
    with private_stack() as stack, tempfile.TemporaryDirectory(prefix="zhuchka-load-") as folder:
        world = Path(folder) / "world.json"
        world.write_text(json.dumps(asyncio.run(_prepare(stack, args.users))))
        results = Path(folder) / "results"
        command = [sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--headless"]
        command += ["--users", str(args.users), "--spawn-rate", str(max(1, args.users // 5))]
        command += ["--run-time", f"{args.seconds}s", "--host", stack.api_url]
        command += ["--csv", str(results), "--only-summary", "--loglevel", "WARNING"]
        log = Path(folder) / "locust.log"
        with log.open("wb") as output:
            env = os.environ | {"LOAD_WORLD": str(world)}
            subprocess.run(command, env=env, stdout=output, stderr=output, check=False)
        failures = _report(results, args.users, args.seconds)
        if failures:
            print(log.read_text()[-4000:])
    sys.exit(1 if failures else 0)


async def _prepare(stack: RunningStack, users: int) -> dict[str, Any]:
    """Accounts signed in once per role, stock for every order the stations may take, a
    worker per station, and a board with orders on it."""
    tokens = {}
    async with stack.client() as api:
        for role in ROLES:
            signed_in = await api.post(
                "/api/user/sign-in",
                data={"username": f"{role}@zhuchka.example", "password": stack.demo_password},
            )
            signed_in.raise_for_status()
            tokens[role] = signed_in.json()["access_token"]
        await _stock_up(api, 40 * users)
        checklists = await passing_inspections(api)
        workers = []
        for n in range(users):
            created = await api.post(
                "/api/production/workers",
                json={"name": f"Station {n + 1}", "skills": [{"stage": "assembly", "level": 3}]},
            )
            created.raise_for_status()
            workers.append(created.json()["id"])
        orders = []
        for _ in range(20):
            created = await api.post(
                "/api/production/orders",
                json={
                    "product_sku": "KB-65-HS",
                    "quantity": 1,
                    "customer": "on the board",
                    "due_date": "2030-01-01",
                },
            )
            created.raise_for_status()
            orders.append(created.json()["id"])
        items = (await api.get("/api/inventory/items", params={"size": 200})).json()["items"]
        warehouse = (await api.get("/api/inventory/warehouses")).json()[0]["id"]
    return {
        "tokens": tokens,
        "checklists": checklists,
        "workers": workers,
        "order_ids": orders,
        "item_ids": [i["id"] for i in items if i["item_type"] == "COMPONENT"],
        "warehouse_id": warehouse,
    }


def _report(results: Path, users: int, seconds: int) -> int:
    with Path(f"{results}_stats.csv").open() as stats:
        rows = list(csv.DictReader(stats))
    print(f"\nThe API under a morning's mix ({users} people, {seconds} s, one API process)")
    print(f"  {'endpoint':<44}{'requests':>9}{'fail':>6}{'req/s':>8}{'p50':>7}{'p95':>7}{'p99':>7}")
    for row in sorted(rows, key=lambda r: r["Name"] == "Aggregated"):
        name = f"{row['Type']} {row['Name']}" if row["Name"] != "Aggregated" else "all"
        print(
            f"  {name[:43]:<44}{row['Request Count']:>9}{row['Failure Count']:>6}"
            f"{float(row['Requests/s']):8.1f}{row['50%']:>7}{row['95%']:>7}{row['99%']:>7}"
        )
    print("  (milliseconds)")
    failures = sum(int(r["Failure Count"]) for r in rows if r["Name"] != "Aggregated")
    with Path(f"{results}_failures.csv").open() as failed:
        for failure in csv.DictReader(failed):
            print(f"  FAILED {failure['Method']} {failure['Name']}: {failure['Error']}")
    with Path(f"{results}_exceptions.csv").open() as raised:  # in the simulated people's code
        for exception in csv.DictReader(raised):
            failures += int(exception["Count"])
            print(f"  RAISED {exception['Count']} x {exception['Message']}")
    return failures


main()
