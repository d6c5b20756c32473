"""Recording histories of real runs for the replay test (tests/workflow/test_replay.py)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from temporalio.client import WorkflowHandle

HISTORIES = Path(__file__).resolve().parent.parent / "histories"


async def record_history(handle: WorkflowHandle[Any, Any], name: str) -> None:
    """Save the run's history when ZHUCHKA_RECORD_HISTORIES is set."""
    if os.environ.get("ZHUCHKA_RECORD_HISTORIES"):
        history = await handle.fetch_history()
        (HISTORIES / f"{name}.json").write_text(history.to_json())
