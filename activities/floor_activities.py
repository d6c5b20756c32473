"""The shop floor's activities: claiming a worker's skill and a piece of equipment for a
stage, giving the equipment back, and numbering the units. Each is safe to retry."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import structlog
from temporalio import activity

from activities.edge import at_the_edge
from contracts.orders import ClaimResult, OrderRef, StageClaim, StageRelease
from persistence.database import SessionFactory
from services.floor import stage_work

log = structlog.get_logger(__name__)


class FloorActivities:
    def __init__(self, sessions: SessionFactory) -> None:
        self._sessions = sessions

    @activity.defn(name="claim_for_stage")
    @at_the_edge
    async def claim_for_stage(self, claim: StageClaim) -> ClaimResult:
        async with self._sessions.begin() as session:
            result = await stage_work.claim(
                session, claim.order.order_id, claim.stage, claim.worker_id, claim.equipment_id
            )
        log.info(
            "stage.started", stage=claim.stage, worker=result.worker, equipment=result.equipment
        )
        return result

    @activity.defn(name="release_stage_equipment")
    @at_the_edge
    async def release_stage_equipment(self, release: StageRelease) -> int:
        async with self._sessions.begin() as session:
            return await stage_work.release(session, release.order.order_id, release.stage)

    @activity.defn(name="assign_serials")
    @at_the_edge
    async def assign_serials(self, ref: OrderRef) -> list[str]:
        async with self._sessions.begin() as session:
            serials = await stage_work.assign_serials(session, ref.order_id)
        log.info("order.serials", serials=serials)
        return serials

    def all(self) -> list[Callable[..., Awaitable[object]]]:
        return [self.claim_for_stage, self.release_stage_equipment, self.assign_serials]
