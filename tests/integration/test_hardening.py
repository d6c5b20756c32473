"""What fault injection, fuzzing and a newcomer found, each kept fixed: forged roles, an open
outbox, spoofable addresses, exposed internals, missing headers, CSV formulas, LIKE wildcards,
and inputs that used to give 500s (real PostgreSQL and Redis; no Temporal in this tier)."""

from __future__ import annotations

import asyncio
import email.message
import json
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest
import structlog
from sqlalchemy import any_, func, literal, select, update

from api.auth.passwords import hash_password
from core.settings import Settings
from domain.access import Role
from domain.limits import MAX_ON_HAND
from persistence.database import SessionFactory
from persistence.tables import StockLevel, User
from tests.support import Demo, api_client, bearer_token, running_app, served_api


@pytest.fixture
async def viewer(settings: Settings, sessions: SessionFactory) -> AsyncIterator[httpx.AsyncClient]:
    async with api_client(settings, as_role=Role.VIEWER) as client:
        yield client


# --- who may do what ------------------------------------------------------------------------


async def test_a_forged_roles_claim_counts_for_nothing(
    settings: Settings, sessions: SessionFactory
) -> None:
    async with running_app(settings) as (client, services):
        token = await bearer_token(services, Role.VIEWER)
        claims = jwt.decode(token, settings.jwt_secret, algorithms=[settings.jwt_algorithm])
        forged = jwt.encode(
            {**claims, "roles": ["admin"]}, settings.jwt_secret, algorithm=settings.jwt_algorithm
        )
        answer = await client.get("/api/users", headers={"Authorization": f"Bearer {forged}"})
        assert answer.status_code == 403
        assert "admin" in answer.json()["detail"]


async def test_roles_come_from_the_session_not_from_the_token(
    settings: Settings, sessions: SessionFactory
) -> None:
    """An admin's token whose session was started as a viewer's is a viewer's."""
    async with running_app(settings) as (client, services):
        admin = await bearer_token(services, Role.ADMIN)
        claims = services.tokens.decode(admin, "access")
        await services.redis.hset(f"session:{claims.sid}", "roles", "viewer")
        answer = await client.get("/api/users", headers={"Authorization": f"Bearer {admin}"})
        assert answer.status_code == 403


async def test_a_refresh_takes_what_the_database_says_now(
    settings: Settings, sessions: SessionFactory
) -> None:
    """A session started before a change of roles (or a deactivation) that it raced with does
    not keep the old ones past its next refresh."""
    async with running_app(settings) as (client, services):
        await bearer_token(services, Role.VIEWER)  # the account
        async with sessions.begin() as session:
            user = await session.scalar(select(User).where(User.email == "viewer@tests.example"))
            assert user is not None
            pair = await services.sessions_store.start(user.id, user.email, (Role.VIEWER,))
            user.roles = ["admin"]
        refreshed = await client.post(
            "/api/user/token/refresh", json={"refresh_token": pair.refresh_token}
        )
        assert refreshed.status_code == 200, refreshed.text
        bearer = {"Authorization": f"Bearer {refreshed.json()['access_token']}"}
        assert (await client.get("/api/users", headers=bearer)).status_code == 200
        async with sessions.begin() as session:
            await session.execute(update(User).values(is_active=False))
        ended = await client.post(
            "/api/user/token/refresh", json={"refresh_token": refreshed.json()["refresh_token"]}
        )
        assert ended.status_code == 401


async def test_the_dev_outbox_is_for_admins_only(
    settings: Settings, sessions: SessionFactory, tmp_path: Path
) -> None:
    mailbox = tmp_path / "mail"
    mailbox.mkdir()
    message = email.message.EmailMessage()
    message["To"], message["Subject"] = "anna@zhuchka.example", "Reset your Zhuchka MES password"
    message.set_content("  a-secret-reset-token-0123456789\n")
    (mailbox / "1.eml").write_bytes(message.as_bytes())
    dev = settings.model_copy(update={"environment": "dev", "data_dir": tmp_path})
    async with running_app(dev) as (client, services):
        anonymous = await client.get("/api/dev/mail")
        viewer = await client.get(
            "/api/dev/mail",
            headers={"Authorization": f"Bearer {await bearer_token(services, Role.VIEWER)}"},
        )
        admin = await client.get(
            "/api/dev/mail",
            headers={"Authorization": f"Bearer {await bearer_token(services, Role.ADMIN)}"},
        )
    assert (anonymous.status_code, viewer.status_code) == (401, 403)
    assert "a-secret-reset-token" not in anonymous.text + viewer.text
    assert admin.status_code == 200
    assert admin.json()[0]["to"] == "anna@zhuchka.example"


