"""A browser session over time: it outlives its access token, and it catches up with what
changed while the API was away."""

from __future__ import annotations

import asyncio
from urllib.parse import urlparse

from playwright.async_api import expect

from domain.access import Role
from tests.e2e.browser.conftest import Workshop
from tests.e2e.conftest import serving

TOKENS = "() => localStorage.getItem('zhuchka.tokens')"


async def test_a_session_outlives_its_access_token(workshop: Workshop) -> None:
    brief = workshop.settings.model_copy(update={"access_token_expire_minutes": 1})
    async with serving(brief) as base:
        planner = await workshop.signed_in(Role.PLANNER, base=base)
        first = await planner.evaluate(TOKENS)
        async with asyncio.timeout(60):  # refreshed a minute before expiry: at the first check
            while await planner.evaluate(TOKENS) == first:
                await asyncio.sleep(0.5)
        await planner.get_by_role("link", name="Station").click()
        await expect(planner.get_by_role("heading", name="Station: Design")).to_be_visible()
        await expect(planner.get_by_role("button", name="Sign in")).to_have_count(0)


async def test_the_board_catches_up_after_the_api_restarts(workshop: Workshop) -> None:
    async with serving(workshop.settings) as base:
        port = urlparse(base).port
        viewer = await workshop.signed_in(Role.VIEWER, base=base)
        await expect(viewer.get_by_test_id("live")).to_have_text("Live")
    await expect(viewer.get_by_test_id("live")).to_have_text("Reconnecting")
    order = await workshop.stack.order(customer="While the API was away")
    async with serving(workshop.settings, port):
        card = viewer.get_by_test_id(f"card-{order['number']}")
        await expect(card).to_be_visible()
        await expect(viewer.get_by_test_id("live")).to_have_text("Live")


async def test_the_tabs_of_a_browser_share_one_stream(workshop: Workshop) -> None:
    first = await workshop.signed_in(Role.VIEWER)
    await expect(first.get_by_test_id("live")).to_have_text("Live")
    second = await first.context.new_page()
    streams: list[str] = []
    second.on("request", lambda r: streams.append(r.url) if "/api/events" in r.url else None)
    await second.goto(f"{workshop.base}/board")
    await expect(second.get_by_test_id("live")).to_have_text("Live")  # told by the first tab
    order = await workshop.stack.order(customer="Seen in both tabs")
    for tab in (first, second):
        await expect(tab.get_by_test_id(f"card-{order['number']}")).to_be_visible()
    assert streams == []  # the second tab heard it through the first one's stream

    # The first tab closes: the second takes the stream over and misses nothing.
    await first.close()
    later = await workshop.stack.order(customer="After the first tab closed")
    await expect(second.get_by_test_id(f"card-{later['number']}")).to_be_visible()
    assert len(streams) == 1
