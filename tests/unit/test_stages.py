import pytest

from domain.errors import InvalidInput, OrderClosed, WrongStage
from domain.stages import OrderStatus, Progress, Stage, route_for


def walk(progress: Progress, *steps: tuple[Stage, bool | None]) -> Progress:
    for stage, passed in steps:
        progress = progress.complete(stage, passed)
    return progress


def test_hot_swap_route_skips_soldering() -> None:
    assert route_for(requires_soldering=False) == (
        Stage.DESIGN,
        Stage.PROCUREMENT,
        Stage.ASSEMBLY,
        Stage.TESTING,
        Stage.QC,
        Stage.SHIPPING,
    )
    assert Stage.SOLDERING in route_for(requires_soldering=True)


def test_an_order_walks_its_route_to_completion() -> None:
    progress = Progress.start(requires_soldering=True)
    assert (progress.stage, progress.status) == (Stage.DESIGN, OrderStatus.PENDING)
    progress = walk(
        progress,
        (Stage.DESIGN, None),
        (Stage.PROCUREMENT, None),
        (Stage.ASSEMBLY, None),
        (Stage.SOLDERING, None),
        (Stage.TESTING, True),
    )
    assert (progress.stage, progress.status) == (Stage.QC, OrderStatus.QUALITY_CONTROL)
    progress = walk(progress, (Stage.QC, True), (Stage.SHIPPING, None))
    assert progress.stage is None
    assert progress.status is OrderStatus.COMPLETED
    assert progress.is_closed
    assert progress.rework_count == 0


@pytest.mark.parametrize(
    ("soldered", "failed", "back_to"),
    [
        (True, Stage.TESTING, Stage.SOLDERING),
        (False, Stage.TESTING, Stage.ASSEMBLY),
        (True, Stage.QC, Stage.ASSEMBLY),
        (False, Stage.QC, Stage.ASSEMBLY),
    ],
)
def test_a_failed_inspection_sends_the_unit_back(
    soldered: bool, failed: Stage, back_to: Stage
) -> None:
    progress = walk(
        Progress.start(requires_soldering=soldered),
        (Stage.DESIGN, None),
        (Stage.PROCUREMENT, None),
        (Stage.ASSEMBLY, None),
    )
    if soldered:
        progress = progress.complete(Stage.SOLDERING)
    if failed is Stage.QC:
        progress = progress.complete(Stage.TESTING, True)
    progress = progress.complete(failed, False)
    assert progress.stage is back_to
    assert progress.rework_count == 1
    assert progress.status is OrderStatus.IN_PRODUCTION


def test_completing_the_wrong_stage_is_refused_with_the_current_one() -> None:
    progress = Progress.start(requires_soldering=False)
    with pytest.raises(WrongStage) as refused:
        progress.complete(Stage.ASSEMBLY)
    assert refused.value.details["current"] is Stage.DESIGN


def test_procurement_is_automatic_and_cannot_be_reported_by_a_person() -> None:
    progress = Progress.start(requires_soldering=False).complete(Stage.DESIGN)
    with pytest.raises(WrongStage, match="automatic"):
        progress.check_completion(Stage.PROCUREMENT, None)
    assert progress.complete(Stage.PROCUREMENT).stage is Stage.ASSEMBLY


def test_an_inspection_reported_without_a_verdict_is_malformed() -> None:
    progress = walk(
        Progress.start(requires_soldering=False),
        (Stage.DESIGN, None),
        (Stage.PROCUREMENT, None),
        (Stage.ASSEMBLY, None),
    )
    with pytest.raises(InvalidInput, match="verdict") as refused:
        progress.complete(Stage.TESTING, None)
    assert refused.value.details["field"] == "passed"


def test_closed_orders_take_no_more_completions_or_cancellations() -> None:
    cancelled = Progress.start(requires_soldering=False).cancelled()
    assert cancelled.status is OrderStatus.CANCELLED
    assert cancelled.stage is None
    with pytest.raises(OrderClosed):
        cancelled.complete(Stage.DESIGN)
    with pytest.raises(OrderClosed):
        cancelled.cancelled()