async def test_admins_list_users_by_role(api: httpx.AsyncClient) -> None:
    answer = await api.get("/api/users", params={"role": "admin"})
    assert answer.status_code == 200
    assert [u["roles"] for u in answer.json()["items"]] == [["admin"]]
    assert (await api.get("/api/users", params={"role": "planner"})).json()["total"] == 0


# --- sign-in limits and client addresses ------------------------------------------------------


async def _spoofed_sign_ins(base: str, count: int) -> list[int]:
    async with httpx.AsyncClient(base_url=base) as client:
        return [
            (
                await client.post(
                    "/api/user/sign-in",
                    data={"username": f"nobody-{n}@zhuchka.example", "password": "guess-it-1"},
                    headers={"X-Forwarded-For": f"203.0.113.{n}"},
                )
            ).status_code
            for n in range(count)
        ]


async def test_a_spoofed_forwarded_for_does_not_dodge_the_address_limit(
    settings: Settings, sessions: SessionFactory
) -> None:
    limit = settings.rate_limit_per_ip
    async with served_api(settings) as base:  # no trusted proxy: the peer's address counts
        answers = await _spoofed_sign_ins(base, limit + 1)
    assert answers == [401] * limit + [429]


async def test_a_trusted_proxy_names_the_client(
    settings: Settings, sessions: SessionFactory
) -> None:
    limit = settings.rate_limit_per_ip
    async with served_api(settings, forwarded_allow_ips="127.0.0.1") as base:
        answers = await _spoofed_sign_ins(base, limit + 1)
    assert answers == [401] * (limit + 1)  # each client counted on its own


# --- what the public sees --------------------------------------------------------------------


async def test_readiness_says_what_is_down_and_nothing_more(
    settings: Settings, sessions: SessionFactory
) -> None:
    async with api_client(settings, as_role=None) as anonymous:
        ready = await anonymous.get("/api/health/readiness")
        assert ready.status_code == 503  # no Temporal in this tier
        checks = ready.json()["checks"]
        assert checks["temporal"] == {
            "status": "failed",
            "latency_ms": checks["temporal"]["latency_ms"],
            "error": None,
        }
        assert checks["database"]["status"] == checks["redis"]["status"] == "ok"
        assert int(ready.headers["Retry-After"]) > 0
        assert (await anonymous.get("/api/health/deep")).status_code == 401


async def test_the_deep_check_is_for_admins_and_audits_stock(
    api: httpx.AsyncClient, viewer: httpx.AsyncClient, demo: Demo
) -> None:
    assert (await viewer.get("/api/health/deep")).status_code == 403
    deep = await api.get("/api/health/deep")
    assert deep.status_code == 503  # Temporal is absent here
    checks = deep.json()["checks"]
    assert checks["stock"]["status"] == "ok"
    assert checks["temporal"]["error"]  # admins see why


async def test_the_stock_audit_runs_once_for_many_deep_checks(
    settings: Settings, sessions: SessionFactory
) -> None:
    async with running_app(settings) as (client, services):
        headers = {"Authorization": f"Bearer {await bearer_token(services, Role.ADMIN)}"}
        answers = await asyncio.gather(
            *(client.get("/api/health/deep", headers=headers) for _ in range(20))
        )
        assert {a.json()["checks"]["stock"]["status"] for a in answers} == {"ok"}
        assert services.audits.runs == 1, "every caller shares one audit's verdict"


async def test_every_answer_carries_the_security_headers(api: httpx.AsyncClient) -> None:
    for answer in (
        await api.get("/api/health"),
        await api.get("/api/inventory/items"),
        await api.get(f"/api/inventory/items/{uuid.uuid4()}"),
        await api.post("/api/user/sign-in", data={"username": "a@b.example", "password": "x"}),
    ):
        assert answer.headers["X-Content-Type-Options"] == "nosniff"
        assert answer.headers["X-Frame-Options"] == "DENY"
        assert answer.headers["Content-Security-Policy"].startswith("default-src 'none'")
        assert answer.headers["Cache-Control"] == "no-store"
        assert "Strict-Transport-Security" not in answer.headers  # plain HTTP here


