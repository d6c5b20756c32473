"""The purchase an order waits for, in the browser: the planner sees what is missing, the buyer
sends, confirms and receives it, and the order goes on by itself."""

from __future__ import annotations

from playwright.async_api import expect

from domain.access import Role
from tests.e2e.browser.conftest import Workshop, accessible, screenshot
from tests.support import days_ahead


async def test_the_buyer_receives_what_an_order_waits_for(workshop: Workshop) -> None:
    base, api = workshop.base, workshop.stack.api
    taken = await api.post(
        "/api/production/orders",
        json={
            "product_sku": "KB-65-HS",
            "quantity": 10,
            "customer": "Zhenya Kim",
            "priority": "HIGH",
            "due_date": days_ahead(20),
        },
    )
    number = taken.json()["number"]
    design = f"/api/production/orders/{taken.json()['id']}/stages/design/complete"
    assert (await api.post(design, json={})).status_code == 200

    planner = await workshop.signed_in(Role.PLANNER)
    card = planner.get_by_test_id("column-procurement").get_by_test_id(f"card-{number}")
    await expect(card).to_contain_text("Waiting for purchase")
    await expect(card).to_contain_text("PCB-65-HS")

    buyer = await workshop.signed_in(Role.BUYER)
    await expect(buyer.get_by_role("heading", name="Purchase orders")).to_be_visible()
    await buyer.goto(f"{base}/orders/{number}")
    links = buyer.get_by_role("link", name="PO-")
    await expect(links.first).to_be_visible()
    numbers = sorted(set(await links.all_inner_texts()))
    for po in numbers:
        await buyer.goto(f"{base}/purchasing/{po}")
        await expect(buyer.get_by_test_id("po-lines")).to_contain_text(number)
        await buyer.get_by_role("button", name="Send to the supplier").click()
        await buyer.get_by_role("button", name="Yes: Send to the supplier").click()
        await buyer.get_by_role("button", name="Supplier confirmed").click()
        await expect(buyer.get_by_test_id("po-status")).to_have_text("Confirmed")
        await buyer.get_by_role("textbox", name="Delivery note").fill(f"DN-{po}")
        await accessible(buyer, "purchase order")
        await screenshot(buyer, "purchase-order")
        await buyer.get_by_role("button", name="Book the delivery").click()
        await expect(buyer.get_by_test_id("po-status")).to_have_text("Received")

    await expect(
        planner.get_by_test_id("column-assembly").get_by_test_id(f"card-{number}")
    ).to_be_visible()
    await buyer.goto(f"{base}/purchasing")
    await accessible(buyer, "purchase orders")
