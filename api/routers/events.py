"""Live changes for the web app, as server-sent events: a browser's board, station queue or
purchase-order page fetches again what changed, within a second of the commit."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import APIRouter
from fastapi.responses import StreamingResponse

from api.auth.access import Principal, requires
from api.deps import EventsDep, SettingsDep
from api.errors import ErrorOut, ServiceUnavailable
from api.live_events import Lost
from domain.access import Action

router = APIRouter()
NOTIFICATION = "notification"  # a user's notices changed; the id is the user's
HEARTBEAT_SECONDS = 15.0


def _frame(event: str, data: object) -> str:
    return f"event: {event}\ndata: {json.dumps(data)}\n\n"


@router.get(
    "",
    response_class=StreamingResponse,
    responses={
        200: {
            "content": {
                "text/event-stream": {
                    "schema": {
                        "type": "object",
                        "description": "Each event's data",
                        "properties": {
                            "kind": {
                                "type": "string",
                                "enum": ["order", "purchase_order", "notification"],
                            },
                            "id": {"type": "string", "format": "uuid"},
                        },
                    }
                }
            },
            "description": (
                "`ready` once listening; then `change` with `{kind, id}` (kind `order` or"
                " `purchase_order`) after each commit that touched one, and kind"
                " `notification` with your user id when your notices changed (a new one, one"
                " read); `again` when the stream"
                " ends on schedule (open a new one); `lost` when the server lost the database"
                " (open a new one and fetch again what is shown). Comment lines keep it alive."
            ),
        },
        503: {"model": ErrorOut, "description": "The database cannot be reached"},
    },
)
async def events(
    hub: EventsDep,
    settings: SettingsDep,
    principal: Annotated[Principal, requires(Action.READ)],
) -> StreamingResponse:
    """Changes to orders and purchase orders as they are committed, by whoever made them, and
    to your own notices."""
    mine = str(principal.user_id)
    if not hub.listening:
        raise ServiceUnavailable("live events wait for the database; try again shortly")

    async def frames() -> AsyncIterator[str]:
        async with hub.stream() as queue:
            yield "retry: 1000\n" + _frame("ready", {})
            loop = asyncio.get_running_loop()
            ends = loop.time() + settings.events_stream_seconds
            while (left := ends - loop.time()) > 0:
                try:
                    event = await asyncio.wait_for(queue.get(), min(HEARTBEAT_SECONDS, left))
                except TimeoutError:
                    yield ": still here\n\n"
                    continue
                if isinstance(event, Lost):
                    yield _frame("lost", {})
                    return
                if event.kind == NOTIFICATION and event.id != mine:
                    continue  # someone else's notices
                yield _frame("change", {"kind": event.kind, "id": event.id})
            yield _frame("again", {})

    return StreamingResponse(
        frames(),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )
