"""Where a request's time went, in a `Server-Timing` header: checking the session (`auth`), the
database (`db`, with its statement count), Temporal (`temporal`) and the whole request up to its
answer (`total`). Browsers' developer tools show it; `make bench` reads it. Off unless
SERVER_TIMING is set, since it tells a caller how long the server's checks took."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# The current request's seconds and counts by part; None outside a timed request.
_spent: ContextVar[dict[str, list[float]] | None] = ContextVar("server_timing", default=None)


def _add(part: str, seconds: float) -> None:
    spent = _spent.get()
    if spent is not None:
        total = spent.setdefault(part, [0.0, 0])
        total[0] += seconds
        total[1] += 1


@contextmanager
def timed(part: str) -> Iterator[None]:
    started = time.perf_counter()
    try:
        yield
    finally:
        _add(part, time.perf_counter() - started)


def time_statements(engine: AsyncEngine) -> None:
    """Count every statement `engine` runs (and its time) into the request's `db` part."""

    @event.listens_for(engine.sync_engine, "before_cursor_execute")
    def _before(conn: Any, *_: Any) -> None:
        conn.info["server_timing_started"] = time.perf_counter()

    @event.listens_for(engine.sync_engine, "after_cursor_execute")
    def _after(conn: Any, *_: Any) -> None:
        _add("db", time.perf_counter() - conn.info.pop("server_timing_started"))


def header(spent: dict[str, list[float]], total: float) -> bytes:
    parts = [
        f'{part};dur={seconds * 1000:.1f};desc="{int(count)}"'
        for part, (seconds, count) in sorted(spent.items())
    ]
    return ", ".join([*parts, f"total;dur={total * 1000:.1f}"]).encode()


def parse(value: str) -> dict[str, tuple[float, int]]:
    """A `Server-Timing` header as {part: (milliseconds, count)} (the bench's side)."""
    parsed: dict[str, tuple[float, int]] = {}
    for entry in filter(None, (e.strip() for e in value.split(","))):
        name, *params = (p.strip() for p in entry.split(";"))
        fields = dict(p.split("=", 1) for p in params)
        parsed[name] = (float(fields.get("dur", 0)), int(fields.get("desc", "1").strip('"')))
    return parsed


class ServerTiming:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        spent: dict[str, list[float]] = {}
        token = _spent.set(spent)

        async def timed_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                value = header(spent, time.perf_counter() - started)
                message["headers"] = [*message.get("headers", []), (b"server-timing", value)]
            await send(message)

        try:
            await self.app(scope, receive, timed_send)
        finally:
            _spent.reset(token)
