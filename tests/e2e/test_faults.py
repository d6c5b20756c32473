"""Outages, injected for real: PostgreSQL killed (-9) mid-traffic and restarted, Redis killed
and restarted, the Temporal server stopped and started again, the worker gone while a delivery
is booked. Each test runs its own servers, so killing them touches no other test.

What must hold: a 503 with `Retry-After` while something is down (never a 500), reading goes on
without Redis, everything works again once the server is back (no stale connections), and the
books hold exactly what was acknowledged — a request retried after a 503 takes effect once.
"""

from __future__ import annotations

import asyncio
import os
import signal
import time
import uuid
from collections.abc import AsyncIterator, Callable, Coroutine
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment

from api.notice_delivery import starts_under_way as mail_starts_under_way
from contracts.email import MailSweep
from core.mailbox import read_mailbox
from core.settings import Settings
from domain.access import Role
from persistence.database import SessionFactory, create_engine, create_session_factory
from persistence.tables import StockLevel, StockMovement
from tests.conftest import _create_database
from tests.support import (
    assert_stock_consistent,
    bearer_token,
    days_ahead,
    load_demo,
    running_app,
)
from worker.main import build_worker
from workflows.email_delivery import MailSweepWorkflow
from zhuchka import migrate
from zhuchka.devstack.mail_sink import MailSink
from zhuchka.devstack.ports import free_port
from zhuchka.devstack.postgres import EmbeddedPostgres
from zhuchka.devstack.redis import EmbeddedRedis
from zhuchka.devstack.temporal import TemporalDevServer

CABLE = "CABLE-USBC"


async def _eventually(attempt: Callable[[], Coroutine[Any, Any, bool]], seconds: float) -> None:
    async with asyncio.timeout(seconds):
        while not await attempt():
            await asyncio.sleep(0.2)


def _unavailable(answer: httpx.Response) -> bool:
    """A 503 as the API promises it: the code, and when to try again."""
    return (
        answer.status_code == 503
        and answer.json()["code"] == "unavailable"
        and int(answer.headers["Retry-After"]) > 0
    )


# --- PostgreSQL ---------------------------------------------------------------------------------


@pytest.fixture
async def own_postgres(
    tmp_path: Path, settings: Settings
) -> AsyncIterator[tuple[EmbeddedPostgres, Settings]]:
    # Durable commits, as `make run` and production have them (the fast test server may lose
    # the last acknowledged commits when it is killed).
    server = EmbeddedPostgres(tmp_path / "pg", free_port())
    server.start()
    address = {
        "POSTGRES_HOST": server.host,
        "POSTGRES_PORT": str(server.port),
        "POSTGRES_USER": "postgres",
        "POSTGRES_PASSWORD": "",
    }
    _create_database(address, "faults")
    own = settings.model_copy(
        update={"postgres_host": server.host, "postgres_port": server.port, "postgres_db": "faults"}
    )
    migrate.upgrade(own.database_url)
    try:
        yield server, own
    finally:
        server.stop()


def _restart(server: EmbeddedPostgres) -> None:
    """Start it again; right after a kill -9 PostgreSQL may refuse until its last backends
    are gone, so keep trying."""
    for _ in range(50):
        try:
            server.start()
            return
        except RuntimeError:
            time.sleep(0.2)
    server.start()


async def test_postgresql_killed_mid_traffic_loses_and_doubles_nothing(
    own_postgres: tuple[EmbeddedPostgres, Settings],
) -> None:
    server, settings = own_postgres
    engine = create_engine(settings)
    sessions = create_session_factory(engine)
    demo = await load_demo(sessions)
    item, warehouse = demo.items[CABLE], demo.warehouse_id
    receipts = 40
    acknowledged: set[int] = set()
    statuses: set[int] = set()
    outage_seen = asyncio.Event()

    async with running_app(settings) as (api, services):
        headers = {"Authorization": f"Bearer {await bearer_token(services, Role.STOREKEEPER)}"}

        async def receive(n: int) -> None:
            """One delivery of one cable, retried after each 503 until acknowledged."""
            body = {
                "item_id": str(item),
                "warehouse_id": str(warehouse),
                "quantity": 1,
                "reason": f"delivery {n}",
            }
            key = {"Idempotency-Key": f"cable-{n}"}
            while True:
                answer = await api.post("/api/inventory/move", json=body, headers=headers | key)
                statuses.add(answer.status_code)
                if answer.status_code == 201:
                    acknowledged.add(n)
                    return
                assert _unavailable(answer), answer.text
                outage_seen.set()
                await asyncio.sleep(0.1)

        async def traffic() -> None:
            for start in range(0, receipts, 4):
                await asyncio.gather(*(receive(n) for n in range(start, start + 4)))

        running = asyncio.create_task(traffic())

        async def ten_acknowledged() -> bool:
            return len(acknowledged) >= 10

        await _eventually(ten_acknowledged, 60)
        os.kill(_pid(server), signal.SIGKILL)
        async with asyncio.timeout(60):
            await outage_seen.wait()
        await asyncio.to_thread(_restart, server)
        async with asyncio.timeout(120):
            await running
        ready = await api.get("/api/health/readiness")
        assert ready.json()["checks"]["database"]["status"] == "ok"

    assert statuses <= {201, 503}
    assert acknowledged == set(range(receipts))
    async with sessions() as session:
        booked = await session.scalar(
            select(func.count()).where(
                StockMovement.item_id == item, StockMovement.reason.like("delivery %")
            )
        )
        level = await session.get(StockLevel, (item, warehouse))
    assert booked == receipts  # each acknowledged once, none twice
    assert level is not None
    assert level.on_hand == 20 + receipts
    await assert_stock_consistent(sessions)
    await engine.dispose()


