"""A crash of the worker loses nothing: a real `zhuchka worker` process is killed mid-order,
the API answers 503 while no worker runs, and a new worker carries on where the order was."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from temporalio.testing import WorkflowEnvironment

from core.settings import Settings
from domain.access import Role
from persistence.database import SessionFactory
from tests.e2e.conftest import Stack
from tests.support import assert_stock_consistent, bearer_token, load_demo, running_app
from zhuchka.devstack.mail_sink import MailSink
from zhuchka.devstack.ports import free_port


def _env(settings: Settings) -> dict[str, str]:
    return {
        **os.environ,
        "POSTGRES_HOST": settings.postgres_host,
        "POSTGRES_PORT": str(settings.postgres_port),
        "POSTGRES_USER": settings.postgres_user,
        "POSTGRES_PASSWORD": settings.postgres_password,
        "POSTGRES_DB": settings.postgres_db,
        "REDIS_HOST": settings.redis_host,
        "REDIS_PORT": str(settings.redis_port),
        "TEMPORAL_ADDRESS": settings.temporal_address,
        "TEMPORAL_NAMESPACE": settings.temporal_namespace,
        "TEMPORAL_TASK_QUEUE": settings.temporal_task_queue,
        "WORKER_METRICS_PORT": str(free_port()),
        "LOG_FORMAT": "json",
    }


class WorkerProcess:
    def __init__(self, settings: Settings) -> None:
        self.env = _env(settings)
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen([sys.executable, "-m", "zhuchka", "worker"], env=self.env)

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)


@pytest.fixture
def worker_process(stack_settings: Settings) -> Iterator[WorkerProcess]:
    worker = WorkerProcess(stack_settings)
    yield worker
    if worker.process and worker.process.poll() is None:
        worker.kill()


@pytest.fixture
async def api_only(
    stack_settings: Settings,
    sessions: SessionFactory,
    dev_server: WorkflowEnvironment,
    mail_sink: MailSink,
) -> AsyncIterator[Stack]:
    """The API without an in-process worker; a short patience with silent workflows."""
    settings = stack_settings.model_copy(update={"workflow_call_timeout_seconds": 2.0})
    demo = await load_demo(sessions)
    async with running_app(settings) as (api, services):
        api.headers["Authorization"] = f"Bearer {await bearer_token(services, Role.ADMIN)}"
        yield Stack(api, dev_server.client, settings, sessions, demo, services, mail_sink)


async def _until_answered(stack: Stack, order: dict[str, Any], stage: str) -> dict[str, Any]:
    """Complete `stage`, retrying after each 503 as a client would, until a worker answers."""
    async with asyncio.timeout(90):
        while (answer := await stack.complete(order, stage, expect=None)).get(
            "code"
        ) == "unavailable":
            await asyncio.sleep(0.5)
    return answer


async def test_killing_the_worker_mid_order_loses_nothing(
    api_only: Stack, worker_process: WorkerProcess
) -> None:
    stack = api_only
    worker_process.start()
    order = await stack.order(quantity=1)
    await _until_answered(stack, order, "design")  # the new worker may still be starting
    order = await stack.until(order, lambda o: o["stage"] == "assembly")

    worker_process.kill()
    silent = await stack.complete(order, "assembly", expect=503)
    assert silent["code"] == "unavailable"

    worker_process.start()
    # A client retries after a 503. Each retry carries the same update id, so however many
    # reach the workflow, they are one completion.
    retried = await _until_answered(stack, order, "assembly")
    assert retried["stage"] == "testing"
    order = await stack.get(order)
    assert [s["stage"] for s in order["stages"]].count("assembly") == 1
    assert await stack.stock("SW-LIN-RED") == (300 - 68, 0)
    for stage, passed in [("testing", True), ("qc", True), ("shipping", None)]:
        order = await stack.complete(order, stage, passed=passed)
    assert order["status"] == "completed"
    await assert_stock_consistent(stack.sessions)
    assert uuid.UUID(order["id"])
