"""Notices for the workshop's people from the real workflows: an order at risk reaches the
planners in the app, by mail (a real SMTP server) and at the team webhook (which fails once
and is retried); a failed inspection reaches planners and inspectors; a late purchase order
reaches the buyers; and the live stream tells each user of their own notices only."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from temporalio.exceptions import ApplicationError
from temporalio.testing import ActivityEnvironment

from activities.webhook_delivery import WebhookActivities
from contracts.email import MailSweep
from contracts.notices import WebhookRef
from core.settings import Settings
from domain.access import Role
from persistence.tables import OutboundWebhook
from tests.e2e.conftest import Stack, serving
from tests.e2e.test_web_api import _draft, _events
from tests.support import Webhook, bearer_token, ok
from workflows.email_delivery import MailSweepWorkflow

INBOX = "/api/user/me/notifications/inbox"


@pytest.fixture
def hook() -> Iterator[Webhook]:
    receiver = Webhook(failing=1)
    yield receiver
    receiver.close()


@pytest.fixture
def stack_settings(stack_settings: Settings, hook: Webhook) -> Settings:
    return stack_settings.model_copy(update={"notify_webhook_url": hook.url})


async def _inbox(stack: Stack, role: Role, kind: str, *, seconds: float = 20) -> list[Any]:
    """The role's notices of `kind`, once there is one."""
    headers = await stack.headers(role)
    async with asyncio.timeout(seconds):
        while True:
            found = ok(await stack.api.get(INBOX, headers=headers))["items"]
            if mine := [n for n in found if n["kind"] == kind]:
                return mine
            await asyncio.sleep(0.2)


async def _until(what: str, check: Any, seconds: float = 30) -> None:
    async with asyncio.timeout(seconds):
        while not check():
            await asyncio.sleep(0.2)
    assert check(), what


async def test_an_order_at_risk_reaches_the_planners_every_way(stack: Stack, hook: Webhook) -> None:
    await stack.headers(Role.PLANNER)  # the planner's account exists before the order
    order = await stack.order(due_date=datetime.now(UTC).date().isoformat())
    [notice] = await _inbox(stack, Role.PLANNER, "order_at_risk")
    assert notice["title"] == f"{order['number']} is at risk of missing its due date"
    assert notice["link"] == f"/orders/{order['number']}"
    assert notice["read_at"] is None

    mail = await stack.mail_to("planner@tests.example", f"{order['number']} is at risk")
    assert f"{stack.settings.public_url}/orders/{order['number']}" in mail
    assert "/notifications" in mail  # where to choose what comes by mail

    await _until("the webhook took the post", lambda: hook.received)
    assert len(hook.refused) == 1  # its first answer was a 500: the post was tried again
    [post] = hook.received
    assert post["text"] == notice["title"]
    assert post["attachments"][0]["title_link"].endswith(f"/orders/{order['number']}")
    # Nobody else acts on it: the buyer and the storekeeper are told nothing.
    for role in (Role.BUYER, Role.STOREKEEPER):
        assert ok(await stack.api.get(INBOX, headers=await stack.headers(role)))["unread"] == 0


async def test_a_failed_inspection_reaches_planners_and_inspectors(stack: Stack) -> None:
    await stack.headers(Role.PLANNER)
    await stack.headers(Role.INSPECTOR)
    order = await stack.order()
    await stack.complete(order, "design")
    await stack.until(order, lambda o: o["stage"] == "assembly")
    await stack.complete(order, "assembly")
    await stack.complete(order, "testing", passed=True)
    ok(
        await stack.api.post(
            f"/api/production/orders/{order['id']}/stages/qc/complete", json={"passed": False}
        )
    )
    [planners] = await _inbox(stack, Role.PLANNER, "qc_failed")
    [inspectors] = await _inbox(stack, Role.INSPECTOR, "qc_failed")
    assert planners["title"] == inspectors["title"]
    assert planners["title"] == f"{order['number']} failed its inspection at QC"
    assert "rework" in planners["body"]
    assert ok(await stack.api.get(INBOX, headers=await stack.headers(Role.BUYER)))["unread"] == 0


async def test_a_late_purchase_order_reaches_the_buyers(stack: Stack) -> None:
    await stack.headers(Role.BUYER)
    yesterday = (datetime.now(UTC).date() - timedelta(days=1)).isoformat()
    po = ok(
        await stack.api.post(
            "/api/purchasing/purchase-orders",
            json={
                "supplier_id": str(stack.demo.suppliers["Keyparts Depot"]),
                "lines": [{"item_id": str(stack.demo.items["CABLE-USBC"]), "quantity": 10}],
                "expected_date": yesterday,
            },
        ),
        201,
    )
    ok(await stack.api.post(f"/api/purchasing/purchase-orders/{po['id']}/send"))
    [notice] = await _inbox(stack, Role.BUYER, "purchase_order_late")
    assert notice["title"] == f"{po['number']} from Keyparts Depot is late"
    assert yesterday in notice["body"]
    assert notice["link"] == f"/purchasing/{po['number']}"
    await stack.mail_to("buyer@tests.example", f"{po['number']} from Keyparts Depot is late")


