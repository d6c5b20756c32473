"""What every endpoint declares about who may call it.

    dependencies=[PUBLIC]                       anyone, signed in or not (health, sign-in)
    principal: CurrentUser                      any signed-in user (their own account)
    principal: Annotated[Principal, requires(Action.MOVE_STOCK)]
                                                a signed-in user whose roles allow the action
    principal: StageCompleter                   the action depends on the `{stage}` path segment

`domain.access` decides which roles allow which action. `create_app` refuses to start if a
route declares nothing, and the test suite walks every route with every role.

The roles are the live session's (kept in Redis since sign-in), never the token's. While Redis
is down the account is read from the database instead (active, its sessions not ended since the
token was issued): reading goes on, while changes answer 503 until sessions can be checked
again, since a session signed out meanwhile cannot be told apart.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Request
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.security import OAuth2PasswordBearer
from redis.exceptions import RedisError
from starlette.routing import BaseRoute

from api.auth.tokens import Claims
from api.deps import SessionsDep, SignInsDep, TokensDep
from api.errors import ServiceUnavailable
from api.server_timing import timed
from domain.access import READ_ONLY_ACTIONS, STAGE_ACTIONS, Action, Role, may, roles_for
from domain.errors import Forbidden, Unauthenticated
from domain.stages import Stage
from persistence.database import SessionFactory
from services.accounts import users

_bearer = OAuth2PasswordBearer(tokenUrl="/api/user/sign-in", auto_error=False)


@dataclass(frozen=True)
class Principal:
    user_id: Any
    email: str
    roles: tuple[Role, ...]
    sid: str
    # Checked against the database because Redis is down: may read, may not change anything.
    degraded: bool = False


_ENDED = "the session has ended; sign in again"


async def authenticate(
    request: Request,
    token: Annotated[str | None, Depends(_bearer)],
    tokens: TokensDep,
    sign_ins: SignInsDep,
    sessions: SessionsDep,
) -> Principal:
    if not token:
        raise Unauthenticated("sign in first: send 'Authorization: Bearer <access token>'")
    claims = tokens.decode(token, "access")
    try:
        with timed("auth"):
            live = await sign_ins.live(claims)
    except RedisError:
        principal = await _from_database(sessions, claims)
    else:
        if live is None:
            raise Unauthenticated(_ENDED)
        principal = Principal(claims.user_id, claims.email, live.roles, claims.sid)
    request.state.actor = principal.email  # who the request's writes are in the audit log
    return principal


async def _from_database(sessions: SessionFactory, claims: Claims) -> Principal:
    async with sessions() as session:
        user = await users.find_user(session, claims.user_id)
    if user is None or not users.token_still_valid(user, claims.issued_at):
        raise Unauthenticated(_ENDED)
    roles = tuple(Role(r) for r in user.roles)
    return Principal(claims.user_id, claims.email, roles, claims.sid, degraded=True)


authenticate.access_action = "signed in"  # type: ignore[attr-defined]
CurrentUser = Annotated[Principal, Depends(authenticate)]


def _check(principal: Principal, action: Action) -> Principal:
    if principal.degraded and action not in READ_ONLY_ACTIONS:
        raise ServiceUnavailable(
            "sessions cannot be checked while Redis is unavailable: reading works, "
            "changes wait until it is back"
        )
    if not may(principal.roles, action):
        allowed = ", ".join(r.value for r in roles_for(action))
        raise Forbidden(
            f"{action.value} needs one of the roles: {allowed}",
            action=action.value,
            roles=",".join(r.value for r in principal.roles),
        )
    return principal


def requires(action: Action) -> Any:
    """A dependency admitting signed-in users whose roles allow `action`."""

    async def check(principal: CurrentUser) -> Principal:
        return _check(principal, action)

    check.access_action = action  # type: ignore[attr-defined]
    return Depends(check)


async def _stage_completer(stage: Stage, principal: CurrentUser) -> Principal:
    return _check(principal, STAGE_ACTIONS[stage])


_stage_completer.access_action = "by stage"  # type: ignore[attr-defined]
StageCompleter = Annotated[Principal, Depends(_stage_completer)]


async def _public(request: Request) -> None:
    """Open to anyone."""


_public.access_action = "public"  # type: ignore[attr-defined]
PUBLIC = Depends(_public)


@dataclass(frozen=True)
class RouteRule:
    method: str
    path: str  # the full template, prefixes included
    access: Action | str | None


def route_rules(routes: Sequence[BaseRoute]) -> list[RouteRule]:
    """Every method and path of the app's API routes with what each declared."""
    rules: list[RouteRule] = []
    for context in iter_route_contexts(routes):
        route = context.original_route
        if isinstance(route, APIRoute):
            declared = declared_access(route)
            path = context.path_format or route.path
            rules += [RouteRule(method, path, declared) for method in sorted(route.methods or ())]
    return rules


def refuse_undeclared(app: FastAPI) -> None:
    """Stop the app from starting with a route that declares no access rule."""
    undeclared = [f"{r.method} {r.path}" for r in route_rules(app.routes) if r.access is None]
    if undeclared:
        raise RuntimeError(f"routes without an access rule: {', '.join(undeclared)}")


def declared_access(route: APIRoute) -> Action | str | None:
    """What a route declared: an Action, "by stage", "public", "signed in" — or None (a
    mistake). The most specific declaration wins (an action over merely signed in)."""
    found: list[Action | str] = []

    def walk(dependant: Dependant) -> None:
        for sub in dependant.dependencies:
            declared = getattr(sub.call, "access_action", None)
            if declared is not None:
                found.append(declared)
            walk(sub)

    walk(route.dependant)
    specific = [d for d in found if d != "signed in"]
    return specific[0] if specific else (found[0] if found else None)
