"""Requests a client may repeat (after a 503, a timeout, a double click) have one effect.

A client may send an `Idempotency-Key` header, scoped to who sent it; what the request said is
kept as a digest beside what it did. A repeat with the same key and the same request gets the
first answer; the same key with a different request is refused with 422, as the IETF
Idempotency-Key draft and Stripe do.
"""

from __future__ import annotations

import hashlib
import json
from typing import Annotated, Any

from fastapi import Header

IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=200,
        pattern=r"^[\x21-\x7e]+$",
        description="Any printable text of yours; a repeat of the request with it has no "
        "further effect",
    ),
]


def digest(*parts: Any) -> str:
    """A fingerprint of what a request said (JSON-able parts, order of keys irrelevant)."""
    text = json.dumps(parts, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def stored_key(kind: str, user_id: object, key: str) -> str:
    """A client's key as it is stored: its sender's own (two users' keys never meet), and short
    whatever the client sent (`kind` tells what it took: an order, a move, a receipt)."""
    return f"{kind}:{digest(str(user_id), key)[:40]}"
