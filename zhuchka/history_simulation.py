"""How the demo history unfolds (see `zhuchka.demo_history`): orders taken each working day
go through the route's own rules, each pass waiting for a person skilled for it (and the
stage's equipment) to be free and worked inside their working hours; components run short are
bought each morning. Deterministic for a given seed."""

from __future__ import annotations

import random
import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from domain.stages import AUTOMATIC_STAGES, INSPECTION_STAGES, Progress, Stage
from domain.work_calendar import Span
from zhuchka.history_floor import Floor, Resources

PREFIX = "ZK-H"
CUSTOMERS = [
    "Klava Shop", "Mech Lab", "Typing Club", "Office Works", "Keyboard Cafe", "Studio Nord",
    "Dev Guild", "Retro Keys", "Print House", "Code School",
]  # fmt: skip
PRIORITIES = (["NORMAL"] * 6) + ["LOW", "HIGH", "HIGH", "URGENT"]
PASS_RATE = {Stage.TESTING: 0.9, Stage.QC: 0.93}
# Stages with equipment work their target per unit (OEE performance near 1); the others take a
# share of theirs by hand, per unit or, for design and shipping, per order (a design's target
# of two days is mostly waiting for the customer's answers).
HANDS_ON_SHARE = {Stage.DESIGN: 0.03, Stage.ASSEMBLY: 0.25, Stage.QC: 0.4, Stage.SHIPPING: 0.02}
PER_ORDER = {Stage.DESIGN, Stage.SHIPPING}
COVER_DAYS = 21  # a component is bought when less than this many days of use are left
CANDIDATES = 4  # workers (and pieces of equipment) considered for a pass


@dataclass(frozen=True)
class Scale:
    """How much history: `days` back from yesterday, about `orders_per_day` a working day."""

    days: int
    orders_per_day: float = 3.0  # what the demo floor's four people can build
    seed: int = 7


