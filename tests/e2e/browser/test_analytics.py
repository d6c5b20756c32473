"""The Analytics screen in the browser, over a loaded history: each group's figures, charts and
tables, a table downloaded as CSV, the period changed, and no serious accessibility fault."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from playwright.async_api import expect

from domain.access import Role
from tests.e2e.browser.conftest import Workshop, accessible, screenshot
from zhuchka.demo_history import load_history
from zhuchka.history_simulation import Scale


async def test_a_planner_reads_the_workshops_figures(workshop: Workshop, tmp_path: Path) -> None:
    async with workshop.stack.sessions.begin() as session:
        written = await load_history(session, Scale(days=120, orders_per_day=4))
    assert written["orders"] > 100
    page = await workshop.signed_in(Role.PLANNER)
    await page.get_by_role("link", name="Analytics").click()
    await expect(page.get_by_role("heading", name="Analytics")).to_be_visible()
    await page.get_by_text("90 days", exact=True).click()

    # Production: OEE with a figure, the bottleneck named, the stage times in a table.
    oee = page.get_by_text("OEE", exact=True).first
    await expect(oee).to_be_visible()
    await expect(page.get_by_role("heading", name="Time at each stage")).to_be_visible()
    await expect(page.get_by_role("cell", name="Testing").first).to_be_visible()
    await expect(page.get_by_text("%").first).to_be_visible()
    await accessible(page, "analytics: production")
    await screenshot(page, "analytics")

    await page.get_by_role("tab", name="Delivery").click()
    await expect(page.get_by_role("heading", name="By week").first).to_be_visible()
    await expect(page.get_by_role("heading", name="Suppliers")).to_be_visible()

    await page.get_by_role("tab", name="Quality").click()
    await expect(page.get_by_role("heading", name="Checks that fail most").first).to_be_visible()
    await expect(page.get_by_text("First-pass yield: Testing")).to_be_visible()
    await accessible(page, "analytics: quality")

    await page.get_by_role("tab", name="Inventory").click()
    matrix = page.get_by_role("table", name="ABC")  # the ABC-XYZ matrix
    await expect(matrix).to_be_visible()
    await expect(matrix.get_by_role("rowheader", name="A — most value")).to_be_visible()
    async with page.expect_download() as download:
        items = page.get_by_role("heading", name="Items by consumption value")
        panel = page.locator(".mantine-Paper-root").filter(has=items)
        await panel.get_by_role("button", name="CSV").click()
    saved = tmp_path / "items.csv"
    await (await download.value).save_as(saved)
    rows = list(csv.DictReader(io.StringIO(saved.read_text())))
    assert rows
    assert {"sku", "abc", "xyz", "turnover"} <= set(rows[0])
    await accessible(page, "analytics: inventory")
