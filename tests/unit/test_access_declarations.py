import pytest
from fastapi import APIRouter, FastAPI

from api.auth.access import PUBLIC, CurrentUser, refuse_undeclared, requires, route_rules
from domain.access import Action


def _app(*routers: APIRouter) -> FastAPI:
    app = FastAPI()
    for router in routers:
        app.include_router(router, prefix="/api/x")
    return app


def test_an_endpoint_without_a_rule_stops_the_app() -> None:
    router = APIRouter()

    @router.get("/forgotten")
    async def forgotten() -> dict[str, str]:
        return {}

    with pytest.raises(RuntimeError, match=r"GET /api/x/forgotten"):
        refuse_undeclared(_app(router))


def test_declarations_are_found_through_included_routers() -> None:
    router = APIRouter()

    @router.get("/open", dependencies=[PUBLIC])
    async def open_() -> None: ...

    @router.get("/mine")
    async def mine(user: CurrentUser) -> None: ...

    @router.post("/stock", dependencies=[requires(Action.READ)])
    async def stock(user: CurrentUser) -> None: ...

    app = _app(router)
    refuse_undeclared(app)
    assert {(r.method, r.path): r.access for r in route_rules(app.routes)} == {
        ("GET", "/api/x/open"): "public",
        ("GET", "/api/x/mine"): "signed in",
        ("POST", "/api/x/stock"): Action.READ,
    }