def _pid(server: EmbeddedPostgres) -> int:
    pid = server.pid()
    assert pid is not None
    return pid


# --- Redis --------------------------------------------------------------------------------------


@pytest.fixture
async def own_redis(
    tmp_path: Path, settings: Settings
) -> AsyncIterator[tuple[EmbeddedRedis, Settings]]:
    server = EmbeddedRedis(tmp_path / "redis", free_port(), persistent=True)
    server.start()
    try:
        yield server, settings.model_copy(update={"redis_port": server.port})
    finally:
        server.stop()


async def test_without_redis_reading_goes_on_and_changes_wait(
    own_redis: tuple[EmbeddedRedis, Settings], sessions: SessionFactory
) -> None:
    server, settings = own_redis
    demo = await load_demo(sessions)
    move = {
        "item_id": str(demo.items[CABLE]),
        "warehouse_id": str(demo.warehouse_id),
        "quantity": 1,
        "reason": "delivery",
    }
    async with running_app(settings) as (api, services):
        token = {"Authorization": f"Bearer {await bearer_token(services, Role.STOREKEEPER)}"}
        admin = {"Authorization": f"Bearer {await bearer_token(services, Role.ADMIN)}"}
        assert (await api.get("/api/production/products", headers=token)).status_code == 200
        assert server.process is not None
        server.process.send_signal(signal.SIGKILL)
        server.process.wait(timeout=10)

        # Reading goes on: the account is checked against the database instead.
        for url in ("/api/inventory/items", "/api/production/products", "/api/user/me"):
            answer = await api.get(url, headers=token)
            assert answer.status_code == 200, (url, answer.text)
        # What changes something, signs in, or counts attempts waits (limits fail closed).
        assert _unavailable(await api.post("/api/inventory/move", json=move, headers=token))
        assert _unavailable(
            await api.post(
                "/api/user/sign-in", data={"username": "a@b.example", "password": "whatever-1"}
            )
        )
        ready = await api.get("/api/health/readiness")
        assert ready.status_code == 503
        assert ready.json()["checks"]["redis"]["status"] == "failed"
        # The admin can still see why (the deep check only reads).
        deep = await api.get("/api/health/deep", headers=admin)
        assert deep.status_code == 503
        assert "Error" in deep.json()["checks"]["redis"]["error"]

        server.start()  # the same port and data: the sessions come back with it
        fresh = {"Authorization": f"Bearer {await bearer_token(services, Role.STOREKEEPER)}"}
        # No stale pooled connection: the very first calls after the restart succeed.
        for n in range(5):
            moved = await api.post(
                "/api/inventory/move", json=move | {"reason": f"after {n}"}, headers=fresh
            )
            assert moved.status_code == 201, moved.text
        assert (await api.get("/api/health/readiness")).json()["checks"]["redis"]["status"] == "ok"
    await assert_stock_consistent(sessions)


# --- Temporal -----------------------------------------------------------------------------------


@pytest.fixture
async def own_temporal(tmp_path: Path) -> AsyncIterator[TemporalDevServer]:
    server = TemporalDevServer(tmp_path / "temporal", free_port(), free_port())
    server.start()
    try:
        yield server
    finally:
        server.stop()


async def _client(server: TemporalDevServer) -> Client:
    return await Client.connect(
        f"{server.host}:{server.port}", data_converter=pydantic_data_converter
    )


