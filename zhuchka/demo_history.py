"""A past for the demo workshop (`zhuchka seed --history DAYS`), so that every analytics
figure has something to say on a fresh `make run`.

Day by day, orders are taken and built along the route's own rules (`domain.stages.Progress`:
an inspection that fails sends the unit back where the route says, and the order counts a
rework); the components are booked out of stock when assembly first completes; every morning
each component running short is bought from its preferred supplier, and the delivery arrives
some days before or after the promised date. Testing and QC leave inspections with the checks
that failed; soldering and testing use the floor's equipment; the floor's workers start the
passes they are skilled for.

It is history, not work in progress: every order it makes is shipped (or cancelled) before
today, and none has a workflow. It is written straight into the tables in one transaction
(COPY for the bulk), its orders numbered ZK-H…; a second run finds them and changes nothing.
The stock levels grow by what the history leaves on the shelves, so the ledger and the levels
still agree (`zhuchka check-stock`)."""

from __future__ import annotations

import random
import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from domain.stages import AUTOMATIC_STAGES, INSPECTION_STAGES, Progress, Stage
from persistence.tables import (
    Bin,
    BomLine,
    Equipment,
    Item,
    Order,
    Product,
    QcTemplate,
    QcTemplateItem,
    StageRequirement,
    SupplierItem,
    Warehouse,
    Worker,
    WorkerSkill,
    Zone,
)

PREFIX = "ZK-H"
CUSTOMERS = [
    "Klava Shop", "Mech Lab", "Typing Club", "Office Works", "Keyboard Cafe", "Studio Nord",
    "Dev Guild", "Retro Keys", "Print House", "Code School",
]  # fmt: skip
PRIORITIES = (["NORMAL"] * 6) + ["LOW", "HIGH", "HIGH", "URGENT"]
PASS_RATE = {Stage.TESTING: 0.9, Stage.QC: 0.93}
# Hours of work a stage takes around its target, and how long an order waits before it.
QUEUE_HOURS = {Stage.DESIGN: 6, Stage.PROCUREMENT: 2, Stage.ASSEMBLY: 5, Stage.SOLDERING: 8,
               Stage.TESTING: 4, Stage.QC: 3, Stage.SHIPPING: 6}  # fmt: skip
COVER_DAYS = 21  # a component is bought when less than this many days of use are left


@dataclass(frozen=True)
class Scale:
    """How much history: `days` back from yesterday, about `orders_per_day` a working day."""

    days: int
    orders_per_day: float = 6.0
    seed: int = 7


@dataclass
class _Floor:
    warehouse: uuid.UUID
    storage_bin: uuid.UUID
    products: list[tuple[uuid.UUID, uuid.UUID, str, bool, list[tuple[uuid.UUID, int]]]]
    offers: dict[uuid.UUID, tuple[uuid.UUID, Decimal, int, int]]  # item: supplier, price, moq, lead
    targets: dict[str, int]  # stage: minutes
    equipment: dict[str, list[str]]  # stage: names
    workers: dict[str, list[tuple[uuid.UUID, str]]]  # stage: (id, name)
    checks: dict[str, list[str]]  # stage: check descriptions


@dataclass
class _Rows:
    """What the history writes, table by table."""

    tables: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: defaultdict(list))

    def add(self, table: str, **row: Any) -> None:
        self.tables[table].append(row)


async def load_history(
    session: AsyncSession, scale: Scale, progress: Callable[[int, int], None] | None = None
) -> dict[str, int]:
    """Write the history; the rows written per table ({} when it was loaded before)."""
    if await session.scalar(select(Order.id).where(Order.number.like(f"{PREFIX}%")).limit(1)):
        return {}
    floor = await _floor(session)
    rows = _Simulation(floor, scale, progress).run()
    await _write(session, rows)
    return {table: len(found) for table, found in rows.tables.items()}


