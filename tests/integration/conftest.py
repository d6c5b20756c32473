from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from core.settings import Settings
from persistence.database import SessionFactory
from tests.support import Demo, api_client, load_demo


@pytest.fixture
async def api(settings: Settings, sessions: SessionFactory) -> AsyncIterator[httpx.AsyncClient]:
    """The application, signed in as an admin, on a database emptied for the test."""
    async with api_client(settings) as client:
        yield client


@pytest.fixture
async def demo(sessions: SessionFactory) -> Demo:
    return await load_demo(sessions)