class Simulation:
    def __init__(
        self, floor: Floor, scale: Scale, progress: Callable[[int, int], None] | None
    ) -> None:
        self.floor = floor
        self.days = scale.days
        self.orders_per_day = scale.orders_per_day
        self.progress = progress or (lambda done, total: None)
        self.random = random.Random(scale.seed)
        self.tables: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self.balance: dict[uuid.UUID, int] = defaultdict(int)  # on the shelf, as history goes
        self.use_per_day: dict[uuid.UUID, float] = defaultdict(float)
        self.issues: list[tuple[datetime, uuid.UUID, int, uuid.UUID]] = []  # when, item, qty, order
        self.numbers = 0
        self.po_numbers = 0
        self.now = datetime.now(UTC) - timedelta(hours=1)
        first = datetime.combine(self.now.date() - timedelta(days=self.days + 1), time(), UTC)
        self.resources = Resources(floor.calendars, first, self.now + timedelta(days=60))

    def add(self, table: str, **row: Any) -> None:
        self.tables[table].append(row)

    def run(self) -> dict[str, list[dict[str, Any]]]:
        today = self.now.date()
        first = today - timedelta(days=self.days)
        for item, per_day in self._average_use().items():
            self.use_per_day[item] = per_day
        for n in range(self.days):
            day = first + timedelta(days=n)
            if day.weekday() < 5:
                for _ in range(self._poisson(self.orders_per_day)):
                    self._order(day)
            self.progress(n + 1, self.days)
        self._stock(first, today)
        return self.tables

    def _average_use(self) -> dict[uuid.UUID, float]:
        per_order: dict[uuid.UUID, float] = defaultdict(float)
        products = self.floor.products
        for *_, bom in products:
            for item, quantity in bom:
                per_order[item] += quantity * 1.25 / len(products)  # 1.25 units an order
        return {item: q * self.orders_per_day * 5 / 7 for item, q in per_order.items()}

    def _poisson(self, mean: float) -> int:
        count, limit, product = 0, pow(2.718281828, -mean), self.random.random()
        while product > limit:
            count += 1
            product *= self.random.random()
        return count

    # --- one order ------------------------------------------------------------------------

    def _order(self, day: date) -> None:
        """One order from intake to shipping; kept only when it shipped before now (the
        history holds no work in progress: those orders would have no workflows)."""
        r = self.random
        products = self.floor.products  # hot-swap boards sell more than soldered ones
        weights = [3 if soldered else 7 for *_, soldered, _ in products]
        product_id, _, _, soldered, bom = r.choices(products, weights=weights)[0]
        order_id = uuid.uuid4()
        quantity = r.choices([1, 2, 3], weights=[80, 15, 5])[0]
        taken = datetime.combine(day, time(6), UTC) + timedelta(minutes=r.randint(0, 480))
        rows: list[tuple[str, dict[str, Any]]] = []
        issues: list[tuple[datetime, uuid.UUID, int, uuid.UUID]] = []
        progress = Progress.start(requires_soldering=soldered)
        at, seq, inspections, consumed = taken, 0, 0, False
        rework_from: str | None = None
        while progress.stage is not None:
            stage = progress.stage
            seq += 1
            target = timedelta(minutes=self.floor.targets.get(stage.value, 60))
            passed = r.random() < PASS_RATE[stage] if stage in INSPECTION_STAGES else None
            worker: tuple[uuid.UUID, str] | None = None
            equipment: str | None = None
            if stage in AUTOMATIC_STAGES:
                begun, done = None, at + timedelta(hours=r.uniform(0.2, 3))
            else:
                units = 1 if stage in PER_ORDER else quantity
                worker, equipment, begun, done = self._work(stage, at, target * units)
            rows.append(("order_stages", {
                "order_id": order_id, "seq": seq, "stage": stage.value,
                "status": "failed" if passed is False else "completed",
                "started_at": at, "completed_at": done,
                "worker": worker[1] if worker else None, "completed_by": None, "notes": None,
                "passed": passed, "work_started_at": begun,
                "started_by": worker[1] if worker else None,
                "started_worker_id": worker[0] if worker else None, "equipment": equipment,
                "due_at": at + target * quantity, "escalated_at": None, "rework_from": rework_from,
                "rework_inspection": None, "rework_items": [], "request_digest": None,
            }))  # fmt: skip
            rework_from = None
            if stage is Stage.ASSEMBLY and not consumed:
                consumed = True
                issues += [(done, item, per * quantity, order_id) for item, per in bom]
            if passed is not None:
                inspections += 1
                rows += self._inspection(order_id, inspections, stage, seq, passed, done, worker)
                rework_from = None if passed else stage.value
            progress = progress.complete(stage, passed)
            at = done + timedelta(minutes=r.randint(5, 90))
        if at >= self.now:
            return  # still in the works today: not history
        self.numbers += 1
        for table, row in rows:
            self.add(table, **row)
        self.issues += issues
        self.add(
            "orders",
            id=order_id,
            number=f"{PREFIX}{self.numbers:06d}",
            workflow_id=f"history-{order_id}",
            product_id=product_id,
            warehouse_id=self.floor.warehouse,
            quantity=quantity,
            customer=r.choice(CUSTOMERS),
            priority=r.choice(PRIORITIES),
            due_date=day + timedelta(days=r.randint(7, 21)),
            status="completed",
            stage=None,
            rework_count=progress.rework_count,
            waiting_for_stock=False,
            on_hold=False,
            at_risk=False,
            version=1,
            created_at=taken,
            completed_at=at,
            updated_at=at,
        )
        for position in range(1, quantity + 1):
            self.add(
                "units", serial=f"H{self.numbers:06d}-{position}", order_id=order_id,
                position=position, created_at=taken, shipped_at=at,
            )  # fmt: skip

    def _work(
        self, stage: Stage, ready: datetime, target: timedelta
    ) -> tuple[tuple[uuid.UUID, str] | None, str | None, datetime, datetime]:
        """The pass's worker (the skilled one who can finish it soonest, inside their working
        hours) and equipment (one free for that span), and when the work started and ended."""
        r = self.random
        share = HANDS_ON_SHARE.get(stage)
        work = target * (r.uniform(0.3, 1.0) * share if share else r.uniform(0.8, 1.25))
        work = max(work, timedelta(minutes=10))
        people = self.floor.workers.get(stage.value, [])
        if not people:
            return None, None, ready, ready + work
        # A few of those who could do it, as a foreman would look around (all of them on a
        # small floor).
        people = r.sample(people, min(CANDIDATES, len(people)))
        names = self.floor.equipment.get(stage.value, [])
        names = r.sample(names, min(CANDIDATES, len(names)))
        resources = self.resources
        best: tuple[Span, tuple[uuid.UUID, str], str | None] | None = None
        for worker in people:
            key, start = f"worker:{worker[0]}", ready
            while True:
                span = resources.find(key, start, work)
                if not names:
                    free = None
                    break
                busy = [resources.overlapping(f"equipment:{e}", span) for e in names]
                free = next((e for e, b in zip(names, busy, strict=True) if b is None), None)
                if free is not None or span[0] >= self.now:
                    break
                start = min(b[1] for b in busy if b is not None)  # when one is free again
            if best is None or span[1] < best[0][1]:
                best = (span, worker, free)
        assert best is not None
        span, worker, equipment = best
        resources.book(f"worker:{worker[0]}", span)
        if equipment is not None:
            resources.book(f"equipment:{equipment}", span)
        return worker, equipment, span[0], span[1]

    def _inspection(
        self,
        order_id: uuid.UUID,
        seq: int,
        stage: Stage,
        stage_seq: int,
        passed: bool,
        at: datetime,
        worker: tuple[uuid.UUID, str] | None,
    ) -> list[tuple[str, dict[str, Any]]]:
        rows: list[tuple[str, dict[str, Any]]] = [("inspections", {
            "order_id": order_id, "seq": seq, "stage": stage.value, "stage_seq": stage_seq,
            "template_id": None, "status": "passed" if passed else "failed",
            "inspector": worker[1] if worker else None, "worker": worker[1] if worker else None,
            "serials": "", "completed_at": at,
        })]  # fmt: skip
        checks = self.floor.checks.get(stage.value)
        if passed or not checks:  # a stage without a checklist records the verdict alone
            return rows
        # The first checks of a list fail most often (a Pareto worth showing).
        weights = [1 / (n + 1) for n in range(len(checks))]
        failed = set(self.random.choices(checks, weights=weights, k=self.random.randint(1, 2)))
        for position, check in enumerate(checks, start=1):
            rows.append(("inspection_results", {
                "order_id": order_id, "inspection_seq": seq, "position": position,
                "item_id": None, "description": check, "required": True, "kind": "PASS_FAIL",
                "passed": check not in failed, "value": None, "unit": None,
                "ok": check not in failed, "comment": None,
            }))  # fmt: skip
        return rows

    # --- stock ----------------------------------------------------------------------------

    def _stock(self, first: date, today: date) -> None:
        """Opening stock the day before the history starts; each morning, components with
        less than three weeks of use left are bought and arrive around their promised date;
        the issues of assembly take from the shelf (an emergency purchase the day before when
        it would not cover them: a shelf never goes below zero)."""
        issues = sorted(self.issues, key=lambda i: i[0])
        opening = datetime.combine(first - timedelta(days=1), time(7), UTC)
        for item, per_day in self.use_per_day.items():
            self._receipt(opening, item, int(per_day * COVER_DAYS) + 1, None, "opening stock")
        arriving: list[tuple[datetime, uuid.UUID, int, uuid.UUID | None]] = []
        on_order: dict[uuid.UUID, int] = defaultdict(int)
        day, next_issue = first, 0
        while day < today:
            morning = datetime.combine(day, time(8), UTC)
            for when, item, quantity, po in sorted(a for a in arriving if a[0] <= morning):
                self._receipt(when, item, quantity, po, "delivery")
                on_order[item] -= quantity
            arriving = [a for a in arriving if a[0] > morning]
            if day.weekday() < 5:
                for item, per_day in self.use_per_day.items():
                    if self.balance[item] + on_order[item] < per_day * COVER_DAYS:
                        quantity = self._order_quantity(item, per_day)
                        po, arrives = self._purchase_order(morning, item, quantity)
                        arriving.append((arrives, item, quantity, po))
                        on_order[item] += quantity
            evening = morning + timedelta(days=1)
            while next_issue < len(issues) and issues[next_issue][0] < evening:
                when, item, quantity, order_id = issues[next_issue]
                if self.balance[item] < quantity:
                    self._receipt(
                        when - timedelta(hours=1),
                        item,
                        quantity - self.balance[item],
                        None,
                        "emergency purchase",
                    )
                self._ledger(when, item, "ISSUE", -quantity, order_id=order_id, reason="assembly")
                next_issue += 1
            day += timedelta(days=1)
        for when, item, quantity, po in arriving:  # still coming: arrives by now
            self._receipt(min(when, self.now), item, quantity, po, "delivery")

    def _order_quantity(self, item: uuid.UUID, per_day: float) -> int:
        offer = self.floor.offers.get(item)
        moq = offer[2] if offer else 1
        return max(moq, int(per_day * COVER_DAYS * 2) + 1)

    def _purchase_order(
        self, morning: datetime, item: uuid.UUID, quantity: int
    ) -> tuple[uuid.UUID | None, datetime]:
        offer = self.floor.offers.get(item)
        if offer is None:
            return None, morning + timedelta(days=7)
        supplier, price, _, lead = offer
        self.po_numbers += 1
        po = uuid.uuid4()
        promised = morning.date() + timedelta(days=max(lead, 1))
        arrives = datetime.combine(promised, time(11), UTC) + timedelta(
            days=self.random.choice([-3, -1, 0, 0, 0, 1, 2, 4])
        )
        arrives = max(arrives, morning + timedelta(days=1))
        line = uuid.uuid4()
        self.add(
            "purchase_orders",
            id=po,
            number=f"PO-H{self.po_numbers:06d}",
            supplier_id=supplier,
            warehouse_id=self.floor.warehouse,
            status="received",
            origin="auto",
            expected_date=promised,
            notes="",
            created_at=morning,
            sent_at=morning,
            confirmed_at=morning + timedelta(hours=4),
            received_at=arrives,
        )
        self.add(
            "purchase_order_lines",
            id=line,
            purchase_order_id=po,
            item_id=item,
            quantity=quantity,
            received_quantity=quantity,
            replenish_quantity=quantity,
            unit_price=price,
        )
        self.add(
            "purchase_order_receipts",
            id=uuid.uuid4(),
            purchase_order_id=po,
            line_id=line,
            item_id=item,
            quantity=quantity,
            bin_id=self.floor.storage_bin,
            received_by="history",
            received_at=arrives,
        )
        return po, arrives

    def _receipt(
        self, when: datetime, item: uuid.UUID, quantity: int, po: uuid.UUID | None, reason: str
    ) -> None:
        self._ledger(when, item, "RECEIPT", quantity, purchase_order_id=po, reason=reason)

    def _ledger(
        self,
        when: datetime,
        item: uuid.UUID,
        kind: str,
        delta: int,
        *,
        order_id: uuid.UUID | None = None,
        purchase_order_id: uuid.UUID | None = None,
        reason: str,
    ) -> None:
        self.balance[item] += delta
        self.add(
            "stock_movements",
            item_id=item,
            warehouse_id=self.floor.warehouse,
            bin_id=self.floor.storage_bin,
            movement_type=kind,
            quantity=abs(delta),
            delta=delta,
            reason=reason,
            operation_id=uuid.uuid4(),
            order_id=order_id,
            purchase_order_id=purchase_order_id,
            actor="history",
            created_at=when,
        )
