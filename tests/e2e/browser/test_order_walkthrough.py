"""The README's walk-through in real browsers: one order from intake to shipping with a QC
failure and rework, while a viewer watches the board change by itself."""

from __future__ import annotations

import re

from playwright.async_api import Locator, Page, expect

from domain.access import Role
from tests.e2e.browser.conftest import Workshop, accessible, screenshot


def _card(page: Page, stage: str, number: str) -> Locator:
    return page.get_by_test_id(f"column-{stage}").get_by_test_id(f"card-{number}")


async def _station(page: Page, base: str, stage: str, number: str) -> None:
    await page.goto(f"{base}/station/{stage}")
    await expect(page.get_by_test_id(f"queue-{number}")).to_be_visible()


async def _complete(page: Page, number: str) -> None:
    await page.get_by_test_id(f"queue-{number}").get_by_role("button", name="Complete").click()
    await page.get_by_role("dialog").get_by_role("button", name="Complete").click()
    await expect(page.get_by_test_id(f"queue-{number}")).to_have_count(0)


async def _start(page: Page, number: str, worker: str, equipment: str | None = None) -> None:
    await page.get_by_test_id(f"queue-{number}").get_by_role("button", name="Start").click()
    dialog = page.get_by_role("dialog")
    await dialog.get_by_role("combobox", name="Worker").click()
    await page.get_by_role("option", name=worker).click()
    if equipment is not None:  # the first free one is offered; the worker takes another
        await expect(dialog.get_by_role("combobox", name="Equipment")).not_to_have_value("")
        await dialog.get_by_role("combobox", name="Equipment").click()
        await page.get_by_role("option", name=equipment, exact=False).click()
    await dialog.get_by_role("button", name="Start").click()
    await expect(page.get_by_test_id(f"queue-{number}")).to_contain_text(worker)
    if equipment is not None:
        await expect(page.get_by_test_id(f"queue-{number}")).to_contain_text(equipment)


async def _inspect(page: Page, number: str, force: str, verdict: str) -> None:
    await page.get_by_test_id(f"queue-{number}").get_by_role("button", name="Complete").click()
    dialog = page.get_by_role("dialog")
    for position in range(1, 5):
        await dialog.get_by_test_id(f"check-{position}").get_by_text("Pass").click()
    await dialog.get_by_role("textbox", name="Spacebar actuation force", exact=True).fill(force)
    await expect(dialog.get_by_test_id("verdict")).to_have_text(verdict)


async def test_an_order_from_intake_to_shipping_with_a_qc_failure(workshop: Workshop) -> None:
    base = workshop.base
    viewer = await workshop.signed_in(Role.VIEWER)
    await expect(viewer.get_by_role("heading", name="Order board")).to_be_visible()
    await expect(viewer.get_by_test_id("live")).to_have_text("Live")
    await expect(viewer.get_by_role("button", name="New order")).to_have_count(0)

    # The planner takes the order: the BOM against stock is shown before it is sent.
    planner = await workshop.signed_in(Role.PLANNER)
    await planner.get_by_role("button", name="New order").click()
    form = planner.get_by_role("dialog")
    await form.get_by_role("combobox", name="Product").click()
    await planner.get_by_role("option", name="KB-65-HS", exact=False).click()
    await form.get_by_role("textbox", name="Customer").fill("Klava Orlova")
    await expect(form.get_by_test_id("coverage")).to_have_text("Stock covers this order.")
    await accessible(planner, "new order")
    await form.get_by_role("button", name="Take the order").dblclick()
    await expect(planner).to_have_url(re.compile(rf"^{base}/orders/ZK-\d{{6}}$"))
    number = planner.url.rsplit("/", 1)[1]
    await expect(planner.get_by_test_id("order-stage")).to_have_text("Design")
    await accessible(planner, "order page")

    # The viewer's board shows it without a reload, then follows it from column to column.
    await expect(_card(viewer, "design", number)).to_be_visible()
    await accessible(viewer, "board")

    await _station(planner, base, "design", number)
    await _complete(planner, number)
    assembly = _card(viewer, "assembly", number)
    await expect(assembly).to_be_visible()
    await screenshot(viewer, "board")

    floor = await workshop.signed_in(Role.FLOOR_WORKER)
    await _station(floor, base, "assembly", number)
    await accessible(floor, "station")
    await _start(floor, number, "Ivan Petrov")
    await screenshot(floor, "station")
    await _complete(floor, number)
    await _station(floor, base, "testing", number)
    await _start(floor, number, "Ivan Petrov", equipment="TR-2")
    await floor.get_by_test_id(f"queue-{number}").get_by_role("button", name="Complete").click()
    await floor.get_by_role("dialog").get_by_role("button", name="Pass").click()
    await expect(floor.get_by_test_id(f"queue-{number}")).to_have_count(0)
    await expect(_card(viewer, "qc", number)).to_be_visible()

    # The inspector measures out of range: the checklist says so before anything is sent.
    inspector = await workshop.signed_in(Role.INSPECTOR)
    await _station(inspector, base, "qc", number)
    await _inspect(inspector, number, "75", "Verdict: fail")
    await expect(inspector.get_by_text("Out of range: 40 \N{EN DASH} 60 gf")).to_be_visible()
    await accessible(inspector, "checklist")
    await screenshot(inspector, "checklist")
    await inspector.get_by_role("button", name="Record the inspection").click()
    await expect(
        inspector.get_by_text(f"{number} failed QC: back to Assembly (rework 1).")
    ).to_be_visible()
    await expect(inspector.get_by_test_id(f"queue-{number}")).to_have_count(0)
    await expect(assembly).to_be_visible()
    await expect(assembly).to_contain_text("Rework 1")

    # Rework: the station shows what to put right.
    await _station(floor, base, "assembly", number)
    await expect(floor.get_by_test_id("rework-items")).to_contain_text("Spacebar actuation force")
    await _complete(floor, number)
    await _station(floor, base, "testing", number)
    await floor.get_by_test_id(f"queue-{number}").get_by_role("button", name="Complete").click()
    await floor.get_by_role("dialog").get_by_role("button", name="Pass").click()
    await expect(floor.get_by_test_id(f"queue-{number}")).to_have_count(0)
    await _station(inspector, base, "qc", number)
    await _inspect(inspector, number, "52", "Verdict: pass")
    await inspector.get_by_role("button", name="Record the inspection").click()
    await expect(inspector.get_by_test_id(f"queue-{number}")).to_have_count(0)
    await _station(floor, base, "shipping", number)
    await _complete(floor, number)

    # Done: off the board (among the completed ones), and the order page tells its story.
    await expect(viewer.get_by_test_id(f"card-{number}")).to_have_count(0)
    await viewer.get_by_text("Completed", exact=True).click()
    await expect(viewer.get_by_test_id("finished-completed")).to_contain_text(number)
    await accessible(viewer, "completed orders")
    await floor.goto(f"{base}/orders/{number}")
    await expect(floor.get_by_test_id("order-stage")).to_have_text("Completed")
    await expect(floor.get_by_test_id("inspections")).to_contain_text("failed")
    await expect(floor.get_by_test_id("inspections")).to_contain_text("passed")
    await expect(floor.get_by_test_id("timeline")).to_contain_text("rework after QC")
    await expect(floor.get_by_test_id("timeline")).to_contain_text("Ivan Petrov")
    await expect(floor.get_by_role("button", name="Cancel the order")).to_have_count(0)
    await floor.get_by_test_id("serials").get_by_role("link").first.click()  # the unit's story
    await expect(floor.get_by_test_id("inspections")).to_contain_text("failed")
    await expect(floor.get_by_role("link", name=number)).to_be_visible()
    await accessible(floor, "unit page")
    orders = await workshop.stack.api.get("/api/production/orders", params={"search": "Klava"})
    assert [o["number"] for o in orders.json()] == [number]  # the double click took one


