"""Checklist templates and the inspections made against them.

A template belongs to a stage (testing or QC) and either to one product or to every product; the
product's own template wins. Creating a template replaces the active one for the same stage and
product (the old one is kept, inactive, for the inspections that used it).
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from contracts.orders import InspectionInput, JudgedCheck
from domain.errors import InvalidInput
from domain.quality import CheckItem, CheckKind, Result, evaluate
from domain.stages import Stage
from persistence.database import hold_lock
from persistence.tables import Inspection, InspectionResult, QcTemplate, QcTemplateItem


@dataclass(frozen=True)
class Checklist:
    template: QcTemplate
    items: list[QcTemplateItem]

    def check_items(self) -> list[CheckItem]:
        return [
            CheckItem(
                id=item.id,
                description=item.description,
                required=item.required,
                kind=CheckKind(item.kind),
                min_value=item.min_value,
                max_value=item.max_value,
                unit=item.unit,
            )
            for item in self.items
        ]


async def create_template(
    session: AsyncSession,
    stage: Stage,
    product_id: uuid.UUID | None,
    name: str,
    items: Sequence[CheckItem],
    created_by: str | None,
) -> Checklist:
    """Store a checklist (its items already validated by `CheckItem`), replacing the active one
    for the same stage and product."""
    # Two planners saving a checklist for the same stage and product at once: one after the other.
    await hold_lock(session, f"qc-template:{stage}:{product_id}")
    await session.execute(
        update(QcTemplate)
        .where(
            QcTemplate.stage == stage.value,
            QcTemplate.active,
            QcTemplate.product_id.is_(None)
            if product_id is None
            else QcTemplate.product_id == product_id,
        )
        .values(active=False)
    )
    template = QcTemplate(
        stage=stage.value, product_id=product_id, name=name, created_by=created_by
    )
    session.add(template)
    await session.flush()
    rows = [
        QcTemplateItem(
            template_id=template.id,
            position=n,
            description=item.description,
            required=item.required,
            kind=item.kind.value,
            min_value=item.min_value,
            max_value=item.max_value,
            unit=item.unit,
        )
        for n, item in enumerate(items, start=1)
    ]
    session.add_all(rows)
    await session.flush()
    return Checklist(template, rows)


async def load_checklists(
    session: AsyncSession, templates: Sequence[QcTemplate]
) -> list[Checklist]:
    items: dict[uuid.UUID, list[QcTemplateItem]] = defaultdict(list)
    for item in await session.scalars(
        select(QcTemplateItem)
        .where(QcTemplateItem.template_id.in_([t.id for t in templates]))
        .order_by(QcTemplateItem.position)
    ):
        items[item.template_id].append(item)
    return [Checklist(t, items[t.id]) for t in templates]


async def checklist_for(
    session: AsyncSession, stage: Stage, product_id: uuid.UUID
) -> Checklist | None:
    """The active checklist that applies: the product's own, else the one for every product."""
    template = await session.scalar(
        select(QcTemplate)
        .where(
            QcTemplate.stage == stage.value,
            QcTemplate.active,
            (QcTemplate.product_id == product_id) | QcTemplate.product_id.is_(None),
        )
        .order_by(QcTemplate.product_id.is_(None))  # the product's own first
        .limit(1)
    )
    if template is None:
        return None
    return (await load_checklists(session, [template]))[0]


async def judge(
    session: AsyncSession, stage: Stage, product_id: uuid.UUID, results: Sequence[Result] | None
) -> tuple[InspectionInput, bool] | None:
    """Judge submitted results against the checklist that applies: the inspection and its
    verdict. None when no checklist applies and none were submitted (a plain verdict then);
    422 when one is missing."""
    checklist = await checklist_for(session, stage, product_id)
    if checklist is None:
        if results is not None:
            raise InvalidInput(f"no {stage} checklist applies to this product: send only passed")
        return None
    if results is None:
        raise InvalidInput(
            f"{stage} has a checklist ({checklist.template.name}): send inspection.results "
            "for its items",
            template_id=str(checklist.template.id),
        )
    verdict = evaluate(checklist.check_items(), results)
    inspection = InspectionInput(
        template_id=checklist.template.id,
        results=[
            JudgedCheck(
                item_id=j.item.id,
                description=j.item.description,
                required=j.item.required,
                kind=j.item.kind.value,
                passed=j.result.passed if j.result else None,
                value=j.result.value if j.result else None,
                unit=j.item.unit,
                ok=j.ok,
                comment=j.result.comment if j.result else None,
            )
            for j in verdict.judged
        ],
    )
    return inspection, verdict.passed


async def inspections(
    session: AsyncSession,
    *,
    order_id: uuid.UUID | None = None,
    stage: Stage | None = None,
    status: str | None = None,
    limit: int = 100,
) -> list[tuple[Inspection, list[InspectionResult]]]:
    query = select(Inspection).order_by(Inspection.completed_at.desc(), Inspection.seq.desc())
    if order_id is not None:
        query = query.where(Inspection.order_id == order_id)
    if stage is not None:
        query = query.where(Inspection.stage == stage.value)
    if status is not None:
        query = query.where(Inspection.status == status)
    found = list(await session.scalars(query.limit(limit)))
    results: dict[tuple[uuid.UUID, int], list[InspectionResult]] = defaultdict(list)
    if found:
        for result in await session.scalars(
            select(InspectionResult)
            .where(InspectionResult.order_id.in_({i.order_id for i in found}))
            .order_by(InspectionResult.position)
        ):
            results[result.order_id, result.inspection_seq].append(result)
    return [(i, results[i.order_id, i.seq]) for i in found]
