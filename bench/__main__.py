"""`make bench`: the start of `zhuchka dev`, order throughput and hot-item reservations, each on
private stacks (temporary folders, free ports)."""

from __future__ import annotations

import argparse
import asyncio
import json
import platform
import signal
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import (
    analytics_speed,
    backup_restore,
    board_render,
    dev_start,
    order_throughput,
    reservations,
    scale_out,
    stage_latency,
)
from bench.stack import private_stack


def main() -> None:
    # Stopped (a CI timeout, kill): leave through the `with` blocks, so that each private
    # stack is stopped and its folder removed, as after Ctrl-C.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--orders", type=int, default=60)
    parser.add_argument("--order-concurrency", type=int, default=12)
    parser.add_argument("--reservations", type=int, default=2000)
    parser.add_argument("--reserve-concurrency", type=int, default=32)
    parser.add_argument("--start-rounds", type=int, default=1, help="starts of each kind")
    parser.add_argument(
        "--only",
        choices=["start", "stack", "scale", "board", "analytics", "backup"],
        help="only the start, the running stack, the scale-out, the board's render, the "
        "analytics on a million ledger rows or their backup and restore",
    )
    args = parser.parse_args()
    measured: dict[str, Any] = {}
    if args.only in (None, "start"):
        measured["start"] = dev_start.measure(rounds=args.start_rounds)
        print(dev_start.report(measured["start"]))
    if args.only in (None, "stack"):
        measured |= _on_a_running_stack(args)
    if args.only in (None, "scale"):
        measured["scale_out"] = _scaled_out(args)
    if args.only in (None, "board"):
        with private_stack() as stack:
            measured["board"] = asyncio.run(board_render.measure(stack))
        print(board_render.report(measured["board"]))
    if args.only in (None, "analytics"):
        with private_stack() as stack:
            measured["analytics"] = asyncio.run(analytics_speed.measure(stack))
        print(analytics_speed.report(measured["analytics"]))
    if args.only in (None, "backup"):
        measured["backup"] = backup_restore.measure()
        print(backup_restore.report(measured["backup"]))
    results = Path(__file__).resolve().parent / "results"
    results.mkdir(exist_ok=True)
    (results / "latest.json").write_text(
        json.dumps(
            {
                "at": datetime.now(UTC).isoformat(),
                "machine": f"{platform.machine()}, {platform.python_version()}",
                **measured,
            },
            indent=2,
        )
    )


def _scaled_out(args: argparse.Namespace, workers: int = 2, apis: int = 2) -> dict[str, Any]:
    runs = {}
    for name, scale in (("single", (1, 1)), ("scaled", (workers, apis))):
        with private_stack(workers=scale[0], api_replicas=scale[1]) as stack:
            runs[name] = asyncio.run(
                scale_out.measure(stack, orders=args.orders, concurrency=args.order_concurrency)
            )
    print(scale_out.report(runs["single"], runs["scaled"], workers, apis))
    return runs


def _on_a_running_stack(args: argparse.Namespace) -> dict[str, Any]:
    with private_stack() as stack:
        orders = asyncio.run(
            order_throughput.measure(
                stack,
                orders=args.orders,
                concurrency=args.order_concurrency,
            )
        )
        hot = asyncio.run(
            reservations.measure(
                stack,
                requests=args.reservations,
                concurrency=args.reserve_concurrency,
            )
        )
    memory = orders["resident_mb"]
    minimal, same = orders["minimal_workflows_per_s"], orders["bare_workflows_per_s"]
    api_mb, worker_mb = memory.get("api", 0.0), memory.get("worker", 0.0)
    print(
        f"""
Order throughput ({orders["orders"]} orders, {orders["concurrency"]} at a time; bare workflows on
the same Temporal server, no database)
  orders through the API          {orders["orders_per_s"]:8.2f} orders/s
  minimal pipeline: 7 stages of one activity + one update
                                  {minimal:8.2f} workflows/s  ratio {orders["minimal_ratio"]:.2f}
  same shape as an order: {orders["activities"]} {orders["kind"]} + {orders["updates"]} updates
                                  {same:8.2f} workflows/s  ratio {orders["ratio"]:.2f}

{order_throughput.cpu_report(orders["cpu_ms_per_order"], orders["cpu_ms_per_minimal"])}

{stage_latency.report(orders["latency"])}

Resident memory after the runs: API {api_mb:.0f} MB, worker {worker_mb:.0f} MB

Hot-item reservations ({hot["requests"]} requests, {hot["concurrency"]} concurrent)
  one conditional UPDATE       {hot["conditional_update_per_s"]:8.0f} /s  (baseline)
  reserve_exact (+ row)        {hot["reserve_per_s"]:8.0f} /s  ratio {hot["ratio_reserve"]:.2f}
  POST /api/inventory/reserve  {hot["api_reserve_per_s"]:8.0f} /s  ratio {hot["ratio_api"]:.2f}
  ({hot["api_refused"]} API requests refused with 409 once the stock ran out; none over-reserved)
"""
    )
    return {"orders": orders, "reservations": hot}


main()