async def _floor(session: AsyncSession) -> _Floor:
    warehouse = await session.scalar(select(Warehouse.id).order_by(Warehouse.code).limit(1))
    storage = await session.scalar(
        select(Bin.id)
        .join(Zone, Zone.id == Bin.zone_id)
        .where(Bin.warehouse_id == warehouse, Zone.zone_type == "STORAGE")
        .order_by(Bin.code)
        .limit(1)
    )
    if warehouse is None or storage is None:
        raise RuntimeError("seed the demo workshop first (`zhuchka seed`): it has no warehouse")
    products = []
    for product_id, item_id, sku, soldered in await session.execute(
        select(Product.id, Product.item_id, Item.sku, Product.requires_soldering)
        .join(Item, Item.id == Product.item_id)
        .order_by(Item.sku)
    ):
        bom = [
            (line, quantity)
            for line, quantity in await session.execute(
                select(BomLine.item_id, BomLine.quantity).where(BomLine.product_id == product_id)
            )
        ]
        products.append((product_id, item_id, sku, soldered, bom))
    offers: dict[uuid.UUID, tuple[uuid.UUID, Decimal, int, int]] = {}
    for item_id, supplier_id, price, moq, lead in await session.execute(
        select(
            SupplierItem.item_id,
            SupplierItem.supplier_id,
            SupplierItem.unit_price,
            SupplierItem.min_order_qty,
            SupplierItem.lead_time_days,
        ).order_by(SupplierItem.preferred.desc())
    ):
        offers.setdefault(item_id, (supplier_id, price, moq, lead))
    equipment: dict[str, list[str]] = defaultdict(list)
    for name, stage in await session.execute(select(Equipment.name, Equipment.stage)):
        equipment[stage].append(name)
    workers: dict[str, list[tuple[uuid.UUID, str]]] = defaultdict(list)
    for worker_id, name, stage in await session.execute(
        select(Worker.id, Worker.name, WorkerSkill.stage).join(
            WorkerSkill, WorkerSkill.worker_id == Worker.id
        )
    ):
        workers[stage].append((worker_id, name))
    checks: dict[str, list[str]] = defaultdict(list)
    for stage, description in await session.execute(
        select(QcTemplate.stage, QcTemplateItem.description)
        .join(QcTemplateItem, QcTemplateItem.template_id == QcTemplate.id)
        .order_by(QcTemplateItem.position)
    ):
        checks[stage].append(description)
    targets: dict[str, int] = {}
    for stage, minutes in await session.execute(
        select(StageRequirement.stage, StageRequirement.target_minutes)
    ):
        targets[stage] = minutes
    return _Floor(warehouse, storage, products, offers, targets, equipment, workers, checks)


