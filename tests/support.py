"""Helpers shared by the integration and end-to-end tests: the demo workshop and orders."""

from __future__ import annotations

import asyncio
import json
import re
import threading
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
from sqlalchemy import func, select, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from api.app import create_app
from api.auth.passwords import DUMMY_HASH
from api.deps import Services
from api.server import api_server
from contracts.orders import OrderInput
from core.settings import Settings
from domain.access import Role
from domain.stock import Priority
from persistence.database import SessionFactory
from persistence.tables import Item, Order, Product, StockLevel, Supplier, User, Warehouse
from services.inventory.stock_audit import audit_stock
from services.orders.order_records import next_order_number, register_order
from zhuchka.demo_data import seed_demo
from zhuchka.devstack.ports import free_port


@dataclass(frozen=True)
class Demo:
    warehouse_id: uuid.UUID
    items: dict[str, uuid.UUID]
    products: dict[str, uuid.UUID]
    suppliers: dict[str, uuid.UUID]

    def order(self, number: str, product: str = "KB-65-HS", **fields: Any) -> Order:
        """An order of the demo workshop as its projection row alone (no workflow), for the
        read models of orders past or present: one unit, normal priority, due today, unless
        `fields` say otherwise."""
        values: dict[str, Any] = {
            "quantity": 1,
            "customer": "customer",
            "priority": "NORMAL",
            "due_date": date.today(),
        }
        return Order(
            number=number,
            workflow_id=f"order-{number}",
            product_id=self.products[product],
            warehouse_id=self.warehouse_id,
            **(values | fields),
        )


async def load_demo(sessions: SessionFactory) -> Demo:
    async with sessions.begin() as session:
        await seed_demo(session)
    async with sessions() as session:
        warehouse_id = await session.scalar(select(Warehouse.id).where(Warehouse.code == "WH-MAIN"))
        assert warehouse_id is not None
        items = dict((await session.execute(select(Item.sku, Item.id))).all())
        products = dict(
            (
                await session.execute(
                    select(Item.sku, Product.id).join(Product, Product.item_id == Item.id)
                )
            ).all()
        )
        suppliers = dict((await session.execute(select(Supplier.name, Supplier.id))).all())
    return Demo(warehouse_id, items, products, suppliers)


def days_ahead(days: int) -> str:
    """A date `days` from today (UTC), as the API takes it: due dates are planned ahead."""
    return (datetime.now(UTC).date() + timedelta(days=days)).isoformat()


def order_input(
    demo: Demo,
    number: str,
    *,
    sku: str = "KB-65-HS",
    quantity: int = 1,
    priority: Priority = Priority.NORMAL,
    due: date = date(2026, 12, 31),
) -> OrderInput:
    return OrderInput(
        order_id=uuid.uuid4(),
        number=number,
        product_id=demo.products[sku],
        product_sku=sku,
        requires_soldering=sku == "KB-65-SOL",
        quantity=quantity,
        customer="Test customer",
        priority=priority,
        due_date=due,
        warehouse_id=demo.warehouse_id,
    )


async def place_order(sessions: SessionFactory, demo: Demo, **kwargs: object) -> OrderInput:
    """Register an order row (as the API and the workflow do) without starting a workflow."""
    async with sessions.begin() as session:
        order = order_input(demo, await next_order_number(session), **kwargs)  # type: ignore[arg-type]
        assert await register_order(session, order)
    return order


async def stock_of(session: AsyncSession, demo: Demo, sku: str) -> tuple[int, int]:
    """(on hand, reserved) of a demo item in the demo warehouse."""
    level = await session.get(
        StockLevel, (demo.items[sku], demo.warehouse_id), populate_existing=True
    )
    return (level.on_hand, level.reserved) if level else (0, 0)


async def ledger_sum(session: AsyncSession, item_id: uuid.UUID, warehouse_id: uuid.UUID) -> int:
    total = await session.scalar(
        text(
            "SELECT coalesce(sum(delta), 0) FROM stock_movements "
            "WHERE item_id = :i AND warehouse_id = :w"
        ),
        {"i": item_id, "w": warehouse_id},
    )
    return int(total or 0)


async def assert_stock_consistent(sessions: SessionFactory) -> None:
    """Every level equals its ledger and its bins; reserved equals the open reservations."""
    audit = await audit_stock(sessions)
    assert audit.consistent, "\n".join(str(p) for p in audit.problems)


@asynccontextmanager
async def running_app(
    settings: Settings, *, client_address: str = "127.0.0.1"
) -> AsyncIterator[tuple[httpx.AsyncClient, Services]]:
    """The real application (lifespan included) behind an in-process HTTP client, which calls
    from `client_address`."""
    app = create_app(settings)
    transport = httpx.ASGITransport(app=app, client=(client_address, 40000))
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://mes") as client,
    ):
        yield client, app.state.services


@asynccontextmanager
async def api_client(
    settings: Settings, *, as_role: Role | None = Role.ADMIN
) -> AsyncIterator[httpx.AsyncClient]:
    """The application, signed in as a confirmed account of `as_role` (None: not signed in)."""
    async with running_app(settings) as (client, services):
        if as_role is not None:
            client.headers["Authorization"] = f"Bearer {await bearer_token(services, as_role)}"
        yield client


async def bearer_token(services: Services, role: Role) -> str:
    """An access token for a confirmed `{role}@tests.example` account (created when missing),
    from a real session; what sign-in hands out after checking the password."""
    email = f"{role.value}@tests.example"
    async with services.sessions.begin() as session:
        await session.execute(
            insert(User)
            .values(
                email=email,
                password_hash=DUMMY_HASH,
                roles=[role.value],
                is_active=True,
                email_confirmed_at=func.now(),
            )
            .on_conflict_do_nothing()
        )
        user = await session.scalar(select(User).where(User.email == email))
        assert user is not None
    pair = await services.sessions_store.start(user.id, email, (role,))
    return pair.access_token


def token_in(body: str) -> str:
    """The token of an account message: the line that is nothing but the token, indented."""
    found = re.search(r"^ {2}([A-Za-z0-9_-]{20,})\s*$", body, re.MULTILINE)
    assert found, f"no token in: {body!r}"
    return found.group(1)


def ok(response: httpx.Response, status: int = 200) -> Any:
    """The answer's JSON, once its status is the one expected (else its body is shown)."""
    assert response.status_code == status, response.text
    return response.json()


@asynccontextmanager
async def served_api(settings: Settings, **overrides: Any) -> AsyncIterator[str]:
    """The API behind a real uvicorn on a free port (what a proxy or a browser talks to); its
    base URL."""
    port = free_port()
    server = api_server(settings.model_copy(update={"api_port": port, **overrides}))
    task = asyncio.create_task(server.serve())
    try:
        async with asyncio.timeout(30):
            while not server.started:
                await asyncio.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task


class Webhook:
    """An HTTP server that keeps the JSON bodies posted to it; it answers `refusal` (500: a
    receiver having a bad minute) to the first `failing` posts."""

    def __init__(self, failing: int = 0, refusal: int = 500) -> None:
        received: list[dict[str, Any]] = []
        refused: list[int] = []

        class Keep(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers["Content-Length"])
                body = json.loads(self.rfile.read(length))
                if len(refused) < failing:
                    refused.append(refusal)
                    self.send_response(refusal)
                else:
                    received.append(body)
                    self.send_response(200)
                self.end_headers()

            def log_message(self, *_: Any) -> None:
                pass

        self.received = received
        self.refused = refused
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Keep)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