async def test_the_api_documentation_works_offline(api: httpx.AsyncClient) -> None:
    for page, asset in (
        ("/api/docs", "/api/docs-assets/swagger-ui-bundle.js"),
        ("/api/redoc", "/api/docs-assets/redoc.standalone.js"),
    ):
        html = await api.get(page)
        assert html.status_code == 200
        assert asset in html.text
        assert "cdn" not in html.text.lower()
        assert "googleapis" not in html.text
        assert html.headers["Content-Security-Policy"].startswith("default-src 'self'")
        script = await api.get(asset)
        assert script.status_code == 200
        assert len(script.content) > 500_000


DOCUMENTATION = ("/api/docs", "/api/redoc", "/api/openapi.json")


async def test_in_production_the_documentation_needs_its_password(settings: Settings) -> None:
    prod = settings.model_copy(update={"environment": "prod"})
    async with api_client(prod, as_role=Role.ADMIN) as admin:  # not a role's matter
        for path in DOCUMENTATION:
            assert (await admin.get(path)).status_code == 404  # no password: not served
    locked = prod.model_copy(update={"api_docs_password": "the-docs-password-42"})
    async with api_client(locked, as_role=None) as anonymous:
        for path in DOCUMENTATION:
            refused = await anonymous.get(path)
            assert refused.status_code == 401
            assert refused.headers["WWW-Authenticate"].startswith("Basic")
            assert "API_DOCS_PASSWORD" in refused.json()["detail"]
            wrong = await anonymous.get(path, auth=("docs", "the-docs-password-43"))
            assert wrong.status_code == 401
            assert (await anonymous.get(path, auth=("docs", "the-docs-password-42"))).is_success
        assert (await anonymous.get("/api/health")).is_success  # the rest as before


async def test_the_access_log_names_the_client_and_its_agent(api: httpx.AsyncClient) -> None:
    with structlog.testing.capture_logs() as logs:
        await api.get("/api/health", headers={"User-Agent": "scanner/1.0"})
    [entry] = [e for e in logs if e["event"] == "http.request"]
    assert entry["user_agent"] == "scanner/1.0"
    assert entry["client"] == "127.0.0.1"  # the test transport's peer


# --- what comes back out ---------------------------------------------------------------------


async def test_csv_exports_neutralise_formulas(api: httpx.AsyncClient) -> None:
    for sku, name in (
        ("F-1", '=HYPERLINK("http://x.example","hi")'),
        ("F-2", "+cmd|' /C calc'!A0"),
    ):
        created = await api.post(
            "/api/inventory/items",
            json={"sku": sku, "name": name, "item_type": "COMPONENT", "category": "X"},
        )
        assert created.status_code == 201, created.text
    exported = (await api.get("/api/inventory/export/items.csv")).text
    assert "'=HYPERLINK" in exported
    assert "'+cmd" in exported
    assert ",=HYPERLINK" not in exported
    assert ",+cmd" not in exported


async def test_item_search_takes_wildcards_literally(api: httpx.AsyncClient) -> None:
    for sku, name in (("W-1", "Plate 100% aluminium"), ("W-2", "Plate steel")):
        await api.post(
            "/api/inventory/items",
            json={"sku": sku, "name": name, "item_type": "COMPONENT", "category": "X"},
        )
    found = await api.get("/api/inventory/items", params={"search": "%"})
    assert [i["sku"] for i in found.json()["items"]] == ["W-1"]
    assert (await api.get("/api/inventory/items", params={"search": "_"})).json()["total"] == 0


# --- bad input is a 4xx, never a 500 ----------------------------------------------------------


ITEM = {"sku": "BAD-1", "name": "x", "item_type": "COMPONENT", "category": "X"}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**ITEM, "name": "nul\u0000byte"}, "body"),
        ({**ITEM, "name": "lone \ud800 surrogate"}, "body"),
        ({**ITEM, "min_stock_level": 10**12}, "min_stock_level"),
        ({**ITEM, "weight_grams": 2**40}, "weight_grams"),
        ({**ITEM, "min_stock_level": "5"}, "min_stock_level"),
        ({**ITEM, "min_stock_level": 5.0}, "min_stock_level"),
    ],
)
async def test_bad_item_fields_are_422s(
    api: httpx.AsyncClient, body: dict[str, Any], field: str
) -> None:
    answer = await api.post(  # as JSON escapes: \u0000, \ud800
        "/api/inventory/items",
        content=json.dumps(body),
        headers={"Content-Type": "application/json"},
    )
    assert answer.status_code == 422, answer.text
    assert answer.json()["code"] == "invalid"
    assert field in str(answer.json()["detail"][0]["loc"])


