"""Development only: the messages the local mail server of `make run` received, so a person can
confirm an account or reset a password without a real mailbox. Only admins may read it: the
messages carry confirmation and password-reset tokens."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter
from pydantic import BaseModel

from api.auth.access import requires
from api.deps import SettingsDep
from core.mailbox import read_mailbox
from domain.access import Action

router = APIRouter()


class MessageOut(BaseModel):
    to: str
    subject: str
    body: str
    received_at: datetime


@router.get("/mail", dependencies=[requires(Action.DIAGNOSE)])
async def mail(settings: SettingsDep, to: str | None = None) -> list[MessageOut]:
    """Newest first; `to` filters by recipient."""
    messages = read_mailbox(settings.data_dir / "mail")
    return [
        MessageOut(to=m.to, subject=m.subject, body=m.body, received_at=m.received_at)
        for m in messages
        if to is None or m.to.lower() == to.lower()
    ]
