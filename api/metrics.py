"""Prometheus metrics of the HTTP API, labelled by route template (never by id)."""

from __future__ import annotations

import time

import structlog
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


def route_template(scope: Scope) -> str:
    """The matched route with its parameters as `{name}`: /api/production/orders/{order_id}."""
    if "route" not in scope:
        return "unmatched"
    names = {str(value): name for name, value in scope.get("path_params", {}).items()}
    return "/".join(
        f"{{{names[segment]}}}" if segment in names else segment
        for segment in scope["path"].split("/")
    )


class MetricsMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

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
            route = route_template(scope)
            method = scope["method"]
            elapsed = time.perf_counter() - started
            REQUESTS.labels(method, route, str(status)).inc()
            LATENCY.labels(method, route).observe(elapsed)
            RESPONSE_SIZE.labels(route).observe(size)
            access_log.info(
                "http.request",
                method=method,
                path=scope["path"],
                route=route,
                status=status,
                ms=round(elapsed * 1000, 1),
            )


async def metrics_endpoint(request: Request) -> Response:
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)


ZONE_READINGS_OUT_OF_RANGE = Counter(
    "zhuchka_zone_readings_out_of_range_total",
    "Zone temperature or humidity readings outside the zone's range",
    ["warehouse", "zone_type"],
)
