"""What the web app shows about this installation: its version and where the Temporal UI is."""

from __future__ import annotations

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from api.auth.access import requires
from api.deps import SettingsDep
from domain.access import Action

router = APIRouter()


class AboutOut(BaseModel):
    version: str
    environment: str
    temporal_ui_url: str = Field(description="Each order's workflow is at .../workflows/<id>")
    temporal_namespace: str


@router.get("", dependencies=[requires(Action.READ)])
async def about(request: Request, settings: SettingsDep) -> AboutOut:
    return AboutOut(
        version=request.app.version,
        environment=settings.environment,
        temporal_ui_url=settings.temporal_ui_url.rstrip("/"),
        temporal_namespace=settings.temporal_namespace,
    )
