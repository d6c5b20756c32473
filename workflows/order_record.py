"""What an order's workflow knows about its order, and how each step changes it.

No I/O and no clock of its own (every change takes `now`), so the workflow stays a thin sequence
of activities and waits, and this bookkeeping is deterministic and testable on its own.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from contracts.orders import (
    ClaimResult,
    Escalation,
    InspectionEntry,
    OrderInput,
    OrderSnapshot,
    Shortage,
    StageCompletion,
    StageEntry,
)
from domain.floor import cannot_make_it, expected_finish, rework_limit_reached, target_end
from domain.stages import INSPECTION_STAGES, Progress, Stage
from domain.stock import Priority
from domain.work_calendar import WorkCalendar


class OrderRecord:
    def __init__(self, order: OrderInput) -> None:
        self.order = order
        self.progress = Progress.start(requires_soldering=order.requires_soldering)
        self.stages: list[StageEntry] = []
        self.priority: Priority = order.priority
        self.hold_reason: str | None = None  # on hold while set
        self.cancel_reason: str | None = None
        self.shortages: list[Shortage] = []
        self.purchase_orders: list[str] = []
        self.completed_at: datetime | None = None
        self.at_risk = False
        self.escalations: list[Escalation] = []
        self.inspections: list[InspectionEntry] = []
        self.serials: list[str] = []
        self.targets = {Stage(stage): seconds for stage, seconds in order.stage_targets.items()}
        hours = order.working_hours
        self.calendar = hours.calendar() if hours else WorkCalendar.always()

    @property
    def current(self) -> StageEntry:
        return self.stages[-1]

    # --- moving along -------------------------------------------------------------------

    def enter(self, now: datetime, *, rework: InspectionEntry | None = None) -> None:
        """Open an entry for the stage the order is now at (due after the stage's target of
        working time)."""
        stage = self.progress.stage
        assert stage is not None
        target = self.targets.get(stage)
        self.stages.append(
            StageEntry(
                seq=len(self.stages) + 1,
                stage=stage,
                status="active",
                started_at=now,
                due_at=target_end(self.calendar, now, target) if target else None,
                rework_from=rework.stage if rework else None,
                rework_inspection=rework.seq if rework else None,
                rework_items=[r.summary for r in rework.results if r.required and not r.ok]
                if rework
                else [],
            )
        )

    def advance(self, now: datetime, completion: StageCompletion | None) -> list[Escalation]:
        """Complete the current stage (a person's completion, or None for automatic stages).
        A failed inspection opens the rework stage with the failed items, and past the rework
        limit puts the order on hold; returns what was escalated."""
        stage = self.progress.stage
        assert stage is not None
        passed = completion.passed if completion else None
        inspection = None
        if completion is not None and stage in INSPECTION_STAGES:
            inspection = self._inspect(now, completion)
        self.close(now, "failed" if passed is False else "completed", completion)
        self.progress = self.progress.complete(stage, passed)
        if self.progress.stage is None:
            self.completed_at = now
            return []
        failed = inspection is not None and inspection.status == "failed"
        self.enter(now, rework=inspection if failed else None)
        reworks, limit = self.progress.rework_count, self.order.rework_limit
        if not failed or not rework_limit_reached(reworks, limit) or self.hold_reason:
            return []
        self.hold_reason = f"{reworks} reworks (the limit is {limit}): the planner decides"
        return [self.escalate(now, "rework_limit", self.hold_reason)]

    def close(self, now: datetime, status: str, completion: StageCompletion | None) -> None:
        self.stages[-1] = self.current.model_copy(
            update={
                "status": status,
                "completed_at": now,
                "worker": completion.worker if completion else None,
                "completed_by": completion.completed_by if completion else None,
                "notes": completion.notes if completion else None,
                "passed": completion.passed if completion else None,
                "request_digest": completion.digest if completion else None,
            }
        )

    def started(self, now: datetime, claim: ClaimResult, worker_id: uuid.UUID) -> None:
        self.stages[-1] = self.current.model_copy(
            update={
                "work_started_at": now,
                "started_by": claim.worker,
                "started_worker_id": worker_id,
                "equipment": claim.equipment,
            }
        )

    def cancelled(self, now: datetime, reason: str) -> None:
        self.progress = self.progress.cancelled()
        self.cancel_reason = reason
        self.shortages = []
        if self.stages and self.current.completed_at is None:
            self.close(now, "cancelled", None)

    def _inspect(self, now: datetime, completion: StageCompletion) -> InspectionEntry:
        """Keep the inspection a testing or QC completion carries (or its plain verdict)."""
        inspection = completion.inspection
        entry = InspectionEntry(
            seq=len(self.inspections) + 1,
            stage=completion.stage,
            stage_seq=self.current.seq,
            template_id=inspection.template_id if inspection else None,
            status="passed" if completion.passed else "failed",
            inspector=completion.completed_by,
            worker=completion.worker,
            serials=list(self.serials),
            completed_at=now,
            results=inspection.results if inspection else [],
        )
        self.inspections.append(entry)
        return entry

    # --- what the planner should know ---------------------------------------------------

    def escalate(self, now: datetime, kind: str, detail: str) -> Escalation:
        escalation = Escalation(
            seq=len(self.escalations) + 1,
            kind=kind,
            stage=self.progress.stage,
            detail=detail,
            raised_at=now,
        )
        self.escalations.append(escalation)
        return escalation

    def overdue(self, now: datetime) -> Escalation:
        """The current stage ran past its target: flag it once, and keep waiting."""
        entry = self.current
        self.stages[-1] = entry.model_copy(update={"escalated_at": now})
        target = timedelta(seconds=self.targets.get(entry.stage, 0))
        return self.escalate(now, "overdue", f"{entry.stage} has run past its target of {target}")

    def judge_risk(self, now: datetime) -> Escalation | None:
        """At risk as soon as the targets of the stages ahead overrun the due date."""
        stage = self.progress.stage
        if stage is None or not self.stages:
            self.at_risk = False
            return None
        later = self.progress.route[self.progress.route.index(stage) + 1 :]
        expected = expected_finish(now, self.current.due_at, later, self.targets, self.calendar)
        due, zone = self.order.due_date, self.calendar.zone
        was_at_risk, self.at_risk = self.at_risk, cannot_make_it(expected, due, zone)
        if not self.at_risk or was_at_risk:
            return None
        if expected is None:
            detail = f"the plant's calendar has no working time to finish it by {due.isoformat()}"
        else:
            finish = f"{expected.astimezone(ZoneInfo(zone)):%Y-%m-%d %H:%M}"
            detail = f"expected to finish {finish}, after its due date {due.isoformat()}"
        return self.escalate(now, "at_risk", detail)

    # --- views --------------------------------------------------------------------------

    def snapshot(self, version: int) -> OrderSnapshot:
        return OrderSnapshot(
            order_id=self.order.order_id,
            number=self.order.number,
            version=version,
            status=self.progress.status,
            stage=self.progress.stage,
            rework_count=self.progress.rework_count,
            waiting_for_stock=bool(self.shortages),
            shortages=self.shortages,
            cancel_reason=self.cancel_reason,
            completed_at=self.completed_at,
            stages=list(self.stages),
            priority=self.priority,
            on_hold=self.hold_reason is not None,
            hold_reason=self.hold_reason,
            at_risk=self.at_risk,
            escalations=list(self.escalations),
            inspections=list(self.inspections),
            serial_numbers=list(self.serials),
        )

    def details(self) -> str:
        """The summary the Temporal UI shows (markdown)."""
        order = self.order
        lines = [
            f"**{order.number}**: {order.quantity} x {order.product_sku}, "
            f"priority {self.priority.value}, due {order.due_date.isoformat()}",
            f"Status: **{self.progress.status.value}**, stage: **{self.progress.stage or '—'}**, "
            f"reworks: {self.progress.rework_count}",
        ]
        if self.shortages:
            lines.append("Waiting for stock:")
            lines += [f"- {s.sku}: {s.quantity} missing" for s in self.shortages]
            if self.purchase_orders:
                lines.append(f"Purchase orders: {', '.join(self.purchase_orders)}")
        if self.hold_reason:
            lines.append(f"On hold: {self.hold_reason}")
        if self.at_risk:
            lines.append("At risk: the stage targets overrun its due date")
        if self.escalations:
            lines.append(f"Escalated: {self.escalations[-1].detail}")
        if self.serials:
            lines.append(f"Units: {', '.join(self.serials)}")
        if self.cancel_reason:
            lines.append(f"Cancelled: {self.cancel_reason}")
        return "\n\n".join(lines)