async def test_the_live_stream_tells_each_user_of_their_own_notices_only(stack: Stack) -> None:
    planner = await bearer_token(stack.services, Role.PLANNER)
    viewer = await bearer_token(stack.services, Role.VIEWER)
    headers = {"Authorization": f"Bearer {planner}"}
    planner_id = ok(await stack.api.get("/api/user/me", headers=headers))["id"]
    settings = stack.settings.model_copy(update={"events_stream_seconds": 60})
    async with serving(settings) as base:
        heard: dict[str, list[tuple[str, Any]]] = {"planner": [], "viewer": []}
        ready = {who: asyncio.Event() for who in heard}

        async def listen(who: str, token: str) -> None:
            async for event, data in _events(base, token):
                if event == "ready":
                    ready[who].set()
                heard[who].append((event, data))

        listening = [
            asyncio.create_task(listen("planner", planner)),
            asyncio.create_task(listen("viewer", viewer)),
        ]
        try:
            for event in ready.values():
                await asyncio.wait_for(event.wait(), 10)
            await stack.order(due_date=datetime.now(UTC).date().isoformat())
            mine = ("change", {"kind": "notification", "id": planner_id})
            await _until("the planner heard of the notice", lambda: mine in heard["planner"])
            # A change committed after it, which both hear: by then the viewer has passed the
            # notice by (a stream hears the commits in their order).
            po = await _draft(stack)
            marker = ("change", {"kind": "purchase_order", "id": po["id"]})
            await _until("the viewer heard the marker", lambda: marker in heard["viewer"])
            assert not [d for e, d in heard["viewer"] if d.get("kind") == "notification"]

            # Marking it read is a change of the planner's notices too (another tab's bell).
            before = heard["planner"].count(mine)
            async with httpx.AsyncClient(base_url=base, headers=headers) as client:
                ok(await client.post(f"{INBOX}/read", json={}))
            await _until("the read was heard", lambda: heard["planner"].count(mine) > before)
        finally:
            for task in listening:
                task.cancel()
            await asyncio.gather(*listening, return_exceptions=True)


async def test_the_sweep_posts_what_was_left_waiting(stack: Stack, hook: Webhook) -> None:
    """A post committed while Temporal was down (its start was lost) is started by the sweep."""
    payload = {"text": "left waiting", "attachments": []}
    async with stack.sessions.begin() as session:
        post = OutboundWebhook(id=uuid.uuid4(), key="test:left-waiting", payload=payload)
        session.add(post)
    started = await stack.temporal.execute_workflow(
        MailSweepWorkflow.run,
        MailSweep(older_than_seconds=0),
        id=f"sweep-{uuid.uuid4()}",
        task_queue=stack.settings.temporal_task_queue,
    )
    assert started == 1
    await _until("the webhook took the post", lambda: hook.received == [payload])
    async with asyncio.timeout(10):
        while True:
            async with stack.sessions() as session:
                row = await session.get(OutboundWebhook, post.id)
                assert row is not None
                if row.sent_at is not None:
                    break
            await asyncio.sleep(0.2)
    assert row.attempts == 2  # the receiver refused the first
    assert row.last_error is not None


async def test_a_post_the_channel_refuses_for_good_is_given_up_without_naming_the_url(
    stack: Stack,
) -> None:
    gone = Webhook(failing=1, refusal=404)  # a deleted channel
    try:
        settings = stack.settings.model_copy(update={"notify_webhook_url": gone.url})
        posts = WebhookActivities(stack.sessions, stack.temporal, settings)
        async with stack.sessions.begin() as session:
            post = OutboundWebhook(id=uuid.uuid4(), key="test:gone", payload={"text": "x"})
            session.add(post)
        with pytest.raises(ApplicationError) as refused:
            await ActivityEnvironment().run(posts.deliver_webhook, WebhookRef(post_id=post.id))
        assert refused.value.non_retryable
        assert refused.value.message == "the webhook answered 404"
        async with stack.sessions() as session:
            row = await session.get(OutboundWebhook, post.id)
        assert row is not None
        assert row.given_up_at is not None
        assert row.last_error == "the webhook answered 404"  # the URL is the channel's key
        # Given up: the sweep leaves it.
        assert (
            await ActivityEnvironment().run(
                posts.start_undelivered, MailSweep(older_than_seconds=0)
            )
            == 0
        )
    finally:
        gone.close()
