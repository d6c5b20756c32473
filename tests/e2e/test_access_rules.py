"""Every route of the API, walked with no token, an expired one, a revoked one and each role:
the answer must be what the route declares. A new endpoint without a rule cannot hide: the app
refuses to start, and this walk finds every route in the OpenAPI schema."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt

from api.app import create_app
from api.auth.access import route_rules
from domain.access import STAGE_ACTIONS, Action, Role, may
from domain.stages import Stage
from tests.e2e.conftest import Stack
from tests.support import bearer_token

ROLES = list(Role)


def _routes(stack: Stack) -> dict[tuple[str, str], Action | str | None]:
    return {(r.method, r.path): r.access for r in route_rules(create_app(stack.settings).routes)}


def _urls(path: str) -> list[tuple[str, Stage | None]]:
    """Concrete URLs for a path template: ids are random (so nothing is found or changed)."""
    filled = re.sub(r"\{[a-z_]*id\}", lambda _: str(uuid.uuid4()), path)
    if "{stage}" in filled:
        return [(filled.replace("{stage}", stage.value), stage) for stage in Stage]
    return [(re.sub(r"\{[a-z_]+\}", "unknown", filled), None)]


def _expired(stack: Stack) -> str:
    now = datetime.now(UTC)
    claims = {
        "sub": str(uuid.uuid4()),
        "sid": "expired",
        "jti": "x",
        "type": "access",
        "roles": ["admin"],
        "iat": now - timedelta(hours=1),
        "exp": now - timedelta(minutes=1),
    }
    return jwt.encode(claims, stack.settings.jwt_secret, algorithm=stack.settings.jwt_algorithm)


async def _revoked(stack: Stack) -> str:
    token = await bearer_token(stack.services, Role.ADMIN)
    claims = stack.services.tokens.decode(token, "access")
    await stack.services.sessions_store.end(claims.sid, claims.user_id)
    return token


async def _call(stack: Stack, method: str, url: str, token: str | None) -> int:
    headers = {"Authorization": f"Bearer {token}"} if token else {"Authorization": ""}
    body: dict[str, Any] = {}
    if method in ("POST", "PUT", "PATCH"):
        body = {"data": {}} if url.endswith("/sign-in") else {"json": {}}
    response = await stack.api.request(method, url, headers=headers, **body)
    return response.status_code


async def test_every_route_answers_as_it_declares(stack: Stack) -> None:
    routes = _routes(stack)
    schema = (await stack.api.get("/api/openapi.json")).json()
    in_schema = {(m.upper(), p) for p, ops in schema["paths"].items() for m in ops}
    assert in_schema <= set(routes), "the schema and the app disagree"
    assert len(in_schema) >= 40
    undeclared = sorted(k for k in in_schema if routes[k] is None)
    assert not undeclared, f"routes without an access rule: {undeclared}"

    expired, revoked = _expired(stack), await _revoked(stack)
    checked = 0
    for method, path in sorted(in_schema):
        declared = routes[method, path]
        for url, stage in _urls(path):
            answers = {
                "no token": await _call(stack, method, url, None),
                "expired": await _call(stack, method, url, expired),
                "revoked": await _call(stack, method, url, revoked),
            }
            for role in ROLES:
                answers[role.value] = await _call(
                    stack, method, url, await bearer_token(stack.services, role)
                )
            action = STAGE_ACTIONS[stage] if declared == "by stage" and stage else declared
            for who, status in answers.items():
                if action == "public":
                    expected_denied: int | None = None
                elif who in ("no token", "expired", "revoked"):
                    expected_denied = 401
                elif action == "signed in" or (
                    isinstance(action, Action) and may([Role(who)], action)
                ):
                    expected_denied = None
                else:
                    expected_denied = 403
                where = f"{method} {url} as {who} ({action})"
                if expected_denied is None:
                    assert status not in (401, 403), f"{where}: {status}, expected access"
                else:
                    assert status == expected_denied, (
                        f"{where}: {status}, expected {expected_denied}"
                    )
                checked += 1
    assert checked > 400
