"""Telling the workshop's people what needs them: which happenings are worth a notice, who acts
on each (the roles that get it), what each notice says, and when a condition that lasts (a zone
out of range, an item below its minimum) is news again rather than the same news repeated.

A notice goes to every active user holding one of its kind's roles. Each user chooses, kind by
kind, whether it shows in the app and whether it comes by email; a kind no choice was made for
comes both ways. The team webhook (a Slack or Mattermost channel), when configured, hears each
notice once, whoever it went to.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import TypeVar

from domain.access import Role

T = TypeVar("T")


class NoticeKind(StrEnum):
    ORDER_AT_RISK = "order_at_risk"  # its due date is out of reach
    ORDER_OVERDUE = "order_overdue"  # its due date has passed and it is not shipped
    STAGE_OVERDUE = "stage_overdue"  # a stage has run past its target
    QC_FAILED = "qc_failed"  # an inspection failed, or the rework limit held the order
    PURCHASE_ORDER_LATE = "purchase_order_late"  # past its expected date, not received
    LOW_STOCK = "low_stock"  # available fell below the minimum or the reorder point
    ZONE_OUT_OF_RANGE = "zone_out_of_range"  # a zone's reading left its limits


# Who acts on each kind.
ROUTES: dict[NoticeKind, frozenset[Role]] = {
    NoticeKind.ORDER_AT_RISK: frozenset({Role.PLANNER}),
    NoticeKind.ORDER_OVERDUE: frozenset({Role.PLANNER}),
    NoticeKind.STAGE_OVERDUE: frozenset({Role.PLANNER}),
    NoticeKind.QC_FAILED: frozenset({Role.PLANNER, Role.INSPECTOR}),
    NoticeKind.PURCHASE_ORDER_LATE: frozenset({Role.BUYER}),
    NoticeKind.LOW_STOCK: frozenset({Role.STOREKEEPER, Role.BUYER}),
    NoticeKind.ZONE_OUT_OF_RANGE: frozenset({Role.STOREKEEPER}),
}


@dataclass(frozen=True)
class Choice:
    """How one user gets one kind of notice."""

    kind: NoticeKind
    in_app: bool = True
    email: bool = True


TITLE_LENGTH = 300


def one_line(text: str, limit: int = TITLE_LENGTH) -> str:
    """`text` on one line (names people typed may hold line breaks, which no mail subject
    may), cut to `limit` characters."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


@dataclass(frozen=True)
class Notice:
    """One piece of news. `key` names the happening: the same happening told twice (a retried
    activity, a repeated request) reaches nobody twice. The title is made one line."""

    kind: NoticeKind
    key: str
    title: str
    body: str
    link: str  # the web app's page that shows it, e.g. "/orders/ZK-000042"

    def __post_init__(self) -> None:
        object.__setattr__(self, "title", one_line(self.title))


def kinds_for(roles: Iterable[Role | str]) -> list[NoticeKind]:
    """The kinds of notice these roles get, in the order of `NoticeKind`."""
    held = {Role(role) for role in roles}
    return [kind for kind in NoticeKind if ROUTES[kind] & held]


def choices_for(roles: Iterable[Role | str], made: Iterable[Choice]) -> list[Choice]:
    """Every kind the roles get, with the user's choice where one was made."""
    chosen = {choice.kind: choice for choice in made}
    return [chosen.get(kind, Choice(kind)) for kind in kinds_for(roles)]


# The escalations an order workflow raises, by the kind of notice each is.
ESCALATION_KINDS: dict[str, NoticeKind] = {
    "at_risk": NoticeKind.ORDER_AT_RISK,
    "overdue": NoticeKind.STAGE_OVERDUE,
    "rework_limit": NoticeKind.QC_FAILED,
}
_ESCALATION_TITLES = {
    "at_risk": "{number} is at risk of missing its due date",
    "overdue": "{number}: {stage} is overdue",
    "rework_limit": "{number} is on hold: the rework limit is reached",
}


def escalation_notice(
    order_id: str, number: str, seq: int, kind: str, stage: str | None, detail: str
) -> Notice | None:
    """The notice for an order's escalation; None for a kind nobody is told of."""
    notice_kind = ESCALATION_KINDS.get(kind)
    if notice_kind is None:
        return None
    return Notice(
        kind=notice_kind,
        key=f"order:{order_id}:escalation:{seq}",
        title=_ESCALATION_TITLES[kind].format(
            number=number, stage=stage_name(stage) if stage else "a stage"
        ),
        body=sentence(detail),
        link=f"/orders/{number}",
    )