async def test_a_raw_surrogate_in_utf8_is_a_422(api: httpx.AsyncClient) -> None:
    raw = b'{"sku": "S-1", "name": "\xed\xa0\x80", "item_type": "COMPONENT", "category": "X"}'
    answer = await api.post(
        "/api/inventory/items", content=raw, headers={"Content-Type": "application/json"}
    )
    assert answer.status_code == 422


@pytest.mark.parametrize(
    ("method", "url", "kwargs"),
    [
        ("get", "/api/inventory/items", {"params": {"search": "a\u0000b"}}),
        ("get", "/api/inventory/items/by-barcode/a%00b", {}),
        ("get", "/api/inventory/items", {"params": {"page": 10**19}}),
        ("get", "/api/inventory/movements", {"params": {"offset": 10**19}}),
        ("get", "/api/production/orders", {"params": {"offset": 10**12}}),
        ("get", "/api/users", {"params": {"page": 10**12}}),
        ("post", "/api/user/sign-in", {"data": {"username": "a\u0000@b.example", "password": "x"}}),
        ("patch", f"/api/production/workers/{uuid.uuid4()}", {"json": {"active": 0}}),
    ],
)
async def test_bad_parameters_are_422s(
    api: httpx.AsyncClient, method: str, url: str, kwargs: dict[str, Any]
) -> None:
    answer = await getattr(api, method)(url, **kwargs)
    assert answer.status_code == 422, answer.text


async def test_impossible_dates_and_readings_are_422s(api: httpx.AsyncClient, demo: Demo) -> None:
    for due in ("0001-01-01", "1970-01-01", (date.today() + timedelta(days=6 * 366)).isoformat()):
        order = await api.post(
            "/api/production/orders",
            json={"product_sku": "KB-65-HS", "quantity": 1, "customer": "A", "due_date": due},
        )
        assert order.status_code == 422, due
    supplier = next(iter(demo.suppliers.values()))
    po = await api.post(
        "/api/purchasing/purchase-orders",
        json={
            "supplier_id": str(supplier),
            "lines": [{"item_id": str(next(iter(demo.items.values()))), "quantity": 1}],
            "expected_date": "0001-01-01",
        },
    )
    assert po.status_code == 422
    warehouse = str(demo.warehouse_id)
    wet = await api.post(
        f"/api/inventory/warehouses/{warehouse}/zones",
        json={"name": "Damp", "zone_type": "STORAGE", "min_humidity": -5},
    )
    assert wet.status_code == 422
    zone = await api.post(
        f"/api/inventory/warehouses/{warehouse}/zones",
        json={"name": "Racks", "zone_type": "STORAGE"},
    )
    zone_id = zone.json()["id"]
    for when in ("9999-01-01T00:00:00Z", "0001-01-01T00:00:00Z", "2026-01-01T00:00:00"):
        reading = await api.post(
            f"/api/inventory/zones/{zone_id}/readings",
            json={"temperature": 20, "recorded_at": when},
        )
        assert reading.status_code == 422, when
    now = datetime.now(UTC).isoformat()
    fine = await api.post(
        f"/api/inventory/zones/{zone_id}/readings", json={"humidity": 40, "recorded_at": now}
    )
    assert fine.status_code == 201


async def test_a_measurement_beyond_any_gauge_is_a_422(api: httpx.AsyncClient) -> None:
    template = await api.post(
        "/api/quality/templates",
        json={
            "stage": "qc",
            "items": [{"description": "Height", "kind": "MEASURE", "min": 1e20, "max": 1e21}],
        },
    )
    assert template.status_code == 422


async def test_stock_cannot_grow_past_what_a_level_holds(
    api: httpx.AsyncClient, sessions: SessionFactory, demo: Demo
) -> None:
    item = demo.items["CASE-65-AL"]
    async with sessions.begin() as session:
        level = await session.get(StockLevel, (item, demo.warehouse_id))
        assert level is not None
        room = MAX_ON_HAND - level.on_hand
    move = {"item_id": str(item), "warehouse_id": str(demo.warehouse_id), "reason": "test"}
    # Near the limit (booked as many receipts would), one more receipt is refused.
    async with sessions.begin() as session:
        await session.execute(
            update(StockLevel)
            .where(StockLevel.item_id == item, StockLevel.warehouse_id == demo.warehouse_id)
            .values(on_hand=StockLevel.on_hand + room - 10)
        )
    over = await api.post("/api/inventory/move", json={**move, "quantity": 11})
    assert over.status_code == 409, over.text
    assert "may not exceed" in over.json()["detail"]


