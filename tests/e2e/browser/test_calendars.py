"""The Working hours screen in the browser: the plant's default calendar open, a shift added to
its week, a holiday typed in the calendar's own time zone (not the browser's), a calendar made
and made the default; what the screen did checked through the API."""

from __future__ import annotations

from playwright.async_api import expect

from domain.access import Role
from tests.e2e.browser.conftest import Workshop, accessible, screenshot
from tests.support import ok


async def test_a_planner_keeps_the_plants_working_hours(workshop: Workshop) -> None:
    page = await workshop.signed_in(Role.PLANNER)
    await page.get_by_role("link", name="Working hours").click()
    await expect(page.get_by_role("heading", name="Working hours", exact=True)).to_be_visible()
    # The demo plant's default: weekdays 08:00-16:30 in Moscow.
    week = page.get_by_role("table", name="Shifts of the week")
    await expect(week).to_have_count(1)  # only the default is open
    await expect(week.get_by_label("Friday: starts")).to_have_value("08:00")
    await week.get_by_role("button", name="Add a shift on Saturday").click()
    await week.get_by_label("Saturday: starts").fill("09:00")
    await week.get_by_label("Saturday: ends").fill("13:00")
    await expect(page.get_by_role("status").filter(has_text="Unsaved changes")).to_be_visible()
    await page.get_by_role("button", name="Save the week").click()
    saved = page.get_by_role("button", name="Day shift").get_by_text("46.5 h a week")
    await expect(saved).to_be_visible()  # in the calendar's heading: as the API has it now
    await expect(page.get_by_role("button", name="Save the week")).to_be_disabled()
    default = next(c for c in ok(await workshop.stack.api.get("/api/production/calendars")))
    assert default["is_default"]
    assert {"weekday": 5, "start": "09:00:00", "end": "13:00:00"} in default["shifts"]

    # New Year in Moscow is 21:00 UTC the evening before, whatever the browser's zone.
    await page.get_by_role("textbox", name="From (Europe/Moscow)").fill("2027-01-01T00:00")
    await page.get_by_role("textbox", name="To (Europe/Moscow)").fill("2027-01-09T00:00")
    await page.get_by_role("textbox", name="Note").fill("New Year holidays")
    await page.get_by_role("button", name="Add", exact=True).click()
    holidays = page.get_by_role("table", name="Holidays, maintenance and extra shifts")
    await expect(holidays.get_by_role("cell", name="New Year holidays")).to_be_visible()
    await expect(holidays.get_by_role("cell", name="2027-01-01 00:00")).to_be_visible()
    path = f"/api/production/calendars/{default['id']}/exceptions"
    [holiday] = ok(await workshop.stack.api.get(path))
    assert (holiday["starts_at"], holiday["working"]) == ("2026-12-31T21:00:00Z", False)
    await accessible(page, "calendars")
    await screenshot(page, "calendars")

    await page.get_by_role("textbox", name="Name").fill("Night crew")
    await page.get_by_role("button", name="Create").click()
    night = page.get_by_role("button", name="Night crew")
    await expect(night).to_have_attribute("aria-expanded", "false")  # made, and shut
    await night.click()
    await expect(night).to_have_attribute("aria-expanded", "true")
    make_default = page.get_by_role("region", name="Night crew").get_by_role(
        "button", name="Make it the plant's default"
    )
    await expect(make_default).to_be_visible()
    async with page.expect_response(lambda answer: answer.request.method == "PUT") as put:
        await make_default.click()
    assert (await put.value).ok
    await expect(night.get_by_text("plant's default")).to_be_visible()
    calendars = ok(await workshop.stack.api.get("/api/production/calendars"))
    assert [(c["name"], c["is_default"]) for c in calendars] == [
        ("Night crew", True),
        ("Day shift", False),
        ("Two shifts", False),
    ]


async def test_only_who_manages_the_floor_is_offered_the_screen(workshop: Workshop) -> None:
    page = await workshop.signed_in(Role.FLOOR_WORKER)
    await expect(page.get_by_role("link", name="Station")).to_be_visible()
    await expect(page.get_by_role("link", name="Working hours")).to_have_count(0)
