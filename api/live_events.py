"""Live events for the web app: one PostgreSQL LISTEN connection per API process, fanned out to
every open event stream.

Why PostgreSQL and not Redis pub/sub: the announcements come from triggers (migration 0007), so
every writer — the API, the worker's activities, the CLI — announces without knowing it, and
NOTIFY is sent only when the change commits: a browser never hears of a change that was rolled
back, nor misses one that was committed by a process that forgot to publish.

A stream that loses the database (or its API process restarting) is told so; the client then
reconnects and fetches again what it shows — that is its catch-up.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import psycopg
import structlog
from psycopg.conninfo import make_conninfo

CHANNEL = "zhuchka_events"
QUEUE_SIZE = 1000
# A connection that died silently (a partition, a failover) is noticed within a minute, and a
# database that does not answer is given up on after 5 s: the hub then reconnects.
KEEPALIVE = {
    "connect_timeout": 5,
    "keepalives": 1,
    "keepalives_idle": 30,
    "keepalives_interval": 10,
    "keepalives_count": 3,
}
log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class Change:
    kind: str  # "order" | "purchase_order"
    id: str


class Lost:
    """Put on a stream's queue when the hub lost what it listened to: the stream ends."""


class LiveEvents:
    def __init__(self, conninfo: str, *, retry_seconds: float = 1.0) -> None:
        self._conninfo = conninfo
        self._retry = retry_seconds
        self._streams: set[asyncio.Queue[Change | Lost]] = set()
        self._listening = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def start(self, *, wait_seconds: float = 3.0) -> None:
        """Start listening; waits a little for the first connection (not for an outage)."""
        self._task = asyncio.create_task(self._listen(), name="live-events")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._listening.wait(), wait_seconds)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    @property
    def listening(self) -> bool:
        return self._listening.is_set()

    @contextlib.asynccontextmanager
    async def stream(self) -> AsyncIterator[asyncio.Queue[Change | Lost]]:
        queue: asyncio.Queue[Change | Lost] = asyncio.Queue(QUEUE_SIZE)
        self._streams.add(queue)
        try:
            yield queue
        finally:
            self._streams.discard(queue)

    async def _listen(self) -> None:
        while True:
            try:
                async with await psycopg.AsyncConnection.connect(
                    make_conninfo(self._conninfo, **KEEPALIVE), autocommit=True
                ) as connection:
                    await connection.execute(f"LISTEN {CHANNEL}")
                    self._listening.set()
                    log.info("live_events.listening")
                    async for notice in connection.notifies():
                        self._publish(_change(notice.payload))
            except (psycopg.Error, OSError) as lost:
                if self._listening.is_set():
                    log.warning("live_events.lost", error=str(lost))
                self._listening.clear()
                self._publish(Lost())
                await asyncio.sleep(self._retry)

    def end_streams(self) -> None:
        """Tell every open stream to end (the server is stopping)."""
        self._publish(Lost())

    def _publish(self, event: Change | Lost | None) -> None:
        if event is None:
            return
        for queue in list(self._streams):
            try:
                queue.put_nowait(event)
            except asyncio.QueueFull:  # a stream that stopped reading: end it, it will catch up
                self._streams.discard(queue)
                with contextlib.suppress(asyncio.QueueEmpty):
                    queue.get_nowait()
                queue.put_nowait(Lost())


def _change(payload: str) -> Change | None:
    try:
        said: Any = json.loads(payload)
        return Change(kind=str(said["kind"]), id=str(said["id"]))
    except (ValueError, KeyError, TypeError):
        return None
