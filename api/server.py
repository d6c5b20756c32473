"""The HTTP server for the API (uvicorn), configured so that the client's address is the peer's
unless the peer is a proxy named in FORWARDED_ALLOW_IPS: nobody else can choose the address the
rate limits count against by sending X-Forwarded-For."""

from __future__ import annotations

import uvicorn
from fastapi import FastAPI

from api.app import create_app
from zhuchka.settings import Settings


def api_server(settings: Settings, app: FastAPI | None = None) -> uvicorn.Server:
    trusted = settings.forwarded_allow_ips.strip()
    config = uvicorn.Config(
        app or create_app(settings),
        host=settings.api_host,
        port=settings.api_port,
        log_config=None,
        access_log=False,
        server_header=False,
        proxy_headers=bool(trusted),
        forwarded_allow_ips=trusted or None,
    )
    return uvicorn.Server(config)
