"""Histories of real runs, checked in: a change to the workflow that would break orders
already running fails here. Such a change needs `workflow.patched`, and the histories of the
version before it stay here (`remote-steps/`: steps as regular activities, before the
`local-steps` patch); record the current ones with ZHUCHKA_RECORD_HISTORIES=1 pytest
tests/workflow."""

from __future__ import annotations

from pathlib import Path

import pytest
from temporalio.client import WorkflowHistory
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.worker import Replayer

from workflows.order_workflow import OrderWorkflow
from workflows.purchase_order import PurchaseOrderWorkflow

RECORDED = Path(__file__).resolve().parent.parent / "histories"
HISTORIES = sorted(RECORDED.rglob("*.json"))


def test_there_are_histories_to_replay() -> None:
    for version in {p.parent for p in HISTORIES}:
        names = {p.stem for p in version.glob("*.json")}
        assert any(n.startswith("order_") for n in names), f"a recorded order in {version}"
        assert any(n.startswith("purchase_order_") for n in names), f"a purchase order in {version}"


@pytest.mark.parametrize(
    ("name", "recorded"),
    [(p.stem, p.read_text()) for p in HISTORIES],
    ids=[str(p.relative_to(RECORDED).with_suffix("")) for p in HISTORIES],
)
async def test_recorded_orders_replay_deterministically(name: str, recorded: str) -> None:
    history = WorkflowHistory.from_json(name, recorded)
    replayer = Replayer(
        workflows=[OrderWorkflow, PurchaseOrderWorkflow], data_converter=pydantic_data_converter
    )
    result = await replayer.replay_workflow(history, raise_on_replay_failure=True)
    assert result.replay_failure is None
