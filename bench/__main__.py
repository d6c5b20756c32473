"""`make bench`: order throughput and hot-item reservations on a private stack."""

from __future__ import annotations

import argparse
import asyncio
import json
import platform
from datetime import UTC, datetime
from pathlib import Path

from bench import order_throughput, reservations
from bench.stack import private_stack


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--orders", type=int, default=60)
    parser.add_argument("--order-concurrency", type=int, default=12)
    parser.add_argument("--reservations", type=int, default=2000)
    parser.add_argument("--reserve-concurrency", type=int, default=32)
    args = parser.parse_args()
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
    print(
        f"""
Order throughput ({orders["orders"]} orders, {orders["concurrency"]} at a time, each
{orders["activities"]} activities + {orders["updates"]} updates; same Temporal server)
  orders through the API       {orders["orders_per_s"]:8.2f} orders/s
  bare workflow, no database   {orders["bare_workflows_per_s"]:8.2f} workflows/s
  ratio                        {orders["ratio"]:8.2f}

Hot-item reservations ({hot["requests"]} requests, {hot["concurrency"]} concurrent)
  one conditional UPDATE       {hot["conditional_update_per_s"]:8.0f} /s  (baseline)
  reserve_exact (+ row)        {hot["reserve_per_s"]:8.0f} /s  ratio {hot["ratio_reserve"]:.2f}
  POST /api/inventory/reserve  {hot["api_reserve_per_s"]:8.0f} /s  ratio {hot["ratio_api"]:.2f}
  ({hot["api_refused"]} API requests refused with 409 once the stock ran out; none over-reserved)
"""
    )
    results = Path(__file__).resolve().parent / "results"
    results.mkdir(exist_ok=True)
    (results / "latest.json").write_text(
        json.dumps(
            {
                "at": datetime.now(UTC).isoformat(),
                "machine": f"{platform.machine()}, {platform.python_version()}",
                "orders": orders,
                "reservations": hot,
            },
            indent=2,
        )
    )


main()