async def test_a_stopped_temporal_server_is_a_503_and_nothing_is_lost(
    own_temporal: TemporalDevServer,
    settings: Settings,
    sessions: SessionFactory,
    mail_sink: MailSink,
) -> None:
    server = own_temporal
    own = settings.model_copy(
        update={
            "temporal_address": f"{server.host}:{server.port}",
            "temporal_task_queue": f"faults-{uuid.uuid4().hex[:8]}",
            "workflow_call_timeout_seconds": 5.0,
            "smtp_host": mail_sink.host,
            "smtp_port": mail_sink.port,
        }
    )
    await load_demo(sessions)
    client = await _client(server)
    worker = build_worker(client, sessions, own)
    order_body = {
        "product_sku": "KB-65-HS",
        "quantity": 1,
        "customer": "Anna",
        "due_date": days_ahead(20),
    }
    async with worker, running_app(own) as (api, services):
        api.headers["Authorization"] = f"Bearer {await bearer_token(services, Role.ADMIN)}"
        order = (await api.post("/api/production/orders", json=order_body)).json()
        url = f"/api/production/orders/{order['id']}"
        done = await api.post(f"{url}/stages/design/complete", json={"worker": "Pavel"})
        assert done.status_code == 200, done.text

        async def at_assembly() -> bool:
            return bool((await api.get(url)).json()["stage"] == "assembly")

        await _eventually(at_assembly, 30)  # procurement reserved the parts

        server.stop()
        assert _unavailable(await api.post("/api/production/orders", json=order_body))
        assert _unavailable(await api.post(f"{url}/stages/assembly/complete", json={}))
        assert (await api.get(url)).status_code == 200  # reading needs no Temporal
        listed = await api.get("/api/production/orders")
        assert listed.headers["X-Total-Count"] == "1"  # the refused order was not taken
        # A reset for an account answers as for none: no waiting on Temporal, no 503.
        for email in ("admin@tests.example", "nobody@tests.example"):
            reset = await api.post("/api/user/password/reset/request", json={"email": email})
            assert reset.status_code == 202

        async def delivery_given_up() -> bool:  # its start, in the background, gave up
            return not mail_starts_under_way()

        await _eventually(delivery_given_up, 60)
        server.start()
        # The delivery whose start was lost: the mail sweep starts it.
        swept = await client.execute_workflow(
            MailSweepWorkflow.run,
            MailSweep(older_than_seconds=0),
            id=f"sweep-{uuid.uuid4().hex[:8]}",
            task_queue=own.temporal_task_queue,
        )
        assert swept >= 1

        async def mailed() -> bool:
            return any(
                m.to == "admin@tests.example" and "Reset" in m.subject
                for m in read_mailbox(mail_sink.folder)
            )

        await _eventually(mailed, 60)

        async def assembled() -> bool:
            answer = await api.post(f"{url}/stages/assembly/complete", json={"worker": "Ivan"})
            assert answer.status_code in (200, 503), answer.text
            return answer.status_code == 200

        await _eventually(assembled, 120)
        order = (await api.get(url)).json()
        assert order["stage"] == "testing"
        assert [s["stage"] for s in order["stages"]].count("assembly") == 1
    await assert_stock_consistent(sessions)


# --- the worker, while a delivery is booked -----------------------------------------------------


async def test_a_receipt_retried_after_a_503_is_booked_once(
    settings: Settings,
    sessions: SessionFactory,
    dev_server: WorkflowEnvironment,
    mail_sink: MailSink,
) -> None:
    own = settings.model_copy(
        update={
            "temporal_address": dev_server.client.service_client.config.target_host,
            "temporal_namespace": dev_server.client.namespace,
            "temporal_task_queue": f"faults-{uuid.uuid4().hex[:8]}",
            "workflow_call_timeout_seconds": 2.0,
        }
    )
    demo = await load_demo(sessions)
    item = str(demo.items["SW-LIN-RED"])
    async with running_app(own) as (api, services):
        api.headers["Authorization"] = f"Bearer {await bearer_token(services, Role.ADMIN)}"
        async with build_worker(dev_server.client, sessions, own):
            created = await api.post(
                "/api/purchasing/purchase-orders",
                json={
                    "supplier_id": str(demo.suppliers["Gateron Direct"]),
                    "lines": [{"item_id": item, "quantity": 700}],
                },
            )
            url = f"/api/purchasing/purchase-orders/{created.json()['id']}"
            for step in ("send", "confirm"):
                assert (await api.post(f"{url}/{step}")).status_code == 200
        # No worker now: the delivery is accepted by Temporal but cannot be booked yet.
        delivery = {"lines": [{"item_id": item, "quantity": 70}], "reference": "DN-503"}
        for _ in range(3):
            assert _unavailable(await api.post(f"{url}/receive", json=delivery))
        async with build_worker(dev_server.client, sessions, own):

            async def booked() -> bool:
                answer = await api.post(f"{url}/receive", json=delivery)
                assert answer.status_code in (200, 503), answer.text
                return answer.status_code == 200

            await _eventually(booked, 60)
            po = (await api.get(url)).json()
    assert po["lines"][0]["received_quantity"] == 70
    assert [r["quantity"] for r in po["receipts"]] == [70]
    async with sessions() as session:
        receipts = await session.scalar(
            select(func.count()).where(StockMovement.reason.like("goods receipt%"))
        )
    assert receipts == 1
    await assert_stock_consistent(sessions)
