"""Administration of accounts: list them, set their roles, deactivate and reactivate them.
A change of roles or deactivation ends the account's sessions at once."""

from __future__ import annotations

import uuid
from typing import Annotated

import structlog
from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from api.auth.access import Principal, requires
from api.deps import SessionDep, SignInsDep
from api.fields import Page
from api.queries.users import user_page
from api.routers.account import UserOut, end_sessions
from domain.access import Action, Role
from domain.errors import Conflict
from services.accounts import users

router = APIRouter()
log = structlog.get_logger(__name__)
Admin = Annotated[Principal, requires(Action.MANAGE_USERS)]


class RolesIn(BaseModel):
    roles: list[Role] = Field(max_length=len(Role))


class UserPage(BaseModel):
    items: list[UserOut]
    total: int
    page: int
    size: int


@router.get("")
async def list_users(
    admin: Admin,
    session: SessionDep,
    role: Role | None = None,
    active: bool | None = None,
    search: str | None = None,
    page: Annotated[Page, Query()] = 1,
    size: Annotated[int, Query(ge=1, le=200)] = 50,
) -> UserPage:
    total, rows = await user_page(session, role, active, search, page, size)
    return UserPage(
        items=[UserOut.model_validate(u) for u in rows], total=total, page=page, size=size
    )


@router.get("/{user_id}")
async def get_user(user_id: uuid.UUID, admin: Admin, session: SessionDep) -> UserOut:
    return UserOut.model_validate(await users.get_user(session, user_id))


def _not_self(admin: Principal, user_id: uuid.UUID, what: str) -> None:
    if admin.user_id == user_id:
        raise Conflict(f"admins cannot {what} themselves; ask another admin")


@router.put("/{user_id}/roles")
async def set_roles(
    user_id: uuid.UUID, body: RolesIn, admin: Admin, session: SessionDep, sign_ins: SignInsDep
) -> UserOut:
    """Replace the account's roles; its sessions end, so the new roles apply at next sign-in."""
    if Role.ADMIN not in body.roles:
        _not_self(admin, user_id, "remove the admin role from")
    user = await users.get_user(session, user_id, lock=True)
    await users.keep_an_admin(session, user, stays_admin=Role.ADMIN in body.roles)
    user.roles = sorted({r.value for r in body.roles})
    await end_sessions(sign_ins, session, user)
    log.info("user.roles_set", user_id=str(user.id), roles=user.roles, by=admin.email)
    return UserOut.model_validate(user)


@router.post("/{user_id}/deactivate")
async def deactivate(
    user_id: uuid.UUID, admin: Admin, session: SessionDep, sign_ins: SignInsDep
) -> UserOut:
    _not_self(admin, user_id, "deactivate")
    user = await users.get_user(session, user_id, lock=True)
    await users.keep_an_admin(session, user, stays_admin=False)
    user.is_active = False
    ended = await end_sessions(sign_ins, session, user)
    log.info("user.deactivated", user_id=str(user.id), sessions_ended=ended, by=admin.email)
    return UserOut.model_validate(user)


@router.post("/{user_id}/activate")
async def activate(user_id: uuid.UUID, admin: Admin, session: SessionDep) -> UserOut:
    user = await users.get_user(session, user_id, lock=True)
    user.is_active = True
    log.info("user.activated", user_id=str(user.id), by=admin.email)
    return UserOut.model_validate(user)
