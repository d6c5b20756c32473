"""The OpenAPI document tells the truth about errors: every operation declares the error answers
it can give, each with its body's schema (`api.errors`), by one rule instead of by hand:

    401  every operation but the public ones            (no, an expired or an ended session)
    403  operations that need more than reading          (the caller's roles do not allow it)
    404  operations with path parameters, ids or a body  (an id or a key that does not exist)
    409  operations that change something                (it clashes with the current state)
    413  every operation                                  (a body larger than the guard allows)
    422  every operation                                 (malformed; NUL or surrogates anywhere)
    503  every operation but liveness                    (PostgreSQL, Redis or Temporal is down)

What a route declares itself (sign-in's 403 and 429, readiness's 503 body) stands.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic import BaseModel

from api.auth.access import route_rules
from api.errors import ErrorOut, ValidationErrorOut
from domain.access import Action

_WHY = {
    "401": "Not signed in, or the session has ended",
    "403": "The caller's roles do not allow this",
    "404": "Something named does not exist",
    "409": "The request clashes with the current state",
    "413": "The request body is too large",
    "422": "The request is malformed or breaks a rule of its own",
    "503": "A dependency (PostgreSQL, Redis, Temporal) is unavailable; see Retry-After",
}
_NEVER_DOWN = {"/api/health", "/api/health/liveness"}
_FASTAPI_422 = "#/components/schemas/HTTPValidationError"
_RETRY_AFTER = {
    "description": "Seconds to wait before trying again",
    "schema": {"type": "integer", "minimum": 1},
}
_WRITES = {"post", "put", "patch", "delete"}


def errors_declared(app: FastAPI) -> Callable[[], dict[str, Any]]:
    """An `app.openapi` that adds the error answers to FastAPI's document (built once)."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = get_openapi(
                title=app.title,
                version=app.version,
                summary=app.summary,
                description=app.description,
                routes=app.routes,
            )
            _declare(document, _access_by_operation(app))
            app.openapi_schema = document
        return app.openapi_schema

    return openapi


def _access_by_operation(app: FastAPI) -> dict[tuple[str, str], Action | str | None]:
    return {(r.method.lower(), r.path): r.access for r in route_rules(app.routes)}


def _declare(document: dict[str, Any], access: dict[tuple[str, str], Action | str | None]) -> None:
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    for model in (ErrorOut, ValidationErrorOut):
        _add_schema(schemas, model)
    for name in ("HTTPValidationError", "ValidationError"):
        schemas.pop(name, None)
    for path, operations in document.get("paths", {}).items():
        for method, operation in operations.items():
            rule = access.get((method, path))
            responses = operation.setdefault("responses", {})
            for status in _statuses(path, method, operation, rule):
                model = ValidationErrorOut if status == "422" else ErrorOut
                schema: dict[str, Any] = {"$ref": f"#/components/schemas/{model.__name__}"}
                declared = _declared_schema(responses.get(status))
                if declared is not None and declared.get("$ref") != _FASTAPI_422:
                    if status != "422":
                        continue  # the route's own answer for this status stands
                    schema = {"anyOf": [declared, schema]}  # its own 422 body, or malformed
                responses[status] = {
                    "description": responses.get(status, {}).get("description", _WHY[status]),
                    "content": {"application/json": {"schema": schema}},
                }
            if "503" in responses:
                responses["503"]["headers"] = {"Retry-After": _RETRY_AFTER}


def _declared_schema(response: dict[str, Any] | None) -> dict[str, Any] | None:
    if response is None:
        return None
    schema: dict[str, Any] | None = (
        response.get("content", {}).get("application/json", {}).get("schema")
    )
    return schema or {}


def _statuses(
    path: str, method: str, operation: dict[str, Any], rule: Action | str | None
) -> list[str]:
    parameters = operation.get("parameters", [])
    has_body = "requestBody" in operation
    found = ["422"]
    if rule != "public":
        found.append("401")
    if rule == "by stage" or (isinstance(rule, Action) and rule is not Action.READ):
        found.append("403")
    if has_body or any(p.get("in") == "path" or _names_an_id(p) for p in parameters):
        found.append("404")
    if method in _WRITES:
        found.append("409")
    found.append("413")
    if path not in _NEVER_DOWN:
        found.append("503")
    return sorted(found)


def _names_an_id(parameter: dict[str, Any]) -> bool:
    """A query parameter that names something by its id or SKU, which may not exist."""
    if parameter.get("in") != "query":
        return False
    named = str(parameter.get("name", "")).endswith(("_id", "_sku"))
    return named or '"uuid"' in json.dumps(parameter.get("schema", {}))


def _add_schema(schemas: dict[str, Any], model: type[BaseModel]) -> None:
    schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
    for name, definition in schema.pop("$defs", {}).items():
        schemas.setdefault(name, definition)
    schemas[model.__name__] = schema