async def test_what_a_role_may_not_do_is_said_plainly(workshop: Workshop) -> None:
    floor = await workshop.signed_in(Role.FLOOR_WORKER)
    menu = floor.get_by_role("navigation", name="Menu")
    await expect(menu.get_by_role("link", name="Station")).to_be_visible()
    await expect(menu.get_by_role("link", name="Users")).to_have_count(0)
    await floor.goto(f"{workshop.base}/users")  # forced: typed into the address bar
    problem = floor.get_by_test_id("problem")
    await expect(problem).to_contain_text("Your role may not do this")
    await expect(problem).to_contain_text("users:manage")


async def test_russian_is_one_click_away_and_the_default_for_russian_browsers(
    workshop: Workshop,
) -> None:
    planner = await workshop.signed_in(Role.PLANNER)
    await planner.get_by_role("banner").get_by_text("RU", exact=True).click()
    await expect(planner.get_by_role("heading", name="Доска заказов")).to_be_visible()
    await expect(planner.get_by_role("button", name="Новый заказ")).to_be_visible()
    russian = await workshop.browser.new_page(locale="ru-RU")
    await russian.goto(workshop.base + "/")
    await expect(russian.get_by_role("button", name="Войти")).to_be_visible()
    await accessible(russian, "sign-in")


async def test_a_refusal_is_said_in_the_users_language(workshop: Workshop) -> None:
    order = await workshop.stack.order(product_sku="KB-65-SOL", customer="Soldered")
    await workshop.stack.complete(order, "design")
    await workshop.stack.until(order, lambda o: o["stage"] == "assembly")
    await workshop.stack.complete(order, "assembly")
    workers = (await workshop.stack.api.get("/api/production/workers")).json()
    ivan = next(w for w in workers if w["name"] == "Ivan Petrov")
    away = await workshop.stack.api.patch(
        f"/api/production/workers/{ivan['id']}", json={"available": False}
    )
    assert away.status_code == 200, away.text
    floor = await workshop.signed_in(Role.FLOOR_WORKER)
    await floor.get_by_role("banner").get_by_text("RU", exact=True).click()
    await _station(floor, workshop.base, "soldering", order["number"])
    await (
        floor.get_by_test_id(f"queue-{order['number']}")
        .get_by_role("button", name="Начать")
        .click()
    )
    dialog = floor.get_by_role("dialog")
    await dialog.get_by_role("combobox", name="Исполнитель").click()
    await floor.get_by_role("option", name="Ivan Petrov (занят)").click()
    await dialog.get_by_role("button", name="Начать").click()
    problem = dialog.get_by_test_id("problem")
    await expect(problem).to_contain_text("Исполнителю нельзя выполнять этот этап")
    await expect(problem).to_contain_text("Ivan Petrov сегодня не работает.")
    await accessible(floor, "refusal")
