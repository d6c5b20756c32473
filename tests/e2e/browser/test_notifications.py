"""The notification bell and list in the browser: a zone going out of range reaches the
storekeeper's bell while the page is open (the live stream), the notice opens what it is about
and is read, and the list's choices are kept."""

from __future__ import annotations

from playwright.async_api import expect
from sqlalchemy import select

from domain.access import Role
from persistence.tables import NotificationChoice, User
from tests.e2e.browser.conftest import Workshop, accessible, screenshot
from tests.support import ok


async def test_a_storekeeper_hears_of_a_zone_out_of_range_and_chooses_how(
    workshop: Workshop,
) -> None:
    api = workshop.stack.api
    zone = ok(
        await api.post(
            f"/api/inventory/warehouses/{workshop.stack.demo.warehouse_id}/zones",
            json={"name": "Cold store", "zone_type": "STORAGE", "max_temperature": 25},
        ),
        201,
    )
    page = await workshop.signed_in(Role.STOREKEEPER)
    await page.get_by_role("link", name="Purchasing").click()
    bell = page.get_by_role("button", name="Notifications: 0 unread")
    await expect(bell).to_be_visible()
    await expect(page.get_by_test_id("live")).to_have_text("Live")

    reading = {"temperature": 31.5}
    ok(await api.post(f"/api/inventory/zones/{zone['id']}/readings", json=reading), 201)
    bell = page.get_by_role("button", name="Notifications: 1 unread")
    await expect(bell).to_be_visible()  # heard on the live stream, no reload
    await bell.click()
    notices = page.get_by_role("region", name="Notifications")
    title = "Main workshop warehouse / Cold store is out of range"
    await expect(notices.get_by_role("button", name=title)).to_be_visible()
    await accessible(page, "notification bell")
    await screenshot(page, "notifications-bell")
    async with page.expect_response(lambda answer: answer.url.endswith("/inbox/read")) as read:
        await notices.get_by_role("button", name=title).click()
    assert (await read.value).ok
    await expect(page).to_have_url(f"{workshop.base}/stock")
    await expect(page.get_by_role("button", name="Notifications: 0 unread")).to_be_visible()

    await page.get_by_role("link", name="Notifications", exact=True).click()
    await expect(page.get_by_role("heading", name="Notifications", exact=True)).to_be_visible()
    listed = page.get_by_role("table", name="Notifications")
    await expect(listed.get_by_role("link", name=title)).to_be_visible()
    await expect(listed.get_by_text("Temperature 31.5 above the maximum 25")).to_be_visible()
    choices = page.get_by_role("table", name="How they reach you")
    by_mail = choices.get_by_role("checkbox", name="Zone out of range by email")
    await expect(by_mail).to_be_checked()
    async with page.expect_response(lambda answer: answer.request.method == "PUT") as put:
        await by_mail.click()
    assert (await put.value).ok
    await expect(by_mail).not_to_be_checked()
    await accessible(page, "notifications")
    await screenshot(page, "notifications")
    await page.get_by_role("banner").get_by_text("RU", exact=True).click()
    in_russian = page.get_by_role("table", name="Уведомления")
    await expect(in_russian.get_by_text("Прочитано", exact=True)).to_be_visible()  # its state
    await screenshot(page, "notifications-ru")
    await page.get_by_role("banner").get_by_text("EN", exact=True).click()
    async with workshop.stack.sessions() as session:
        kept = await session.scalar(
            select(NotificationChoice)
            .join(User, User.id == NotificationChoice.user_id)
            .where(User.email == "storekeeper@browser.example")
        )
    assert kept is not None
    assert (kept.kind, kept.in_app, kept.email) == ("zone_out_of_range", True, False)

    # Another out-of-range spell while the list is open: it shows at once, unread.
    ok(await api.post(f"/api/inventory/zones/{zone['id']}/readings", json={"temperature": 20}), 201)
    ok(await api.post(f"/api/inventory/zones/{zone['id']}/readings", json=reading), 201)
    await expect(page.get_by_role("status").filter(has_text="1 unread")).to_be_visible()
    async with page.expect_response(lambda answer: answer.url.endswith("/inbox/read")):
        await page.get_by_role("button", name="Mark all read").click()
    await expect(page.get_by_role("status").filter(has_text="0 unread")).to_be_visible()
