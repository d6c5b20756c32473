"""The read models' one way of putting child rows under their parents."""

from __future__ import annotations

from api.queries.grouping import grouped


def test_values_stay_in_the_order_they_came_under_their_keys() -> None:
    groups = grouped([("a", 1), ("b", 2), ("a", 3)])
    assert groups == {"a": [1, 3], "b": [2]}


def test_a_key_without_values_reads_as_empty() -> None:
    pairs: list[tuple[str, int]] = []
    assert grouped(pairs)["missing"] == []
