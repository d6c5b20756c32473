"""The HTTP server for the API (uvicorn), configured so that the client's address is the peer's
unless the peer is a proxy named in FORWARDED_ALLOW_IPS: nobody else can choose the address the
rate limits count against by sending X-Forwarded-For."""

from __future__ import annotations

import math
import socket

import uvicorn
from fastapi import FastAPI

from api.app import create_app
from api.deps import Services
from core.settings import Settings


class ApiServer(uvicorn.Server):
    """Ends the live-event streams first when it stops: they would otherwise hold the shutdown
    for as long as they last, and their browsers reconnect to the next process and catch up."""

    def __init__(self, config: uvicorn.Config, app: FastAPI) -> None:
        super().__init__(config)
        self._app = app

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        services: Services | None = getattr(self._app.state, "services", None)
        if services is not None:
            services.events.end_streams()
        await super().shutdown(sockets)


def api_server(settings: Settings, app: FastAPI | None = None) -> uvicorn.Server:
    trusted = settings.forwarded_allow_ips.strip()
    app = app or create_app(settings)
    config = uvicorn.Config(
        app,
        host=settings.api_host,
        port=settings.api_port,
        log_config=None,
        access_log=False,
        server_header=False,
        proxy_headers=bool(trusted),
        forwarded_allow_ips=trusted or None,
        # A request still running this long after a stop is cut short (longer than the wait
        # for a workflow's answer, so a stage report in flight gets its answer).
        timeout_graceful_shutdown=math.ceil(settings.workflow_call_timeout_seconds) + 5,
    )
    return ApiServer(config, app)


def shared_socket(settings: Settings) -> socket.socket:
    """The API's listening socket, shared with the other API processes on this port
    (SO_REUSEPORT: the kernel hands each new connection to one of them)."""
    family = socket.AF_INET6 if ":" in settings.api_host else socket.AF_INET
    listening = socket.socket(family, socket.SOCK_STREAM)
    listening.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listening.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    listening.bind((settings.api_host, settings.api_port))
    listening.listen(2048)
    listening.set_inheritable(True)
    return listening
