"""Browser tests: the built web app (web/dist, `make web`) served by the real API on a real
HTTP server, over the e2e tier's stack (PostgreSQL, Redis, Temporal, a worker), driven in the
system's Chromium (Debian's package; Playwright downloads no browser here)."""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import Browser, ConsoleMessage, Page, async_playwright, expect
from sqlalchemy import func
from sqlalchemy.dialects.postgresql import insert

from api.auth.passwords import hash_password
from core.settings import PROJECT_ROOT, Settings
from domain.access import Role
from persistence.tables import User
from tests.e2e.conftest import Stack, serving
from zhuchka.demo_floor import seed_demo_floor
from zhuchka.devstack.chromium import FLAGS, chromium_path

WEB_DIST = PROJECT_ROOT / "web" / "dist"
AXE = PROJECT_ROOT / "web" / "node_modules" / "axe-core" / "axe.min.js"
# Where the README's screenshots are written when asked for (`make screenshots`).
SCREENSHOTS = os.environ.get("ZHUCHKA_SCREENSHOTS")
expect.set_options(timeout=20_000)


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=chromium_path(), args=FLAGS)
        yield launched
        await launched.close()


@dataclass
class Workshop:
    """The stack behind a real HTTP server, with one account per role (all one password)."""

    stack: Stack
    base: str
    password: str
    browser: Browser
    settings: Settings
    # What any page threw: the workshop fails the test with them when it ends.
    errors: list[str] = field(default_factory=list)

    async def signed_in(
        self, role: Role, *, locale: str = "en-US", base: str | None = None
    ) -> Page:
        """A new browser (own storage) with `role` signed in through the sign-in form (of the
        workshop's server, or of the one at `base`)."""
        context = await self.browser.new_context(
            locale=locale, viewport={"width": 1400, "height": 900}
        )
        context.set_default_timeout(20_000)
        page = await context.new_page()
        page.on("pageerror", lambda error: self.errors.append(f"{page.url}: {error}"))
        page.on("console", lambda message: self._refused(page, message))
        await page.goto((base or self.base) + "/")
        await page.get_by_role("textbox", name="Email").fill(f"{role.value}@browser.example")
        await page.get_by_role("textbox", name="Password").fill(self.password)
        await page.get_by_role("button", name="Sign in").click()
        await expect(page.get_by_role("button", name="Sign out")).to_be_visible()
        return page

    def _refused(self, page: Page, message: ConsoleMessage) -> None:
        """What the content security policy blocked counts as an error of the page."""
        if message.type == "error" and "Content Security Policy" in message.text:
            self.errors.append(f"{page.url}: {message.text}")


@pytest.fixture
async def workshop(stack: Stack, browser: Browser) -> AsyncIterator[Workshop]:
    if not (WEB_DIST / "index.html").is_file():
        raise RuntimeError("the web app is not built: `make web` (make test builds it first)")
    password = secrets.token_urlsafe(16)
    hashed = await hash_password(password)
    async with stack.sessions.begin() as session:
        for role in Role:
            await session.execute(
                insert(User)
                .values(
                    email=f"{role.value}@browser.example",
                    password_hash=hashed,
                    roles=[role.value],
                    is_active=True,
                    email_confirmed_at=func.now(),
                )
                .on_conflict_do_nothing()
            )
        await seed_demo_floor(session)
    settings = stack.settings.model_copy(
        update={"web_dist": WEB_DIST, "events_stream_seconds": 60, "rate_limit_per_ip": 1000}
    )
    async with serving(settings) as base:
        workshop = Workshop(stack, base, password, browser, settings)
        yield workshop
    assert not workshop.errors, f"the pages threw: {workshop.errors}"


async def accessible(page: Page, screen: str) -> None:
    """No serious or critical axe-core violation on what the page shows now."""
    # Evaluated through the browser's protocol: the app's policy refuses inline scripts.
    await page.evaluate(AXE.read_text())
    found: list[dict[str, Any]] = await page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
    )
    grave = [
        {
            "id": v["id"],
            "help": v["help"],
            "where": [(n["target"], n.get("failureSummary", "")) for n in v["nodes"]][:3],
        }
        for v in found
        if v["impact"] in ("serious", "critical")
    ]
    assert not grave, f"{screen}: {json.dumps(grave, indent=1)}"


async def screenshot(page: Page, name: str) -> None:
    if SCREENSHOTS:
        await page.screenshot(path=str(Path(SCREENSHOTS) / f"{name}.png"))
