"""Histories of real runs, checked in: a change to the workflow that would break orders
already running fails here. Once a version is released, such a change needs `workflow.patched`;
before that, record them again with ZHUCHKA_RECORD_HISTORIES=1 pytest tests/workflow."""

from __future__ import annotations

from pathlib import Path

import pytest
from temporalio.client import WorkflowHistory
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.worker import Replayer

from workflows.order_workflow import OrderWorkflow
from workflows.purchase_order import PurchaseOrderWorkflow

HISTORIES = sorted((Path(__file__).resolve().parent.parent / "histories").glob("*.json"))


def test_there_are_histories_to_replay() -> None:
    names = {p.stem for p in HISTORIES}
    assert any(n.startswith("order_") for n in names), "a recorded order"
    assert any(n.startswith("purchase_order_") for n in names), "a recorded purchase order"


@pytest.mark.parametrize(
    ("name", "recorded"),
    [(p.stem, p.read_text()) for p in HISTORIES],
    ids=[p.stem for p in HISTORIES],
)
async def test_recorded_orders_replay_deterministically(name: str, recorded: str) -> None:
    history = WorkflowHistory.from_json(name, recorded)
    replayer = Replayer(
        workflows=[OrderWorkflow, PurchaseOrderWorkflow], data_converter=pydantic_data_converter
    )
    result = await replayer.replay_workflow(history, raise_on_replay_failure=True)
    assert result.replay_failure is None
