"""The storekeeper's screens in the browser: a receipt found by scanning a barcode, a stocktake
with a difference posted, and a CSV import checked before anything is written."""

from __future__ import annotations

from pathlib import Path

from playwright.async_api import Page, expect

from domain.access import Role
from tests.e2e.browser.conftest import Workshop, accessible

SWITCH = "SW-LIN-RED"


async def _choose(page: Page, field: str, option: str) -> None:
    await page.get_by_role("combobox", name=field).first.click()
    await page.get_by_role("option", name=option).first.click()


async def test_a_storekeeper_receives_counts_and_imports(
    workshop: Workshop, tmp_path: Path
) -> None:
    stack = workshop.stack
    item = stack.demo.items[SWITCH]
    patched = await stack.api.patch(
        f"/api/inventory/items/{item}", json={"barcode": "4600000000017"}
    )
    assert patched.status_code == 200, patched.text
    before = await stack.stock(SWITCH)

    keeper = await workshop.signed_in(Role.STOREKEEPER)
    await expect(keeper.get_by_role("heading", name="Warehouse")).to_be_visible()
    await expect(keeper.get_by_role("cell", name=SWITCH)).to_be_visible()
    await accessible(keeper, "stock")

    await keeper.get_by_role("tab", name="Receive, issue, transfer").click()
    scan = keeper.get_by_role("textbox", name="Scan a barcode")
    await scan.fill("4600000000017")
    await scan.press("Enter")
    await expect(keeper.get_by_role("combobox", name="SKU")).to_have_value(
        f"{SWITCH} — Linear switch, red, 45 g"
    )
    await _choose(keeper, "Warehouse", "WH-MAIN")
    await _choose(keeper, "Bin", "A-01-01")
    await keeper.get_by_role("textbox", name="Quantity").fill("20")
    await keeper.get_by_role("textbox", name="Reason").fill("delivery DN-77")
    await accessible(keeper, "stock moves")
    await keeper.get_by_role("button", name="Book the receipt").click()
    await expect(keeper.get_by_role("status")).to_have_text("Booked.")
    assert await stack.stock(SWITCH) == (before[0] + 20, before[1])

    await keeper.get_by_role("tab", name="Stocktake").click()
    await _choose(keeper, "Warehouse", "WH-MAIN")
    await keeper.get_by_role("button", name="Open a stocktake").click()
    await keeper.get_by_role("textbox", name="Scan or type a bin").fill("A-01-01")
    count = keeper.get_by_role("textbox", name=f"Count of {SWITCH} in A-01-01")
    await count.fill(str(before[0] + 19))
    await keeper.get_by_role("button", name="Save the counts").click()
    await expect(keeper.get_by_role("row", name=SWITCH)).to_contain_text("-1")
    await accessible(keeper, "stocktake")
    await keeper.get_by_role("button", name="Post the differences").click()
    await keeper.get_by_role("button", name="Yes: Post the differences").click()
    await expect(keeper.get_by_text("No stocktake is open.")).to_be_visible()
    assert await stack.stock(SWITCH) == (before[0] + 19, before[1])

    await keeper.get_by_role("tab", name="CSV files").click()
    bad = tmp_path / "stock.csv"
    bad.write_text("sku,warehouse_code,quantity\nSW-LIN-RED,WH-MAIN,5\nNO-SUCH,WH-MAIN,1\n")
    await keeper.locator("input[type=file]").set_input_files(str(bad))
    await keeper.get_by_role("button", name="Check (dry run)").click()
    await expect(keeper.get_by_test_id("import-result")).to_contain_text("nothing written")
    await expect(keeper.get_by_role("cell", name="Line 3")).to_be_visible()
    await expect(keeper.get_by_role("button", name="Import", exact=True)).to_be_disabled()
    await accessible(keeper, "csv files")
    await stack.assert_books()
