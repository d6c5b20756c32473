"""Prometheus metrics of the HTTP API, labelled by route template (never by id)."""

from __future__ import annotations

import time

import structlog
from fastapi.routing import iter_route_contexts
from prometheus_client import CONTENT_TYPE_LATEST, Counter, Gauge, Histogram, generate_latest
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

access_log = structlog.get_logger("api.access")

REQUESTS = Counter(
    "http_requests_total",
    "HTTP requests by method, route template and status",
    ["method", "route", "status"],
)
LATENCY = Histogram(
    "http_request_duration_seconds",
    "HTTP request latency by method and route template",
    ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
RESPONSE_SIZE = Histogram(
    "http_response_size_bytes",
    "HTTP response body sizes by route template",
    ["route"],
    buckets=(100, 1_000, 10_000, 100_000, 1_000_000),
)
IN_FLIGHT = Gauge("http_requests_in_flight", "HTTP requests being served")


# Answers that stream for minutes by design (live events): counted, but kept out of the latency
# histogram, whose alerts are about requests that should be quick.
STREAMING_ROUTES = frozenset({"/api/events"})


class MetricsMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self._templates: dict[int, str] | None = None  # id(route) -> its full path template

    def route_template(self, scope: Scope) -> str:
        """The matched route as the app declares it: /api/production/orders/{order_id}."""
        route = scope.get("route")
        if route is None:
            return "unmatched"
        if self._templates is None:  # the routes are fixed once the app serves
            self._templates = {
                id(context.original_route): context.path_format
                for context in iter_route_contexts(scope["app"].routes)
                if context.path_format
            }
        return self._templates.get(id(route)) or str(getattr(route, "path", "unmatched"))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status, size = 500, 0

        async def counting_send(message: Message) -> None:
            nonlocal status, size
            if message["type"] == "http.response.start":
                status = message["status"]
            elif message["type"] == "http.response.body":
                size += len(message.get("body", b""))
            await send(message)

        IN_FLIGHT.inc()
        try:
            await self.app(scope, receive, counting_send)
        finally:
            IN_FLIGHT.dec()
            route = self.route_template(scope)
            method = scope["method"]
            elapsed = time.perf_counter() - started
            REQUESTS.labels(method, route, str(status)).inc()
            if route not in STREAMING_ROUTES:
                LATENCY.labels(method, route).observe(elapsed)
            RESPONSE_SIZE.labels(route).observe(size)
            access_log.info(
                "http.request",
                method=method,
                path=scope["path"],
                route=route,
                status=status,
                ms=round(elapsed * 1000, 1),
                # The proxy's X-Forwarded-For only from FORWARDED_ALLOW_IPS (uvicorn); in the
                # log, never as a metric label (one series per address).
                client=scope["client"][0] if scope.get("client") else None,
                user_agent=_header(scope, b"user-agent"),
            )


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key == name:
            return str(value.decode("latin-1"))[:300]
    return None


async def metrics_endpoint(request: Request) -> Response:
    gauges = getattr(request.app.state, "workshop_gauges", None)
    if gauges is not None:
        await gauges.refresh()
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)


ZONE_READINGS_OUT_OF_RANGE = Counter(
    "zhuchka_zone_readings_out_of_range_total",
    "Zone temperature or humidity readings outside the zone's range",
    ["warehouse", "zone_type"],
)