class _Simulation:
    def __init__(
        self, floor: _Floor, scale: Scale, progress: Callable[[int, int], None] | None
    ) -> None:
        self.floor = floor
        self.scale = scale
        self.progress = progress or (lambda done, total: None)
        self.random = random.Random(scale.seed)
        self.rows = _Rows()
        self.balance: dict[uuid.UUID, int] = defaultdict(int)  # on the shelf, as history goes
        self.use_per_day: dict[uuid.UUID, float] = defaultdict(float)
        self.issues: list[tuple[datetime, uuid.UUID, int, uuid.UUID]] = []  # when, item, qty, order
        self.numbers = 0
        self.po_numbers = 0
        self.inspected: dict[str, int] = defaultdict(int)

    def run(self) -> _Rows:
        today = datetime.now(UTC).date()
        first = today - timedelta(days=self.scale.days)
        # Orders are taken until a month before today, so that all of them have shipped.
        last_intake = today - timedelta(days=30)
        average = self._average_use()
        for item, per_day in average.items():
            self.use_per_day[item] = per_day
        days = (last_intake - first).days
        for n in range(max(days, 0)):
            day = first + timedelta(days=n)
            if day.weekday() < 5:
                for _ in range(self._poisson(self.scale.orders_per_day)):
                    self._order(day)
            self.progress(n + 1, days)
        self._stock(first, today)
        return self.rows

    def _average_use(self) -> dict[uuid.UUID, float]:
        per_order: dict[uuid.UUID, float] = defaultdict(float)
        products = self.floor.products
        for *_, bom in products:
            for item, quantity in bom:
                per_order[item] += quantity * 1.6 / len(products)  # 1.6 units an order
        return {item: q * self.scale.orders_per_day * 5 / 7 for item, q in per_order.items()}

    def _poisson(self, mean: float) -> int:
        count, limit, product = 0, pow(2.718281828, -mean), self.random.random()
        while product > limit:
            count += 1
            product *= self.random.random()
        return count

    # --- one order ------------------------------------------------------------------------

    def _order(self, day: date) -> None:
        r = self.random
        products = self.floor.products  # hot-swap boards sell more than soldered ones
        weights = [3 if soldered else 7 for *_, soldered, _ in products]
        product_id, _, _, soldered, bom = r.choices(products, weights=weights)[0]
        self.numbers += 1
        order_id = uuid.uuid4()
        quantity = r.choices([1, 2, 3, 5], weights=[60, 25, 10, 5])[0]
        taken = datetime.combine(day, time(9), UTC) + timedelta(minutes=r.randint(0, 480))
        due = day + timedelta(days=r.randint(10, 28))
        progress = Progress.start(requires_soldering=soldered)
        at = taken
        seq = 0
        consumed = False
        serials = [f"H{self.numbers:06d}-{n}" for n in range(1, quantity + 1)]
        rework_from: str | None = None
        while progress.stage is not None:
            stage = progress.stage
            seq += 1
            entered = at
            queue = timedelta(hours=r.expovariate(1 / QUEUE_HOURS[stage]))
            target = self.floor.targets.get(stage.value, 60)
            work = timedelta(minutes=target * quantity * r.uniform(0.6, 1.5))
            if stage in AUTOMATIC_STAGES:
                begun, done = None, entered + queue
            else:
                begun = entered + queue
                done = begun + work
            passed: bool | None = None
            if stage in INSPECTION_STAGES:
                passed = r.random() < PASS_RATE[stage]
            worker = self._worker(stage.value)
            equipment = self._equipment(stage.value)
            self.rows.add(
                "order_stages",
                order_id=order_id,
                seq=seq,
                stage=stage.value,
                status="failed" if passed is False else "completed",
                started_at=entered,
                completed_at=done,
                worker=worker[1] if worker else None,
                completed_by=None,
                notes=None,
                passed=passed,
                work_started_at=begun,
                started_by=worker[1] if worker and begun else None,
                started_worker_id=worker[0] if worker and begun else None,
                equipment=equipment if begun else None,
                due_at=entered + timedelta(minutes=target * quantity) if target else None,
                escalated_at=None,
                rework_from=rework_from,
                rework_inspection=None,
                rework_items=[],
                request_digest=None,
            )
            rework_from = None
            if stage is Stage.ASSEMBLY and not consumed:
                consumed = True
                for item, per_unit in bom:
                    self.issues.append((done, item, per_unit * quantity, order_id))
            if passed is not None:
                self._inspection(order_id, stage, seq, passed, done, worker)
                if not passed:
                    rework_from = stage.value
            progress = progress.complete(stage, passed)
            at = done
        self.rows.add(
            "orders",
            id=order_id,
            number=f"{PREFIX}{self.numbers:06d}",
            workflow_id=f"history-{order_id}",
            product_id=product_id,
            warehouse_id=self.floor.warehouse,
            quantity=quantity,
            customer=r.choice(CUSTOMERS),
            priority=r.choice(PRIORITIES),
            due_date=due,
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
        for position, serial in enumerate(serials, start=1):
            self.rows.add(
                "units", serial=serial, order_id=order_id, position=position, created_at=taken,
                shipped_at=at,
            )  # fmt: skip

    def _worker(self, stage: str) -> tuple[uuid.UUID, str] | None:
        people = self.floor.workers.get(stage)
        return self.random.choice(people) if people else None

    def _equipment(self, stage: str) -> str | None:
        names = self.floor.equipment.get(stage)
        return self.random.choice(names) if names else None

    def _inspection(
        self,
        order_id: uuid.UUID,
        stage: Stage,
        stage_seq: int,
        passed: bool,
        at: datetime,
        worker: tuple[uuid.UUID, str] | None,
    ) -> None:
        key = str(order_id)
        self.inspected[key] += 1
        seq = self.inspected[key]
        self.rows.add(
            "inspections",
            order_id=order_id,
            seq=seq,
            stage=stage.value,
            stage_seq=stage_seq,
            template_id=None,
            status="passed" if passed else "failed",
            inspector=f"{worker[1]}" if worker else None,
            worker=worker[1] if worker else None,
            serials="",
            completed_at=at,
        )
        checks = self.floor.checks.get(stage.value) or [f"{stage.value} check"]
        if passed:
            return
        # The first checks of a list fail most often (a Pareto worth showing).
        weights = [1 / (n + 1) for n in range(len(checks))]
        failed = set(self.random.choices(checks, weights=weights, k=self.random.randint(1, 2)))
        for position, check in enumerate(checks, start=1):
            self.rows.add(
                "inspection_results",
                order_id=order_id,
                inspection_seq=seq,
                position=position,
                item_id=None,
                description=check,
                required=True,
                kind="PASS_FAIL",
                passed=check not in failed,
                value=None,
                unit=None,
                ok=check not in failed,
                comment=None,
            )

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
            self._receipt(
                min(when, datetime.now(UTC) - timedelta(hours=1)), item, quantity, po, "delivery"
            )

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
        self.rows.add(
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
        self.rows.add(
            "purchase_order_lines",
            id=line,
            purchase_order_id=po,
            item_id=item,
            quantity=quantity,
            received_quantity=quantity,
            replenish_quantity=quantity,
            unit_price=price,
        )
        self.rows.add(
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
        self.rows.add(
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


async def _write(session: AsyncSession, rows: _Rows) -> None:
    """COPY each table's rows (parents first), then add what the history left on the shelf to
    the stock levels and the bin."""
    connection = await session.connection()
    raw = (await connection.get_raw_connection()).driver_connection
    assert raw is not None
    order = [
        "orders", "order_stages", "units", "inspections", "inspection_results",
        "purchase_orders", "purchase_order_lines", "purchase_order_receipts", "stock_movements",
    ]  # fmt: skip
    for table in order:
        found = rows.tables.get(table)
        if not found:
            continue
        columns = list(found[0])
        statement = f"COPY {table} ({', '.join(columns)}) FROM STDIN"  # our own names only
        async with raw.cursor() as cursor, cursor.copy(statement) as copy:
            for row in found:
                await copy.write_row([row[c] for c in columns])
    movements = rows.tables.get("stock_movements", [])
    left: dict[uuid.UUID, int] = defaultdict(int)
    for movement in movements:
        left[movement["item_id"]] += movement["delta"]
    for item, quantity in left.items():
        place = {"warehouse": movements[0]["warehouse_id"], "bin": movements[0]["bin_id"]}
        keys = place | {"item": item, "quantity": quantity}
        await session.execute(
            text(
                "INSERT INTO stock_levels (item_id, warehouse_id, on_hand, reserved, quarantined)"
                " VALUES (:item, :warehouse, :quantity, 0, 0) ON CONFLICT (item_id, warehouse_id)"
                " DO UPDATE SET on_hand = stock_levels.on_hand + :quantity"
            ),
            keys,
        )
        await session.execute(
            text(
                "INSERT INTO bin_stock (item_id, bin_id, warehouse_id, on_hand)"
                " VALUES (:item, :bin, :warehouse, :quantity) ON CONFLICT (item_id, bin_id)"
                " DO UPDATE SET on_hand = bin_stock.on_hand + :quantity"
            ),
            keys,
        )
