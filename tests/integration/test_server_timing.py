"""The Server-Timing header: where a request's time went, on when SERVER_TIMING is set."""

from __future__ import annotations

from api.server_timing import parse
from core.settings import Settings
from persistence.database import SessionFactory
from tests.support import api_client


async def test_an_answer_says_how_long_the_session_check_and_the_database_took(
    settings: Settings, sessions: SessionFactory
) -> None:
    timed = settings.model_copy(update={"server_timing": True})
    async with api_client(timed) as api:
        response = await api.get("/api/inventory/items")
    assert response.status_code == 200
    parts = parse(response.headers["server-timing"])
    assert parts["auth"][1] == 1  # one session check
    assert parts["db"][1] >= 2  # the page and its count
    assert parts["total"][0] >= parts["db"][0] + parts["auth"][0]
    assert "temporal" not in parts  # a plain read asks Temporal nothing


async def test_no_timings_are_told_by_default(settings: Settings, sessions: SessionFactory) -> None:
    assert settings.server_timing is False
    async with api_client(settings) as api:
        response = await api.get("/api/inventory/items")
    assert response.status_code == 200
    assert "server-timing" not in response.headers
