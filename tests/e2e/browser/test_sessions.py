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
