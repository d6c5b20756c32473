"""Requests are checked for what no field may hold before any endpoint sees them: a NUL
character or a lone UTF-16 surrogate anywhere in the path, the query or the body (PostgreSQL
cannot store either, and a surrogate cannot even be written back in an error), and bodies past
`MAX_BODY_BYTES`. One place for it, instead of a rule on every text field."""

from __future__ import annotations

import re

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.errors import Issue, invalid

MAX_BODY_BYTES = 16 * 1024 * 1024
# Each JSON escape, backslash pairs consumed so that `\\u0000` (a backslash, then "u0000") is
# told from `\u0000` (a NUL).
_ESCAPE = re.compile(rb"\\(?:u([0-9a-fA-F]{4})|.)", re.DOTALL)
_PERCENT_NUL = re.compile(rb"%00")


class RequestGuard:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        where = _in_url(scope)
        if where:
            await _refuse(where, scope, receive, send)
            return
        body, more = b"", True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body += message.get("body", b"")
            more = message.get("more_body", False)
            if len(body) > MAX_BODY_BYTES:
                await _too_large(scope, receive, send)
                return
        where = _in_body(body, _content_type(scope))
        if where:
            await _refuse(where, scope, receive, send)
            return
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if sent:
                return await receive()
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)


def _in_url(scope: Scope) -> str | None:
    if "\x00" in scope["path"]:
        return "path"
    query: bytes = scope.get("query_string", b"")
    if b"\x00" in query or _PERCENT_NUL.search(query):
        return "query"
    return None


def _in_body(body: bytes, content_type: str) -> str | None:
    if b"\x00" in body:
        return "body"
    if "json" in content_type and _bad_json_escapes(body):
        return "body"
    if "x-www-form-urlencoded" in content_type and _PERCENT_NUL.search(body):
        return "body"
    return None


def _bad_json_escapes(body: bytes) -> bool:
    """A `\\u0000`, or a surrogate escape that is not half of a pair."""
    pending_high: int | None = None  # the end of a high surrogate escape waiting for its pair
    for match in _ESCAPE.finditer(body):
        hex_digits = match.group(1)
        unit = int(hex_digits, 16) if hex_digits else None
        if pending_high is not None:
            if match.start() != pending_high or unit is None or not 0xDC00 <= unit <= 0xDFFF:
                return True
            pending_high = None
            continue
        if unit is None:
            continue
        if unit == 0 or 0xDC00 <= unit <= 0xDFFF:
            return True
        if 0xD800 <= unit <= 0xDBFF:
            pending_high = match.end()
    return pending_high is not None


def _content_type(scope: Scope) -> str:
    for name, value in scope.get("headers", []):
        if name == b"content-type":
            return str(value.decode("latin-1").lower())
    return ""


async def _refuse(where: str, scope: Scope, receive: Receive, send: Send) -> None:
    issue = Issue(
        loc=[where],
        msg="text may not contain NUL characters or unpaired UTF-16 surrogates",
        type="invalid_characters",
    )
    await invalid([issue])(scope, receive, send)


async def _too_large(scope: Scope, receive: Receive, send: Send) -> None:
    limit = MAX_BODY_BYTES // (1024 * 1024)
    response = JSONResponse(
        {"detail": f"the request body is larger than {limit} MB", "code": "too_large"},
        status_code=413,
    )
    await response(scope, receive, send)
