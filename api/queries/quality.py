"""Checklist templates as the QC screens list them, and the stage an inspection waits on."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.stages import Stage
from persistence.tables import OrderStageRecord, QcTemplate
from services.inventory.catalogue import product_by_sku


async def templates(
    session: AsyncSession, stage: Stage | None, product_sku: str | None, active: bool | None
) -> list[QcTemplate]:
    """By stage, newest first."""
    query = select(QcTemplate).order_by(QcTemplate.stage, QcTemplate.created_at.desc())
    if stage is not None:
        query = query.where(QcTemplate.stage == stage.value)
    if product_sku is not None:
        product = await product_by_sku(session, product_sku)
        query = query.where(QcTemplate.product_id == product.id)
    if active is not None:
        query = query.where(QcTemplate.active == active)
    return list(await session.scalars(query))


async def open_stage(session: AsyncSession, order_id: uuid.UUID) -> OrderStageRecord | None:
    """The order's pass through a stage that is not completed yet."""
    return await session.scalar(
        select(OrderStageRecord)
        .where(OrderStageRecord.order_id == order_id, OrderStageRecord.completed_at.is_(None))
        .order_by(OrderStageRecord.seq.desc())
        .limit(1)
    )
