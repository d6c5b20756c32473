"""The order board's first render in headless Chromium: from navigation to every card on screen,
with 500 open orders against the same page with 5 (a fresh browser context each round, so
nothing is cached). The orders are written straight into the projection table the board reads:
their workflows play no part in rendering, and 500 of them would only slow the setup."""

from __future__ import annotations

import json
import statistics
from typing import Any

import httpx
from playwright.async_api import async_playwright
from sqlalchemy import text

from bench.stack import RunningStack
from persistence.database import create_engine
from zhuchka.devstack.chromium import FLAGS, chromium_path

FEW, MANY = 5, 500
ROUNDS = 3
STAGES = ["design", "procurement", "assembly", "soldering", "testing", "qc", "shipping"]
PRIORITIES = ["LOW", "NORMAL", "HIGH", "URGENT"]
OPEN_ORDERS = text(
    """
    INSERT INTO orders (id, number, workflow_id, product_id, warehouse_id, quantity, customer,
                        priority, due_date, status, stage, rework_count, waiting_for_stock,
                        on_hold, at_risk, version)
    SELECT gen_random_uuid(), 'ZK-B' || lpad(n::text, 5, '0'), 'bench-' || n,
           p.id, w.id, 1 + n % 5, 'Customer ' || n,
           (CAST(:priorities AS text[]))[1 + n % 4], current_date + (n % 40), 'in_production',
           (CAST(:stages AS text[]))[1 + n % 7], n % 3, n % 11 = 0, n % 17 = 0, n % 13 = 0, 0
    FROM generate_series(CAST(:first AS integer), CAST(:last AS integer)) AS n,
         (SELECT id FROM products ORDER BY id LIMIT 1) AS p,
         (SELECT id FROM warehouses ORDER BY code LIMIT 1) AS w
    """
)


async def _open_orders(stack: RunningStack, first: int, last: int) -> None:
    engine = create_engine(stack.settings)
    try:
        async with engine.begin() as connection:
            await connection.execute(
                OPEN_ORDERS,
                {"first": first, "last": last, "stages": STAGES, "priorities": PRIORITIES},
            )
    finally:
        await engine.dispose()


def _tokens(stack: RunningStack) -> dict[str, str]:
    answer = httpx.post(
        f"{stack.api_url}/api/user/sign-in",
        data={"username": "viewer@zhuchka.example", "password": stack.demo_password},
    )
    answer.raise_for_status()
    return dict(answer.json())


async def _first_render(stack: RunningStack, cards: int) -> float:
    """Median milliseconds from navigation to `cards` cards on the board."""
    tokens = json.dumps(_tokens(stack))
    took: list[float] = []
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=chromium_path(), args=FLAGS)
        for _ in range(ROUNDS):
            context = await browser.new_context(viewport={"width": 1400, "height": 900})
            await context.add_init_script(
                f"localStorage.setItem('zhuchka.tokens', {json.dumps(tokens)})"
            )
            page = await context.new_page()
            await page.goto(f"{stack.api_url}/board")
            last = page.locator("[data-testid^=card-]").nth(cards - 1)
            await last.wait_for(state="attached", timeout=60_000)
            took.append(await page.evaluate("performance.now()"))
            await context.close()
        await browser.close()
    return statistics.median(took)


async def measure(stack: RunningStack) -> dict[str, Any]:
    await _open_orders(stack, 1, FEW)
    few = await _first_render(stack, FEW)
    await _open_orders(stack, FEW + 1, MANY)
    many = await _first_render(stack, MANY)
    return {"few": FEW, "many": MANY, "few_ms": few, "many_ms": many, "ratio": many / few}


def report(board: dict[str, Any]) -> str:
    return f"""
Order board, first render in headless Chromium (median of {ROUNDS} fresh contexts)
  {board["few"]:3d} open orders (baseline)   {board["few_ms"]:8.0f} ms
  {board["many"]:3d} open orders              {board["many_ms"]:8.0f} ms  ratio {board["ratio"]:.2f}
"""
