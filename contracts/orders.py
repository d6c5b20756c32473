"""What crosses Temporal for a customer order: the workflow's input and snapshot, its
updates' arguments, and its activities' arguments and results."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time
from decimal import Decimal

from pydantic import BaseModel, Field

from domain.quality import describe
from domain.stages import OrderStatus, Stage
from domain.stock import Priority
from domain.work_calendar import CalendarException, Shift, WorkCalendar


class WorkingHours(BaseModel):
    """The plant's calendar as an order's workflow counts its stage targets by: its week of
    shifts and the exceptions ahead, as they stood when the order was launched."""

    zone: str
    shifts: list[tuple[int, time, time]]  # weekday, start, end
    exceptions: list[tuple[datetime, datetime, bool]] = Field(default_factory=list)  # working?

    @classmethod
    def of(cls, calendar: WorkCalendar) -> WorkingHours:
        """`calendar` as read from now on (`rules_of(..., since=now)`): only the week in
        force, since a changed week takes effect on the day it changes."""
        return cls(
            zone=calendar.zone,
            shifts=[(s.weekday, s.start, s.end) for s in calendar.shifts],
            exceptions=[(e.start, e.end, e.working) for e in calendar.exceptions],
        )

    def calendar(self) -> WorkCalendar:
        return WorkCalendar(
            self.zone,
            tuple(Shift(*shift) for shift in self.shifts),
            tuple(CalendarException(*exception) for exception in self.exceptions),
        )


class OrderInput(BaseModel):
    order_id: uuid.UUID
    number: str
    product_id: uuid.UUID
    product_sku: str
    requires_soldering: bool = False
    quantity: int
    customer: str
    priority: Priority = Priority.NORMAL
    due_date: date
    warehouse_id: uuid.UUID
    idempotency_key: str | None = None  # the client's, scoped: "<user id>:<key>"
    request_digest: str | None = None  # of the request that took the order
    created_by: str | None = None
    # How often procurement looks at stock again when no delivery signal arrives.
    procurement_recheck_seconds: int = 600
    # How long each manual stage should take (seconds, by stage); past it, it is escalated.
    stage_targets: dict[str, int] = Field(default_factory=dict)
    # The targets count only the plant's working time (None: around the clock).
    working_hours: WorkingHours | None = None
    # After this many reworks the order is put on hold for the planner (0: never).
    rework_limit: int = 3


class JudgedCheck(BaseModel):
    """One checklist item as the inspector found it."""

    item_id: uuid.UUID | None = None
    description: str
    required: bool = True
    kind: str = "PASS_FAIL"
    passed: bool | None = None
    value: Decimal | None = None
    unit: str | None = None
    ok: bool
    comment: str | None = None

    @property
    def summary(self) -> str:
        """How it went, in words: what rework must put right."""
        return describe(self.description, self.value, self.unit, self.comment)


class InspectionInput(BaseModel):
    """An inspection judged against its template (the API judges it: `domain.quality`)."""

    template_id: uuid.UUID | None = None
    results: list[JudgedCheck] = Field(default_factory=list)


class StageCompletion(BaseModel):
    stage: Stage
    worker: str = Field(min_length=1, max_length=200)
    notes: str | None = Field(default=None, max_length=4000)
    passed: bool | None = None
    completed_by: str | None = None  # the signed-in user who reported it
    inspection: InspectionInput | None = None
    # A digest of the request as the client sent it: kept with the stage pass it closes, so a
    # repeat of it is told from a different report. `stage_seq`: the pass it reports, when the
    # client names it (a report of an earlier pass is then never applied to a later one).
    digest: str | None = None
    stage_seq: int | None = None


class StartStage(BaseModel):
    stage: Stage
    worker_id: uuid.UUID
    started_by: str | None = None  # the signed-in user
    equipment_id: uuid.UUID | None = None  # None: the first free piece that fits


class StageClaim(BaseModel):
    order: OrderRef
    stage: Stage
    worker_id: uuid.UUID
    equipment_id: uuid.UUID | None = None


class ClaimResult(BaseModel):
    worker: str
    equipment: str | None = None


class StageRelease(BaseModel):
    order: OrderRef
    stage: Stage


class HoldRequest(BaseModel):
    reason: str = Field(min_length=1, max_length=2000)
    by: str | None = None


class ResumeRequest(BaseModel):
    by: str | None = None


class PriorityChange(BaseModel):
    priority: Priority
    by: str | None = None


class Escalation(BaseModel):
    seq: int
    kind: str  # overdue | at_risk | rework_limit
    stage: Stage | None = None
    detail: str
    raised_at: datetime


class InspectionEntry(BaseModel):
    seq: int
    stage: Stage
    stage_seq: int
    template_id: uuid.UUID | None = None
    status: str  # passed | failed
    inspector: str | None = None
    worker: str | None = None
    serials: list[str] = Field(default_factory=list)
    completed_at: datetime
    results: list[JudgedCheck] = Field(default_factory=list)


class CancelRequest(BaseModel):
    reason: str = Field(min_length=1, max_length=2000)
    requested_by: str | None = None


class StageEntry(BaseModel):
    seq: int
    stage: Stage
    status: str  # active | completed | failed | cancelled
    started_at: datetime | None = None
    completed_at: datetime | None = None
    worker: str | None = None
    completed_by: str | None = None
    notes: str | None = None
    passed: bool | None = None
    work_started_at: datetime | None = None
    started_by: str | None = None
    equipment: str | None = None
    due_at: datetime | None = None
    escalated_at: datetime | None = None
    # A rework pass: the inspection that failed and the required items it failed on.
    rework_from: Stage | None = None
    rework_inspection: int | None = None
    rework_items: list[str] = Field(default_factory=list)
    request_digest: str | None = None  # of the completion that closed it
    started_worker_id: uuid.UUID | None = None  # who started it (`started_by` is the name)


class Shortage(BaseModel):
    item_id: uuid.UUID
    sku: str
    quantity: int


class OrderSnapshot(BaseModel):
    """The workflow's view of an order; written to the `orders` projection after every step."""

    order_id: uuid.UUID
    number: str
    version: int
    status: OrderStatus
    stage: Stage | None
    rework_count: int = 0
    waiting_for_stock: bool = False
    shortages: list[Shortage] = Field(default_factory=list)
    cancel_reason: str | None = None
    completed_at: datetime | None = None
    stages: list[StageEntry] = Field(default_factory=list)
    priority: Priority | None = None
    on_hold: bool = False
    hold_reason: str | None = None
    at_risk: bool = False
    escalations: list[Escalation] = Field(default_factory=list)
    inspections: list[InspectionEntry] = Field(default_factory=list)
    serial_numbers: list[str] = Field(default_factory=list)


class OrderRef(BaseModel):
    order_id: uuid.UUID


class ReserveResult(BaseModel):
    complete: bool
    shortages: list[Shortage] = Field(default_factory=list)


class HeldShortage(Shortage):
    """A shortage no purchase order was raised for: why (no active supplier, a credit limit)."""

    reason: str


class ProcureResult(BaseModel):
    purchase_orders: list[str] = Field(default_factory=list)
    unsourced: list[Shortage] = Field(default_factory=list)  # kept for recorded histories
    held: list[HeldShortage] = Field(default_factory=list)


class RegisterResult(BaseModel):
    registered: bool


class OrderStep(BaseModel):
    """An order and the person whose action triggered the step (recorded in the ledger)."""

    order: OrderRef
    actor: str | None = None


class ProcureRequest(BaseModel):
    order: OrderRef
    shortages: list[Shortage]


class ReleaseResult(BaseModel):
    released_reservations: int = 0
    cancelled_purchase_orders: list[str] = Field(default_factory=list)


def order_workflow_id(number: str) -> str:
    """One workflow per order; its id is derived from the order number."""
    return f"order-{number}"
