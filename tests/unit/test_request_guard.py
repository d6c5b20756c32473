"""The request guard before any endpoint: NULs and lone surrogates refused, and a crowd of large
bodies held back instead of filling the memory (an ASGI app that keeps each request open)."""

from __future__ import annotations

import asyncio

import httpx
from starlette.types import Receive, Scope, Send

from api.request_guard import BODIES_AT_ONCE_BYTES, MAX_BODY_BYTES, RequestGuard


async def test_large_bodies_at_once_beyond_the_budget_wait_their_turn() -> None:
    release = asyncio.Event()

    async def slow_app(scope: Scope, receive: Receive, send: Send) -> None:
        await receive()
        await release.wait()
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    guard = RequestGuard(slow_app)
    body = b"x" * MAX_BODY_BYTES
    crowd = BODIES_AT_ONCE_BYTES // MAX_BODY_BYTES + 2
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=guard), base_url="http://guard"
    ) as client:
        requests = [asyncio.create_task(client.post("/", content=body)) for _ in range(crowd)]
        await asyncio.sleep(0.5)
        release.set()
        answers = await asyncio.gather(*requests)
    statuses = sorted(a.status_code for a in answers)
    assert 503 in statuses
    assert statuses.count(200) >= BODIES_AT_ONCE_BYTES // MAX_BODY_BYTES - 1
    busy = next(a for a in answers if a.status_code == 503)
    assert int(busy.headers["Retry-After"]) > 0
    assert guard._held == 0  # what each request held is given back
