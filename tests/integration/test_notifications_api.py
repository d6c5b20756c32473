"""Notices for the workshop's people through the API on a real database: who gets a zone's
going out of range (and when it is news again), each user's choices, the inbox and its read
marks, the mail and webhook outboxes written with the notice, and stock going low."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select, update

from core.settings import Settings
from domain.access import Role
from domain.notifications import zone_notice
from persistence.database import SessionFactory
from persistence.tables import (
    Item,
    LowStockFlag,
    Notification,
    OutboundEmail,
    OutboundWebhook,
    User,
    Warehouse,
    Zone,
)
from services.inventory import low_stock_watch
from services.notifications.dispatch import notify
from services.orders import past_due_watch
from tests.support import Demo, bearer_token, load_demo, ok, running_app

HOOK = "http://127.0.0.1:9/hooks"  # nothing listens: only the outbox row is looked at here
CHOICES = "/api/user/me/notifications"
INBOX = "/api/user/me/notifications/inbox"


@dataclass
class Workshop:
    settings: Settings
    api: httpx.AsyncClient
    as_: dict[Role, dict[str, str]]
    demo: Demo
    zone: str

    async def reading(self, temperature: float, **extra: Any) -> dict[str, Any]:
        body = {"temperature": temperature, **extra}
        return dict(
            ok(
                await self.api.post(
                    f"/api/inventory/zones/{self.zone}/readings",
                    json=body,
                    headers=self.as_[Role.STOREKEEPER],
                ),
                201,
            )
        )

    async def inbox(self, role: Role, **params: Any) -> dict[str, Any]:
        return dict(ok(await self.api.get(INBOX, params=params, headers=self.as_[role])))


@pytest.fixture
async def shop(settings: Settings, sessions: SessionFactory) -> AsyncIterator[Workshop]:
    demo = await load_demo(sessions)
    hooked = settings.model_copy(update={"notify_webhook_url": HOOK})
    async with running_app(hooked) as (api, services):
        roles = [Role.ADMIN, Role.PLANNER, Role.STOREKEEPER, Role.BUYER]
        as_ = {r: {"Authorization": f"Bearer {await bearer_token(services, r)}"} for r in roles}
        zone = ok(
            await api.post(
                f"/api/inventory/warehouses/{demo.warehouse_id}/zones",
                json={"name": "Cold store", "zone_type": "STORAGE", "max_temperature": 25},
                headers=as_[Role.ADMIN],
            ),
            201,
        )
        yield Workshop(hooked, api, as_, demo, zone["id"])


async def _mail_to(sessions: SessionFactory, role: Role) -> list[str]:
    async with sessions() as session:
        rows = await session.scalars(
            select(OutboundEmail.subject)
            .where(OutboundEmail.recipient == f"{role.value}@tests.example")
            .order_by(OutboundEmail.created_at)
        )
        return list(rows)


async def test_a_zone_leaving_its_range_tells_the_storekeepers_once_until_it_is_back(
    shop: Workshop, sessions: SessionFactory
) -> None:
    assert (await shop.reading(20))["out_of_range"] is False
    assert (await shop.inbox(Role.STOREKEEPER))["unread"] == 0

    assert (await shop.reading(30))["out_of_range"] is True
    inbox = await shop.inbox(Role.STOREKEEPER)
    assert inbox["unread"] == 1
    [notice] = inbox["items"]
    assert notice["kind"] == "zone_out_of_range"
    assert notice["title"] == "Main workshop warehouse / Cold store is out of range"
    assert "above the maximum 25" in notice["body"]
    assert notice["link"] == "/stock"
    assert notice["read_at"] is None

    await shop.reading(31)  # still out: not news
    await shop.reading(
        29, recorded_at=(datetime.now(UTC) - timedelta(days=1)).isoformat()
    )  # an old reading: history
    assert (await shop.inbox(Role.STOREKEEPER))["unread"] == 1
    await shop.reading(22)  # back in range
    await shop.reading(27)  # out again: news again
    assert (await shop.inbox(Role.STOREKEEPER))["unread"] == 2

    # the planner and the buyer do not act on a zone: told nothing
    assert (await shop.inbox(Role.PLANNER))["unread"] == 0
    assert (await shop.inbox(Role.BUYER))["unread"] == 0
    # by mail too (the storekeeper chose nothing yet: both ways), and to the team webhook once each
    assert (
        await _mail_to(sessions, Role.STOREKEEPER)
        == ["Main workshop warehouse / Cold store is out of range"] * 2
    )
    async with sessions() as session:
        posts = list(await session.scalars(select(OutboundWebhook.payload)))
    assert len(posts) == 2
    assert posts[0]["text"] == "Main workshop warehouse / Cold store is out of range"
    assert posts[0]["attachments"][0]["title_link"].endswith("/stock")


async def test_each_user_chooses_how_each_kind_reaches_them(
    shop: Workshop, sessions: SessionFactory
) -> None:
    keeper = shop.as_[Role.STOREKEEPER]
    mine = ok(await shop.api.get(CHOICES, headers=keeper))
    assert mine["team_webhook"] is True
    assert mine["choices"] == [
        {"kind": "low_stock", "in_app": True, "email": True, "roles": ["buyer", "storekeeper"]},
        {"kind": "zone_out_of_range", "in_app": True, "email": True, "roles": ["storekeeper"]},
    ]
    chosen = ok(
        await shop.api.put(
            CHOICES,
            json={"choices": [{"kind": "zone_out_of_range", "in_app": True, "email": False}]},
            headers=keeper,
        )
    )
    assert chosen["choices"][1] == {
        "kind": "zone_out_of_range",
        "in_app": True,
        "email": False,
        "roles": ["storekeeper"],
    }
    assert chosen["choices"][0]["email"] is True  # left out: as it was
    await shop.reading(40)
    assert (await shop.inbox(Role.STOREKEEPER))["unread"] == 1
    assert await _mail_to(sessions, Role.STOREKEEPER) == []  # no mail, as chosen

    # out of the app but by mail: the inbox stays empty, the mail goes
    ok(
        await shop.api.put(
            CHOICES,
            json={"choices": [{"kind": "zone_out_of_range", "in_app": False, "email": True}]},
            headers=keeper,
        )
    )
    await shop.reading(20)
    await shop.reading(41)
    assert (await shop.inbox(Role.STOREKEEPER))["unread"] == 1
    assert len(await _mail_to(sessions, Role.STOREKEEPER)) == 1

    # a kind the roles do not get is refused, by name; an unknown kind is a malformed payload
    refused = await shop.api.put(
        CHOICES,
        json={"choices": [{"kind": "qc_failed", "in_app": False, "email": False}]},
        headers=keeper,
    )
    assert refused.status_code == 422
    assert "kind qc_failed" in refused.json()["detail"][0]["msg"]
    twice = await shop.api.put(
        CHOICES,
        json={
            "choices": [{"kind": "low_stock", "in_app": True, "email": b} for b in (True, False)]
        },
        headers=keeper,
    )
    assert twice.status_code == 422
    assert "low_stock given more than once" in twice.json()["detail"][0]["msg"]
    bad = await shop.api.put(
        CHOICES, json={"choices": [{"kind": "gossip", "in_app": 1}]}, headers=keeper
    )
    assert bad.status_code == 422
    assert ok(await shop.api.get(CHOICES, headers=shop.as_[Role.PLANNER]))["choices"][0] == {
        "kind": "order_at_risk",
        "in_app": True,
        "email": True,
        "roles": ["planner"],
    }


async def test_notices_are_marked_read_by_their_user_only(shop: Workshop) -> None:
    for temperature in (30, 20, 30, 20, 30):
        await shop.reading(temperature)
    inbox = await shop.inbox(Role.STOREKEEPER)
    assert inbox["unread"] == 3
    newest, middle, oldest = (n["id"] for n in inbox["items"])
    assert newest > middle > oldest

    page = await shop.inbox(Role.STOREKEEPER, limit=2)
    assert [n["id"] for n in page["items"]] == [newest, middle]
    assert page["next_before"] == middle
    older = await shop.inbox(Role.STOREKEEPER, limit=2, before=middle)
    assert [n["id"] for n in older["items"]] == [oldest]
    assert older["next_before"] is None

    # someone else cannot mark them
    other = await shop.api.post(
        f"{INBOX}/read", json={"ids": [newest]}, headers=shop.as_[Role.BUYER]
    )
    assert ok(other) == {"marked": 0, "unread": 0}

    keeper = shop.as_[Role.STOREKEEPER]
    assert ok(await shop.api.post(f"{INBOX}/read", json={"ids": [middle]}, headers=keeper)) == {
        "marked": 1,
        "unread": 2,
    }
    again = await shop.api.post(f"{INBOX}/read", json={"ids": [middle]}, headers=keeper)
    assert ok(again) == {"marked": 0, "unread": 2}  # a double click: one effect
    assert [n["id"] for n in (await shop.inbox(Role.STOREKEEPER, unread=True))["items"]] == [
        newest,
        oldest,
    ]
    assert ok(await shop.api.post(f"{INBOX}/read", json={}, headers=keeper)) == {
        "marked": 2,
        "unread": 0,
    }
    assert all(n["read_at"] for n in (await shop.inbox(Role.STOREKEEPER))["items"])
    unsigned = await shop.api.get(INBOX)
    assert unsigned.status_code == 401


async def test_stock_going_low_is_told_once_until_it_recovers(
    settings: Settings, sessions: SessionFactory
) -> None:
    demo = await load_demo(sessions)
    async with running_app(settings) as (_, services):
        for role in (Role.BUYER, Role.STOREKEEPER, Role.PLANNER):
            await bearer_token(services, role)
    switch = demo.items["SW-LIN-RED"]  # 300 on hand

    async def minimum(level: int) -> None:
        async with sessions.begin() as session:
            await session.execute(update(Item).values(min_stock_level=0, reorder_point=None))
            await session.execute(
                update(Item).where(Item.id == switch).values(min_stock_level=level)
            )

    async def watch() -> int:
        async with sessions.begin() as session:
            queued = await low_stock_watch.watch(session, settings)
        return len(queued.emails)

    async def told(role: Role) -> list[str]:
        async with sessions() as session:
            found = await session.execute(
                select(Notification.title, Notification.body)
                .join(User, User.id == Notification.user_id)
                .where(User.email == f"{role.value}@tests.example")
                .order_by(Notification.id)
            )
            return [f"{title}|{body}" for title, body in found]

    await minimum(500)
    assert await watch() == 2  # the buyer and the storekeeper, by mail
    assert await watch() == 0  # still low: not news
    [notice] = await told(Role.BUYER)
    assert notice.startswith("SW-LIN-RED is low on stock|SW-LIN-RED ")
    assert "300 available (minimum 500), 0 on order" in notice
    assert await told(Role.STOREKEEPER) == [notice]
    assert await told(Role.PLANNER) == []

    await minimum(100)
    assert await watch() == 0
    async with sessions() as session:
        assert await session.scalar(select(func.count()).select_from(LowStockFlag)) == 0
    await minimum(400)
    assert await watch() == 2  # low again after it recovered: news again
    assert len(await told(Role.BUYER)) == 2


async def test_orders_past_their_due_date_are_told_to_the_planners_once(
    settings: Settings, sessions: SessionFactory
) -> None:
    demo = await load_demo(sessions)
    async with running_app(settings) as (api, services):
        planner = {"Authorization": f"Bearer {await bearer_token(services, Role.PLANNER)}"}
        yesterday = date.today() - timedelta(days=2)
        async with sessions.begin() as session:
            session.add_all(
                [
                    demo.order("ZK-000901", due_date=yesterday, status="in_production"),
                    demo.order("ZK-000902", due_date=yesterday, status="completed"),
                    demo.order("ZK-000903", due_date=date.today() + timedelta(days=3)),
                ]
            )

        async def watch() -> int:
            async with sessions.begin() as session:
                queued = await past_due_watch.watch(session, settings)
            return len(queued.emails)

        assert await watch() == 1  # the open one past its due date; shipped or not yet due: no
        assert await watch() == 0  # told once
        [notice] = ok(await api.get(INBOX, headers=planner))["items"]
        assert notice["kind"] == "order_overdue"
        assert notice["title"] == "ZK-000901 is past its due date"
        assert notice["link"] == "/orders/ZK-000901"


async def test_a_kind_kept_out_of_the_app_is_still_told_once(
    shop: Workshop, sessions: SessionFactory
) -> None:
    keeper = shop.as_[Role.STOREKEEPER]
    choice = {"kind": "zone_out_of_range", "in_app": False, "email": True}
    ok(await shop.api.put(CHOICES, json={"choices": [choice]}, headers=keeper))
    reading = await shop.reading(30)
    async with sessions.begin() as session:
        zone = await session.get(Zone, uuid.UUID(shop.zone))
        assert zone is not None
        warehouse = await session.get_one(Warehouse, zone.warehouse_id)
        notice = zone_notice(reading["id"], warehouse.name, zone.name, [reading["problems"]])
        again = await notify(session, shop.settings, notice)  # the same happening again
    assert again.emails == []
    assert len(await _mail_to(sessions, Role.STOREKEEPER)) == 1
    assert (await shop.inbox(Role.STOREKEEPER))["items"] == []  # kept out of the app