async def test_a_huge_import_is_checked_whole(api: httpx.AsyncClient) -> None:
    rows = "".join(f"BULK-{n},Bulk {n},COMPONENT,X\n" for n in range(70_000))
    answer = await api.post(
        "/api/inventory/import/items",
        content="sku,name,item_type,category\n" + rows,
        headers={"Content-Type": "text/csv"},
    )
    assert answer.status_code == 200, answer.text[:500]
    assert answer.json()["rows"] == 70_000


async def test_method_not_allowed_names_every_method_of_the_path(api: httpx.AsyncClient) -> None:
    answer = await api.delete("/api/production/orders")
    assert answer.status_code == 405
    assert set(answer.headers["Allow"].split(", ")) >= {"GET", "POST"}
    assert answer.json()["code"] == "method_not_allowed"


async def test_the_openapi_document_declares_every_error(api: httpx.AsyncClient) -> None:
    document = (await api.get("/api/openapi.json")).json()
    assert "HTTPValidationError" not in document["components"]["schemas"]
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            declared = set(operation["responses"])
            assert "422" in declared, (method, path)
            if path not in ("/api/health", "/api/health/liveness"):
                assert "503" in declared, (method, path)
            public = path.startswith(("/api/health", "/api/user/sign", "/api/user/email"))
            if not public and path != "/api/user/token/refresh" and "reset" not in path:
                assert "401" in declared, (method, path)
            if method in ("post", "put", "patch", "delete"):
                assert "409" in declared, (method, path)


async def test_a_password_hash_is_not_leaked_by_the_user_list(
    api: httpx.AsyncClient, sessions: SessionFactory
) -> None:
    async with sessions.begin() as session:
        session.add(
            User(
                email="someone@zhuchka.example",
                password_hash=await hash_password("Keyswitch-lube-42"),
                roles=["viewer"],
            )
        )
    listed = await api.get("/api/users")
    assert "argon2" not in listed.text


@pytest.mark.parametrize(
    "csv_text",
    [
        "sku,name,item_type,category\nCR-1,a\rb,COMPONENT,C\n",  # a bare carriage return
        "sku,name,item_type,category,description\nBIG-1,n,COMPONENT,C," + "x" * 140_000 + "\n",
        "sku,sku,name,item_type,category\nD-1,D-1,n,COMPONENT,C\n",  # a column twice
        "sku,name,item_type,category,min_stock_level\nN-1,n,COMPONENT,C," + "9" * 150 + "\n",
    ],
)
async def test_an_unreadable_csv_is_a_422_naming_the_line(
    api: httpx.AsyncClient, csv_text: str
) -> None:
    answer = await api.post(
        "/api/inventory/import/items", content=csv_text, headers={"Content-Type": "text/csv"}
    )
    assert answer.status_code == 422, answer.text[:300]
    assert answer.json()["errors"][0]["line"] >= 1


async def test_two_admins_demoting_each_other_at_once_leave_one(
    settings: Settings, sessions: SessionFactory
) -> None:
    async with running_app(settings) as (client, services):
        first = await bearer_token(services, Role.ADMIN)
        async with sessions.begin() as session:
            session.add(
                User(
                    email="second-admin@tests.example",
                    password_hash=await hash_password("Keyswitch-lube-42"),
                    roles=["admin"],
                    email_confirmed_at=datetime.now(UTC),
                )
            )
        async with sessions() as session:
            admins = dict((await session.execute(select(User.email, User.id))).all())
        pair = await services.sessions_store.start(
            admins["second-admin@tests.example"], "second-admin@tests.example", (Role.ADMIN,)
        )
        one, other = admins["admin@tests.example"], admins["second-admin@tests.example"]
        answers = await asyncio.gather(
            client.put(
                f"/api/users/{other}/roles",
                json={"roles": ["viewer"]},
                headers={"Authorization": f"Bearer {first}"},
            ),
            client.put(
                f"/api/users/{one}/roles",
                json={"roles": ["viewer"]},
                headers={"Authorization": f"Bearer {pair.access_token}"},
            ),
        )
    assert sorted(a.status_code for a in answers) == [200, 409]
    async with sessions() as session:
        left = await session.scalar(
            select(func.count()).where(literal("admin") == any_(User.roles))
        )
    assert left == 1


async def test_a_megabyte_user_name_is_refused_before_it_costs_anything(
    settings: Settings, sessions: SessionFactory
) -> None:
    async with running_app(settings) as (client, services):
        answer = await client.post(
            "/api/user/sign-in", data={"username": "a" * 1_000_000, "password": "x"}
        )
        assert answer.status_code == 401
        keys = [key async for key in services.redis.scan_iter(match="rate:*")]
    assert all(len(key) < 200 for key in keys)
