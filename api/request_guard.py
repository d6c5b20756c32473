"""Requests are checked for what no field may hold before any endpoint sees them: a NUL
character or a lone UTF-16 surrogate anywhere in the path, the query or the body (PostgreSQL
cannot store either, and a surrogate cannot even be written back in an error), and bodies past
`MAX_BODY_BYTES` (while all requests together hold more than `BODIES_AT_ONCE_BYTES`, a
503). One place for it, instead of a rule on every text field."""

from __future__ import annotations

import re

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.errors import Issue, invalid, unavailable

MAX_BODY_BYTES = 16 * 1024 * 1024
# What all requests together may hold in bodies at once: a crowd of large requests (sent by
# anyone, before any sign-in is checked) waits its turn instead of filling the memory.
BODIES_AT_ONCE_BYTES = 64 * 1024 * 1024
# Each JSON escape, backslash pairs consumed so that `\\u0000` (a backslash, then "u0000") is
# told from `\u0000` (a NUL).
_ESCAPE = re.compile(rb"\\(?:u([0-9a-fA-F]{4})|.)", re.DOTALL)
_PERCENT_NUL = re.compile(rb"%00")
# A UTF-16 surrogate encoded as UTF-8 (invalid UTF-8, but Python's JSON reader lets it through).
_RAW_SURROGATE = re.compile(rb"\xed[\xa0-\xbf][\x80-\xbf]")
_PERCENT_SURROGATE = re.compile(rb"%ed%[ab][0-9a-f]%[89ab][0-9a-f]", re.IGNORECASE)


class RequestGuard:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self._held = 0  # bytes of bodies held by all requests now

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        where = _in_url(scope)
        if where:
            await _refuse(where, scope, receive, send)
            return
        if _declared_length(scope) > MAX_BODY_BYTES:
            await _too_large(scope, receive, send)
            return
        received, more, held = bytearray(), True, 0
        try:
            while more:
                message = await receive()
                if message["type"] == "http.disconnect":
                    return
                chunk = message.get("body", b"")
                received += chunk
                held += len(chunk)
                self._held += len(chunk)
                more = message.get("more_body", False)
                if len(received) > MAX_BODY_BYTES:
                    await _too_large(scope, receive, send)
                    return
                if self._held > BODIES_AT_ONCE_BYTES:
                    await _busy(scope, receive, send)
                    return
            body = bytes(received)
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
        finally:
            self._held -= held


def _in_url(scope: Scope) -> str | None:
    if "\x00" in scope["path"]:
        return "path"
    query: bytes = scope.get("query_string", b"")
    if b"\x00" in query or _percent_encoded_trouble(query):
        return "query"
    return None


def _in_body(body: bytes, content_type: str) -> str | None:
    if b"\x00" in body or _RAW_SURROGATE.search(body):
        return "body"
    if "json" in content_type and _bad_json_escapes(body):
        return "body"
    if "x-www-form-urlencoded" in content_type and _percent_encoded_trouble(body):
        return "body"
    return None


def _percent_encoded_trouble(text: bytes) -> bool:
    return bool(_PERCENT_NUL.search(text) or _PERCENT_SURROGATE.search(text))


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


def _header(scope: Scope, wanted: bytes) -> str:
    for name, value in scope.get("headers", []):
        if name == wanted:
            return str(value.decode("latin-1"))
    return ""


def _content_type(scope: Scope) -> str:
    return _header(scope, b"content-type").lower()


def _declared_length(scope: Scope) -> int:
    """The Content-Length the client announced (0 when none or unreadable)."""
    length = _header(scope, b"content-length")
    return int(length) if length.isdigit() else 0


async def _refuse(where: str, scope: Scope, receive: Receive, send: Send) -> None:
    issue = Issue(
        loc=[where],
        msg="text may not contain NUL characters or unpaired UTF-16 surrogates",
        type="invalid_characters",
    )
    await invalid([issue])(scope, receive, send)


async def _busy(scope: Scope, receive: Receive, send: Send) -> None:
    await unavailable("too many large requests at once; try again shortly")(scope, receive, send)


async def _too_large(scope: Scope, receive: Receive, send: Send) -> None:
    limit = MAX_BODY_BYTES // (1024 * 1024)
    response = JSONResponse(
        {"detail": f"the request body is larger than {limit} MB", "code": "too_large"},
        status_code=413,
    )
    await response(scope, receive, send)
