"""The baseline for order throughput: a workflow with the same number of activities and
updates as a real order, doing nothing else — no database, no API."""

from __future__ import annotations

from datetime import timedelta

from pydantic import BaseModel
from temporalio import activity, workflow


class BareShape(BaseModel):
    activities_per_step: list[int]  # activities run after the start and after each update
    local: bool = False  # run in the workflow task (local activities), as the order's were


@activity.defn(name="bare_step")
async def bare_step(n: int) -> int:
    return n


@workflow.defn(name="BareOrder")
class BareOrderWorkflow:
    """Like an order: each update is answered once the activities it set off have run."""

    @workflow.init
    def __init__(self, shape: BareShape) -> None:
        self._requested = 0
        self._finished = 0

    @workflow.run
    async def run(self, shape: BareShape) -> None:
        for step, count in enumerate(shape.activities_per_step):
            await workflow.wait_condition(lambda: self._requested >= step)  # noqa: B023
            for n in range(count):
                if shape.local:
                    await workflow.execute_local_activity(
                        bare_step, n, start_to_close_timeout=timedelta(seconds=30)
                    )
                else:
                    await workflow.execute_activity(
                        bare_step, n, start_to_close_timeout=timedelta(seconds=30)
                    )
            self._finished = step
        await workflow.wait_condition(workflow.all_handlers_finished)

    @workflow.update
    async def step(self) -> None:
        self._requested += 1
        target = self._requested
        await workflow.wait_condition(lambda: self._finished >= target)


@workflow.defn(name="MinimalOrder")
class MinimalOrderWorkflow:
    """The least the mission's pipeline can cost on Temporal: seven stages, each one update
    answered after one activity, no database. Orders through the API are measured against it."""

    STAGES = 7

    @workflow.init
    def __init__(self) -> None:
        self._done = 0

    @workflow.run
    async def run(self) -> None:
        await workflow.wait_condition(lambda: self._done >= self.STAGES)
        await workflow.wait_condition(workflow.all_handlers_finished)

    @workflow.update
    async def stage(self) -> None:
        await workflow.execute_activity(
            bare_step, self._done, start_to_close_timeout=timedelta(seconds=30)
        )
        self._done += 1
