"""The signed-in user's notices — an order at risk or overdue, a failed inspection, a late
purchase order, stock gone low, a zone out of range, each to the roles that act on it — and
their choice of how each kind reaches them (in the app, by email). New notices are announced on
the live-events stream (`notification`, to their user only)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field

from api.auth.access import Principal, requires
from api.deps import SessionDep, SettingsDep
from api.errors import ServiceUnavailable
from api.fields import MAX_ROW_NUMBER, Flag, RowNumber
from domain.access import Action
from domain.notifications import ROUTES, Choice, NoticeKind
from services.notifications import inbox

router = APIRouter()
# Every signed-in user has an inbox and choices of their own.
Someone = Annotated[Principal, requires(Action.READ)]


def _may_change(principal: Principal) -> None:
    """A session checked against the database (Redis is down) reads; it changes nothing."""
    if principal.degraded:
        raise ServiceUnavailable(
            "sessions cannot be checked while Redis is unavailable: reading works, "
            "changes wait until it is back"
        )


class ChoiceIO(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    kind: NoticeKind
    in_app: Flag = Field(description="Shown in the app's notification list")
    email: Flag = Field(description="Sent by email")


class KindChoice(ChoiceIO):
    roles: list[str] = Field(description="The roles this kind of notice goes to")


class NotificationSettings(BaseModel):
    choices: list[KindChoice] = Field(description="Every kind of notice your roles get")
    team_webhook: bool = Field(
        description="Whether the team channel (Slack or Mattermost) also gets every notice"
    )


class ChoicesIn(BaseModel):
    choices: list[ChoiceIO] = Field(max_length=len(NoticeKind))


class NotificationOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    kind: NoticeKind
    title: str
    body: str
    link: str = Field(description="The web app's page that shows it")
    created_at: datetime
    read_at: datetime | None


class Inbox(BaseModel):
    unread: int = Field(description="How many of all your notices are unread")
    items: list[NotificationOut]
    next_before: int | None = Field(description="Pass as `before` for the older ones")


class ReadIn(BaseModel):
    ids: list[RowNumber] | None = Field(
        None, max_length=500, description="The notices to mark read; omitted: all of them"
    )


class ReadOut(BaseModel):
    marked: int = Field(description="How many were unread")
    unread: int


def _settings_out(choices: list[Choice], webhook: bool) -> NotificationSettings:
    return NotificationSettings(
        choices=[
            KindChoice(kind=c.kind, in_app=c.in_app, email=c.email, roles=sorted(ROUTES[c.kind]))
            for c in choices
        ],
        team_webhook=webhook,
    )


@router.get("")
async def my_choices(
    principal: Someone, session: SessionDep, settings: SettingsDep
) -> NotificationSettings:
    """The kinds of notice your roles get and how each reaches you (both ways until chosen)."""
    chosen = await inbox.choices(session, principal.user_id, principal.roles)
    return _settings_out(chosen, bool(settings.notify_webhook_url))


@router.put("")
async def choose(
    body: ChoicesIn, principal: Someone, session: SessionDep, settings: SettingsDep
) -> NotificationSettings:
    """Choose how the given kinds reach you; kinds left out stay as they were. A kind your
    roles do not get is refused (422)."""
    _may_change(principal)
    chosen = await inbox.choose(
        session,
        principal.user_id,
        principal.roles,
        [Choice(c.kind, c.in_app, c.email) for c in body.choices],
    )
    return _settings_out(chosen, bool(settings.notify_webhook_url))


@router.get("/inbox")
async def my_inbox(
    principal: Someone,
    session: SessionDep,
    unread: Annotated[bool, Query(description="Only the unread")] = False,
    before: Annotated[
        int | None, Query(ge=1, le=MAX_ROW_NUMBER, description="Older than this notice")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> Inbox:
    """Your notices, newest first, with the count of the unread."""
    found = await inbox.newest(
        session, principal.user_id, unread_only=unread, before=before, limit=limit
    )
    return Inbox(
        unread=await inbox.unread_count(session, principal.user_id),
        items=[NotificationOut.model_validate(n) for n in found],
        next_before=found[-1].id if len(found) == limit else None,
    )


@router.post("/inbox/read")
async def mark_read(body: ReadIn, principal: Someone, session: SessionDep) -> ReadOut:
    """Mark notices read (the given ones, or all). Repeating it changes nothing."""
    _may_change(principal)
    marked = await inbox.mark_read(session, principal.user_id, body.ids)
    return ReadOut(marked=marked, unread=await inbox.unread_count(session, principal.user_id))
