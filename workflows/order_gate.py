"""What may happen to an order now: the rules an order workflow's update validators apply on
arrival and its handlers apply again under the workflow's lock. No I/O and no waiting."""

from __future__ import annotations

from typing import Literal

from contracts.orders import CancelRequest, HoldRequest, StageCompletion, StartStage
from domain.errors import Conflict, OrderClosed, WrongStage
from domain.stage_reports import check_repeat, reported_pass
from domain.stages import AUTOMATIC_STAGES, Stage
from workflows.order_record import OrderRecord


class OrderGate:
    def __init__(self, record: OrderRecord) -> None:
        self.record = record
        self.completing: StageCompletion | None = None  # holds the lock, its activities running
        self.starting: StartStage | None = None  # holds the lock, its claim running
        self.cancel: CancelRequest | None = None  # requested; the route compensates

    def report_kind(self, completion: StageCompletion) -> Literal["new", "repeat", "join"]:
        """A stage report is new (checked as such), the same as the one being recorded (it
        joins it: once that is done, it is a repeat, or new again if that failed), or the same
        as one recorded (a repeat, answered with the order as it is). A different report of a
        pass already recorded, or being recorded, is refused."""
        if completion.digest is not None:
            pending = self.completing
            if (
                pending is not None
                and pending.stage is completion.stage
                and pending.digest == completion.digest
            ):
                return "join"
            closed = reported_pass(self.record.stages, completion.stage, completion.stage_seq)
            if closed is not None:
                check_repeat(closed, completion.digest)
                return "repeat"
        current = self.record.current if self.record.stages else None
        if completion.stage_seq is not None and (
            current is None or current.seq != completion.stage_seq
        ):
            raise WrongStage(
                f"pass {completion.stage_seq} is not the order's current one",
                stage=completion.stage,
                current=self.record.progress.stage,
            )
        self.check_completion(completion)
        return "new"

    def start_kind(self, request: StartStage) -> Literal["new", "repeat", "join"]:
        """A start of the stage under way is joined (under the lock it is then looked at
        again); the same worker starting the stage it started is a repeat; anything else is
        checked as a new start."""
        starting = self.starting
        if starting is not None and starting.stage is request.stage:
            return "join"
        entry = self.record.current if self.record.stages else None
        if (
            entry is not None
            and entry.stage is request.stage
            and entry.work_started_at is not None
            and entry.started_worker_id == request.worker_id
            and entry.completed_at is None
        ):
            return "repeat"
        self.check_start(request)
        return "new"

    def check_completion(self, completion: StageCompletion) -> None:
        if self.cancel is not None:
            raise OrderClosed("the order is being cancelled")
        self.record.progress.check_completion(completion.stage, completion.passed)
        self.check_nothing_pending(completion.stage)
        started = self.record.stages and self.record.current.work_started_at is not None
        if self.record.hold_reason and not started:
            raise Conflict(
                f"the order is on hold ({self.record.hold_reason}); a planner must resume it",
                on_hold=True,
            )

    def check_start(self, request: StartStage) -> None:
        self.check_open(request)
        stage = request.stage
        if stage in AUTOMATIC_STAGES:
            raise WrongStage(
                f"{stage} is automatic and completes by itself",
                stage=stage,
                current=self.record.progress.stage,
            )
        self.record.progress.check_at(stage)
        if self.record.hold_reason:
            raise Conflict(f"the order is on hold: {self.record.hold_reason}", on_hold=True)
        self.check_nothing_pending(stage)
        if self.record.stages and self.record.current.work_started_at is not None:
            started_by = self.record.current.started_by
            raise WrongStage(f"{stage} was already started by {started_by}", stage=stage)

    def check_nothing_pending(self, stage: Stage) -> None:
        if self.completing is not None:
            raise WrongStage(
                f"a completion of {self.completing.stage} is already being recorded",
                stage=stage,
            )
        if self.starting is not None:
            raise WrongStage(f"a start of {self.starting.stage} is being recorded", stage=stage)

    def check_open(self, _: object) -> None:
        if self.cancel is not None:
            raise OrderClosed("the order is being cancelled")
        if self.record.progress.is_closed:
            raise OrderClosed(f"the order is already {self.record.progress.status}")

    def check_hold(self, request: HoldRequest) -> None:
        """A hold for the reason it is already held for is a repeat; another reason is not."""
        self.check_open(request)
        held_for = self.record.hold_reason
        if held_for is not None and held_for != request.reason:
            raise Conflict(f"the order is already on hold: {held_for}", on_hold=True)

    def check_cancel(self, request: CancelRequest) -> None:
        if self.record.progress.is_closed:
            raise OrderClosed(f"the order is already {self.record.progress.status}")
        if self.completing is not None and self.completing.stage is Stage.SHIPPING:
            raise OrderClosed("the order is being shipped and can no longer be cancelled")