def order_overdue_notice(order_id: str, number: str, due: date, stage: str | None) -> Notice:
    where = f"still at {stage_name(stage)}" if stage else "not shipped"
    return Notice(
        kind=NoticeKind.ORDER_OVERDUE,
        key=f"order:{order_id}:past_due",
        title=f"{number} is past its due date",
        body=f"{number} was due {due.isoformat()} and is {where}.",
        link=f"/orders/{number}",
    )


BACK_FOR_REWORK = " The order goes back for rework."


def stage_name(stage: str) -> str:
    """A stage as people write it: "QC", "assembly"."""
    return "QC" if stage == "qc" else stage.replace("_", " ")


def sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def held_after_failure_notice(held: Notice, failed: Sequence[Notice]) -> Notice:
    """An order held at the rework limit by the inspection that just failed: one notice that
    says both (not two for one happening)."""
    return Notice(
        kind=held.kind,
        key=held.key,
        title=held.title,
        body="\n".join([held.body, *(f.body.removesuffix(BACK_FOR_REWORK) for f in failed)]),
        link=held.link,
    )


def inspection_failed_notice(
    order_id: str,
    number: str,
    seq: int,
    stage: str,
    inspector: str | None,
    failed_checks: Sequence[str],
    serials: Sequence[str],
) -> Notice:
    units = f" (units {', '.join(serials)})" if serials else ""
    checks = "; ".join(failed_checks) or "no check named"
    return Notice(
        kind=NoticeKind.QC_FAILED,
        key=f"order:{order_id}:inspection:{seq}",
        title=f"{number} failed its inspection at {stage_name(stage)}",
        body=f"Failed{units}: {checks}. Inspected by {inspector or 'an inspector'}."
        + BACK_FOR_REWORK,
        link=f"/orders/{number}",
    )


def late_purchase_order_notice(
    po_id: str, number: str, supplier: str, expected: date | None
) -> Notice:
    when = f"expected {expected.isoformat()}" if expected else "with no expected date"
    return Notice(
        kind=NoticeKind.PURCHASE_ORDER_LATE,
        key=f"purchase_order:{po_id}:late",
        title=f"{number} from {supplier} is late",
        body=f"{number} was {when} and is not received yet: chase {supplier}.",
        link=f"/purchasing/{number}",
    )


@dataclass(frozen=True)
class LowItem:
    sku: str
    name: str
    available: int
    minimum: int
    reorder_point: int | None
    on_order: int


def low_stock_notice(key: str, items: Sequence[LowItem]) -> Notice:
    """One notice for the items that went low together (a scan finds them at once); `key`
    names that going low (the items and when they were flagged)."""
    lines = []
    for i in items:
        limits = f"minimum {i.minimum}" + (
            f", reorder point {i.reorder_point}" if i.reorder_point is not None else ""
        )
        lines.append(f"{i.sku} {i.name}: {i.available} available ({limits}), {i.on_order} on order")
    title = (
        f"{items[0].sku} is low on stock"
        if len(items) == 1
        else f"{len(items)} items are low on stock"
    )
    return Notice(
        kind=NoticeKind.LOW_STOCK,
        key=key,
        title=title,
        body="\n".join(lines),
        link="/stock?tab=low",
    )


def zone_notice(reading_id: int, warehouse: str, zone: str, problems: Sequence[str]) -> Notice:
    return Notice(
        kind=NoticeKind.ZONE_OUT_OF_RANGE,
        key=f"zone_reading:{reading_id}",
        title=f"{warehouse} / {zone} is out of range",
        body="; ".join(problems).capitalize() + ".",
        link="/stock",
    )


def zone_news(previous_out_of_range: bool | None, out_of_range: bool) -> bool:
    """A zone's reading is news when it leaves the range: the first reading out of range after
    one within it (or after none). The readings that follow while it stays out are not."""
    return out_of_range and not previous_out_of_range


def stock_news(flagged: Iterable[T], low: Iterable[T]) -> tuple[set[T], set[T]]:
    """From the items flagged low before and the items low now: those newly low (news) and
    those no longer low (their flag is cleared, so going low again is news again)."""
    before, now = set(flagged), set(low)
    return now - before, before - now
