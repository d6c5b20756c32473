"""A browser session over time: it outlives its access token, renews one the server refuses,
ends when the session ends elsewhere, catches up with what changed while the API was away, and
shares one live stream among its tabs; and a forgotten password is reset from the mail."""

from __future__ import annotations

import asyncio
import base64
import json
import re
import time
from urllib.parse import urlparse

from playwright.async_api import expect

from domain.access import Role
from tests.e2e.browser.conftest import Workshop, accessible
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


async def test_a_refused_token_is_renewed_and_an_ended_session_signs_out(
    workshop: Workshop,
) -> None:
    planner = await workshop.signed_in(Role.PLANNER)
    tokens = json.loads(await planner.evaluate(TOKENS))
    # A token the server refuses although its expiry looks fine (a clock that is off).
    claims = base64.urlsafe_b64encode(json.dumps({"exp": time.time() + 3600}).encode())
    refused = f"e30.{claims.decode().rstrip('=')}.bm90LXNpZ25lZA"
    stale = json.dumps(tokens | {"access_token": refused})
    await planner.evaluate("(t) => localStorage.setItem('zhuchka.tokens', t)", stale)
    await planner.get_by_role("link", name="Station").click()
    await expect(planner.get_by_role("heading", name="Station: Design")).to_be_visible()
    await expect(planner.get_by_text("Nothing waits here.")).to_be_visible()  # asked again
    renewed = json.loads(await planner.evaluate(TOKENS))
    assert renewed["access_token"] not in (refused, tokens["access_token"])

    # The session ends elsewhere (signed out on another device): back to the sign-in form.
    ended = await workshop.stack.api.post(
        "/api/user/sign-out", headers={"Authorization": f"Bearer {renewed['access_token']}"}
    )
    assert ended.status_code == 204
    scan = planner.get_by_role("textbox", name="Scan an order number or a serial")
    await scan.fill("ZK-999999")
    await scan.press("Enter")  # the order page asks the API
    await expect(planner.get_by_role("button", name="Sign in")).to_be_visible()
    assert await planner.evaluate(TOKENS) is None


async def test_a_forgotten_password_is_reset_from_the_mails_link(workshop: Workshop) -> None:
    email = f"{Role.VIEWER.value}@browser.example"
    browser = await workshop.browser.new_context(locale="en-US")
    page = await browser.new_page()
    await page.goto(f"{workshop.base}/")
    await page.get_by_role("link", name="Forgot the password?").click()
    await page.get_by_role("textbox", name="Email").fill(email)
    await page.get_by_role("button", name="Mail me a reset link").click()
    await expect(page.get_by_role("status")).to_contain_text("a mail with a link")
    mail = await workshop.stack.mail_to(email, "Reset your")
    link = re.search(r"(\S+)(/reset-password#token=[\w-]+)", mail)
    assert link, mail
    assert link.group(1) == workshop.settings.public_url

    page = await browser.new_page()  # the mail's link opens in a new tab
    await page.goto(f"{workshop.base}{link.group(2)}")  # (on this test's server)
    await expect(page.get_by_role("textbox", name="Email")).to_have_count(0)
    await accessible(page, "password reset")
    new_password = "Soldering-iron-at-350C"
    await page.get_by_label("New password").fill(new_password)
    await page.get_by_role("button", name="Set the new password").click()
    await expect(page.get_by_role("status")).to_contain_text("The password is set")
    await page.get_by_role("link", name="Back to sign-in").click()
    await page.get_by_role("textbox", name="Email").fill(email)
    await page.get_by_role("textbox", name="Password").fill(new_password)
    await page.get_by_role("button", name="Sign in").click()
    await expect(page.get_by_role("button", name="Sign out")).to_be_visible()
