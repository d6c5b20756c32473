"""Who is told what, and when a lasting condition is news again."""

from __future__ import annotations

from datetime import date

from domain.access import Role
from domain.notifications import (
    ROUTES,
    Choice,
    LowItem,
    NoticeKind,
    choices_for,
    escalation_notice,
    held_after_failure_notice,
    inspection_failed_notice,
    kinds_for,
    late_purchase_order_notice,
    low_stock_notice,
    one_line,
    order_overdue_notice,
    stock_news,
    zone_news,
    zone_notice,
)


def test_each_kind_goes_to_the_roles_that_act_on_it() -> None:
    assert kinds_for([Role.PLANNER]) == [
        NoticeKind.ORDER_AT_RISK,
        NoticeKind.ORDER_OVERDUE,
        NoticeKind.STAGE_OVERDUE,
        NoticeKind.QC_FAILED,
    ]
    assert kinds_for(["buyer"]) == [NoticeKind.PURCHASE_ORDER_LATE, NoticeKind.LOW_STOCK]
    assert kinds_for([Role.STOREKEEPER]) == [NoticeKind.LOW_STOCK, NoticeKind.ZONE_OUT_OF_RANGE]
    assert kinds_for([Role.INSPECTOR]) == [NoticeKind.QC_FAILED]
    assert kinds_for([Role.FLOOR_WORKER, Role.VIEWER]) == []
    # someone with two roles gets each kind once
    assert kinds_for([Role.BUYER, Role.STOREKEEPER]).count(NoticeKind.LOW_STOCK) == 1
    assert set(ROUTES) == set(NoticeKind)


def test_a_kind_never_chosen_comes_both_ways() -> None:
    made = [Choice(NoticeKind.LOW_STOCK, in_app=True, email=False)]
    assert choices_for([Role.BUYER], made) == [
        Choice(NoticeKind.PURCHASE_ORDER_LATE, in_app=True, email=True),
        Choice(NoticeKind.LOW_STOCK, in_app=True, email=False),
    ]
    # a choice kept for a role the user no longer has is not offered
    assert choices_for([Role.INSPECTOR], made) == [Choice(NoticeKind.QC_FAILED)]


def test_escalations_become_notices_keyed_by_the_order_and_their_number() -> None:
    at_risk = escalation_notice("o-1", "ZK-000001", 3, "at_risk", None, "due 2026-12-01")
    assert at_risk is not None
    assert at_risk.kind is NoticeKind.ORDER_AT_RISK
    assert at_risk.key == "order:o-1:escalation:3"
    assert at_risk.link == "/orders/ZK-000001"
    overdue = escalation_notice("o-1", "ZK-000001", 4, "overdue", "assembly", "past 4 h")
    assert overdue is not None
    assert overdue.title == "ZK-000001: assembly is overdue"
    held = escalation_notice("o-1", "ZK-000001", 5, "rework_limit", "qc", "held")
    assert held is not None
    assert held.kind is NoticeKind.QC_FAILED
    assert escalation_notice("o-1", "ZK-000001", 6, "something_else", None, "") is None


def test_the_notices_say_what_happened_and_where_to_look() -> None:
    failed = inspection_failed_notice(
        "o-2", "ZK-000002", 1, "qc", "ivan@x", ["Keys: failed", "Weight 980 g"], ["S-1", "S-2"]
    )
    assert failed.key == "order:o-2:inspection:1"
    assert "S-1, S-2" in failed.body
    assert "Weight 980 g" in failed.body
    late = late_purchase_order_notice("p-1", "PO-000007", "Gateron", date(2026, 12, 1))
    assert late.kind is NoticeKind.PURCHASE_ORDER_LATE
    assert late.title == "PO-000007 from Gateron is late"
    assert "2026-12-01" in late.body
    assert late.link == "/purchasing/PO-000007"
    assert "no expected date" in late_purchase_order_notice("p", "PO-1", "S", None).body
    one = low_stock_notice("k", [LowItem("SW-RED", "Red switch", 40, 140, 700, 0)])
    assert one.title == "SW-RED is low on stock"
    assert one.body == (
        "SW-RED Red switch: 40 available (minimum 140, reorder point 700), 0 on order"
    )
    two = low_stock_notice("k", [LowItem("A", "a", 1, 2, None, 0), LowItem("B", "b", 0, 5, 8, 10)])
    assert two.title == "2 items are low on stock"
    assert two.body.count("\n") == 1
    zone = zone_notice(9, "Main", "Storage", ["temperature 31.0 above the maximum 28.0"])
    assert zone.key == "zone_reading:9"
    assert zone.body == "Temperature 31.0 above the maximum 28.0."


def test_a_zone_is_news_when_it_leaves_its_range_not_while_it_stays_out() -> None:
    assert zone_news(None, out_of_range=True)
    assert zone_news(False, out_of_range=True)
    assert not zone_news(True, out_of_range=True)
    assert not zone_news(False, out_of_range=False)
    assert not zone_news(None, out_of_range=False)


def test_an_item_is_news_when_it_goes_low_and_again_only_after_it_recovered() -> None:
    assert stock_news(set(), {"a", "b"}) == ({"a", "b"}, set())
    assert stock_news({"a", "b"}, {"a", "b"}) == (set(), set())
    assert stock_news({"a", "b"}, {"b", "c"}) == ({"c"}, {"a"})


def test_titles_are_one_line_and_fit_their_column() -> None:
    assert one_line("Main\nwarehouse /  Cold\tstore") == "Main warehouse / Cold store"
    long = zone_notice(1, "W" * 200, "Z" * 100, ["temperature 30 above the maximum 25"])
    assert len(long.title) == 300
    assert long.title.endswith("…")
    assert "\n" not in zone_notice(2, "Main\r\nBcc: x@y", "Z", ["x"]).title


def test_an_order_held_by_its_failed_inspection_is_one_notice() -> None:
    held = escalation_notice("o", "ZK-1", 7, "rework_limit", "qc", "held after 3 reworks")
    assert held is not None
    failed = inspection_failed_notice("o", "ZK-1", 4, "qc", None, ["Keys: failed"], [])
    merged = held_after_failure_notice(held, [failed])
    assert (merged.key, merged.title) == (held.key, held.title)
    assert merged.body.splitlines() == [
        "Held after 3 reworks",
        "Failed: Keys: failed. Inspected by an inspector.",
    ]
    assert failed.body.endswith("The order goes back for rework.")
    assert failed.title == "ZK-1 failed its inspection at QC"


def test_an_order_past_its_due_date_says_where_it_is() -> None:
    late = order_overdue_notice("o-9", "ZK-000009", date(2026, 12, 1), "assembly")
    assert late.kind is NoticeKind.ORDER_OVERDUE
    assert late.key == "order:o-9:past_due"
    assert late.body == "ZK-000009 was due 2026-12-01 and is still at assembly."
    assert "not shipped" in order_overdue_notice("o", "ZK-1", date(2026, 12, 1), None).body
