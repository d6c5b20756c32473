import pytest

from domain.bom import BomLine, can_build, explode
from domain.errors import Conflict

KEYBOARD = [
    BomLine("PCB", 1),
    BomLine("PLATE", 1),
    BomLine("CASE", 1),
    BomLine("SWITCH", 68),
    BomLine("KEYCAPS", 1),
    BomLine("STAB", 4),
    BomLine("CABLE", 1),
    BomLine("BOX", 1),
]


def test_an_order_needs_quantity_times_the_bom() -> None:
    needs = explode(KEYBOARD, 3)
    assert needs["SWITCH"] == 204
    assert needs["STAB"] == 12
    assert needs["PCB"] == 3
    assert len(needs) == 8


def test_repeated_lines_add_up() -> None:
    assert explode([BomLine("SWITCH", 60), BomLine("SWITCH", 8)], 2) == {"SWITCH": 136}


@pytest.mark.parametrize("quantity", [0, -1])
def test_an_order_quantity_must_be_positive(quantity: int) -> None:
    with pytest.raises(Conflict):
        explode(KEYBOARD, quantity)


def test_an_empty_bom_cannot_be_built() -> None:
    with pytest.raises(Conflict, match="empty"):
        explode([], 1)


def test_can_build_is_limited_by_the_scarcest_component() -> None:
    available = {line.item: 100 for line in KEYBOARD} | {"SWITCH": 300}
    assert can_build(KEYBOARD, available) == 4  # 300 // 68
    assert can_build(KEYBOARD, {**available, "PCB": 0}) == 0


def test_a_product_without_a_bill_of_materials_cannot_be_built() -> None:
    with pytest.raises(Conflict, match="empty bill of materials"):
        explode([], 1)
