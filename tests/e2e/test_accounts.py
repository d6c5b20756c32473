"""Accounts end to end: sign-up with the confirmation mailed over SMTP, sign-in, token
rotation, sign-out, password change and reset, rate limits, and the admin's controls."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from api.auth.sessions import RETRY_SECONDS
from core.mailbox import read_mailbox
from domain.access import Role
from tests.e2e.conftest import Stack
from tests.support import running_app, token_in

PASSWORD = "Keyswitch-lube-42"


async def _sign_up_and_confirm(stack: Stack, email: str, password: str = PASSWORD) -> None:
    created = await stack.api.post(
        "/api/user/sign-up",
        json={"email": email, "password": password, "phone_number": "+7 900 000 00 00"},
        headers={"Authorization": ""},
    )
    assert created.status_code == 202, created.text
    assert "check your mail" in created.json()["detail"]
    token = token_in(await stack.mail_to(email, "Confirm your"))
    wrong = await stack.api.post(
        "/api/user/email/confirm", json={"token": token, "password": "Not-the-one-42"}
    )
    assert wrong.status_code == 422
    assert wrong.json()["detail"][0]["loc"] == ["body", "password"]
    confirmed = await stack.api.post(
        "/api/user/email/confirm", json={"token": token, "password": password}
    )
    assert confirmed.status_code == 200
    assert confirmed.json()["roles"] == ["viewer"]
    assert confirmed.json()["email_confirmed_at"] is not None
    again = await stack.api.post(
        "/api/user/email/confirm", json={"token": token, "password": password}
    )
    assert again.status_code == 422  # single use


async def _sign_in(api: httpx.AsyncClient, email: str, password: str) -> httpx.Response:
    return await api.post(
        "/api/user/sign-in",
        data={"username": email, "password": password},
        headers={"Authorization": ""},
    )


def _bearer(tokens: dict[str, Any]) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens['access_token']}"}


async def test_sign_up_confirm_sign_in_use_and_sign_out(stack: Stack) -> None:
    email = "anna.petrova@zhuchka.example"
    await _sign_up_and_confirm(stack, email)
    signed_in = await _sign_in(stack.api, email.upper(), PASSWORD)  # emails ignore case
    assert signed_in.status_code == 200
    tokens = signed_in.json()
    assert tokens["token_type"] == "bearer"
    me = await stack.api.get("/api/user/me", headers=_bearer(tokens))
    assert (me.json()["email"], me.json()["roles"]) == (email, ["viewer"])
    assert (await stack.api.get("/api/inventory/items", headers=_bearer(tokens))).status_code == 200
    refused = await stack.api.post("/api/inventory/items", json={}, headers=_bearer(tokens))
    assert refused.status_code == 403
    assert "storekeeper" in refused.json()["detail"]
    assert (await stack.api.post("/api/user/sign-out", headers=_bearer(tokens))).status_code == 204
    ended = await stack.api.get("/api/user/me", headers=_bearer(tokens))
    assert ended.status_code == 401
    assert ended.headers["WWW-Authenticate"] == "Bearer"
    refresh = await stack.api.post(
        "/api/user/token/refresh", json={"refresh_token": tokens["refresh_token"]}
    )
    assert refresh.status_code == 401


async def test_sign_up_mistakes(stack: Stack) -> None:
    weak = await stack.api.post(
        "/api/user/sign-up", json={"email": "x@zhuchka.example", "password": "qwerty12345"}
    )
    assert weak.status_code == 422
    assert "too easy to guess" in weak.json()["detail"][0]["msg"]
    assert weak.json()["detail"][0]["loc"] == ["body", "password"]
    bad_email = await stack.api.post(
        "/api/user/sign-up", json={"email": "not-an-email", "password": PASSWORD}
    )
    assert bad_email.status_code == 422
    assert PASSWORD not in bad_email.text  # a 422 never echoes what was sent
    email = "twice@zhuchka.example"
    assert (
        await stack.api.post("/api/user/sign-up", json={"email": email, "password": PASSWORD})
    ).status_code == 202
    unconfirmed = await _sign_in(stack.api, email, PASSWORD)
    assert unconfirmed.status_code == 403
    assert "confirm" in unconfirmed.json()["detail"]
    wrong = await _sign_in(stack.api, email, "Wrong-password-1")
    unknown = await _sign_in(stack.api, "nobody@zhuchka.example", PASSWORD)
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json()["detail"] == unknown.json()["detail"]  # no hint whether it exists


async def test_refresh_tokens_rotate_and_a_reused_one_ends_the_session(stack: Stack) -> None:
    email = "rotor@zhuchka.example"
    await _sign_up_and_confirm(stack, email)
    first = (await _sign_in(stack.api, email, PASSWORD)).json()

    async def refresh(tokens: dict[str, str]) -> httpx.Response:
        return await stack.api.post(
            "/api/user/token/refresh", json={"refresh_token": tokens["refresh_token"]}
        )

    # The same refresh sent twice at once (two tabs, a retry): one rotation, one answer.
    twice = await asyncio.gather(refresh(first), refresh(first))
    assert [answer.status_code for answer in twice] == [200, 200]
    assert twice[0].json() == twice[1].json()
    second_tokens = twice[0].json()
    # That answer is kept for the retry window only: Redis holds no token beyond it.
    redis = stack.services.redis
    kept = await redis.keys("session-retry:*")
    assert kept
    assert all(0 < ttl <= RETRY_SECONDS for ttl in [await redis.ttl(key) for key in kept])
    assert second_tokens["refresh_token"] != first["refresh_token"]
    assert (await stack.api.get("/api/user/me", headers=_bearer(second_tokens))).status_code == 200
    third = await refresh(second_tokens)
    assert third.status_code == 200
    # An older refresh token again: a replay. The session ends for everyone holding it.
    replay = await refresh(first)
    assert replay.status_code == 401
    assert "already used" in replay.json()["detail"]
    assert (await stack.api.get("/api/user/me", headers=_bearer(third.json()))).status_code == 401
    stale = await stack.api.post(
        "/api/user/token/refresh", json={"refresh_token": second_tokens["refresh_token"]}
    )
    assert stale.status_code == 401
    access_as_refresh = await stack.api.post(
        "/api/user/token/refresh", json={"refresh_token": second_tokens["access_token"]}
    )
    assert access_as_refresh.status_code == 401


async def test_a_password_change_ends_the_other_sessions(stack: Stack) -> None:
    email = "changer@zhuchka.example"
    await _sign_up_and_confirm(stack, email)
    laptop = (await _sign_in(stack.api, email, PASSWORD)).json()
    phone = (await _sign_in(stack.api, email, PASSWORD)).json()
    new_password = "Another-long-secret-7"
    wrong_old = await stack.api.patch(
        "/api/user/password/change",
        json={"old_password": "nope-nope-1", "new_password": new_password},
        headers=_bearer(laptop),
    )
    assert wrong_old.status_code == 422
    changed = await stack.api.patch(
        "/api/user/password/change",
        json={"old_password": PASSWORD, "new_password": new_password},
        headers=_bearer(laptop),
    )
    assert changed.status_code == 200
    assert (await stack.api.get("/api/user/me", headers=_bearer(laptop))).status_code == 200
    assert (await stack.api.get("/api/user/me", headers=_bearer(phone))).status_code == 401
    assert (await _sign_in(stack.api, email, PASSWORD)).status_code == 401
    assert (await _sign_in(stack.api, email, new_password)).status_code == 200


async def test_a_session_kept_alive_by_refreshing_is_still_ended_everywhere(stack: Stack) -> None:
    email = "keeper@zhuchka.example"
    await _sign_up_and_confirm(stack, email)
    tablet = (await _sign_in(stack.api, email, PASSWORD)).json()
    me = (await stack.api.get("/api/user/me", headers=_bearer(tablet))).json()
    redis = stack.services.redis
    sessions_of_user = f"user-sessions:{me['id']}"
    await redis.expire(sessions_of_user, 1)  # as if the sign-in were long ago
    tablet = (
        await stack.api.post(
            "/api/user/token/refresh", json={"refresh_token": tablet["refresh_token"]}
        )
    ).json()
    assert await redis.ttl(sessions_of_user) > 60  # refreshing keeps the user's list alive too
    laptop = (await _sign_in(stack.api, email, PASSWORD)).json()
    changed = await stack.api.patch(
        "/api/user/password/change",
        json={"old_password": PASSWORD, "new_password": "Another-long-secret-7"},
        headers=_bearer(laptop),
    )
    assert changed.json()["detail"] == "password changed; 1 other session(s) ended"
    assert (await stack.api.get("/api/user/me", headers=_bearer(tablet))).status_code == 401


async def test_a_password_reset_by_email_ends_every_session(stack: Stack) -> None:
    email = "forgetful@zhuchka.example"
    await _sign_up_and_confirm(stack, email)
    session = (await _sign_in(stack.api, email, PASSWORD)).json()
    unknown = await stack.api.post(
        "/api/user/password/reset/request", json={"email": "ghost@zhuchka.example"}
    )
    known = await stack.api.post("/api/user/password/reset/request", json={"email": email})
    assert unknown.status_code == known.status_code == 202
    assert unknown.json() == known.json()
    token = token_in(await stack.mail_to(email, "Reset your"))
    weak = await stack.api.post(
        "/api/user/password/reset/confirm", json={"token": token, "new_password": "short"}
    )
    assert weak.status_code == 422
    new_password = "Fresh-start-2027"
    reset = await stack.api.post(
        "/api/user/password/reset/confirm", json={"token": token, "new_password": new_password}
    )
    assert reset.status_code == 200
    assert (await stack.api.get("/api/user/me", headers=_bearer(session))).status_code == 401
    assert (await _sign_in(stack.api, email, new_password)).status_code == 200
    reused = await stack.api.post(
        "/api/user/password/reset/confirm", json={"token": token, "new_password": "Third-try-2028"}
    )
    assert reused.status_code == 422


async def test_wrong_passwords_are_limited_per_account_and_address(stack: Stack) -> None:
    email = "target@zhuchka.example"
    await _sign_up_and_confirm(stack, email)
    limit = stack.settings.rate_limit_per_account
    answers = [
        (await _sign_in(stack.api, email, f"guess-{n}-xyz")).status_code for n in range(limit + 2)
    ]
    assert answers[:limit] == [401] * limit
    assert answers[limit:] == [429, 429]
    limited = await _sign_in(stack.api, email, PASSWORD)  # from here, even the right one waits
    assert limited.status_code == 429
    assert int(limited.headers["Retry-After"]) > 0
    assert limited.json()["code"] == "rate_limited"
    # However the address is typed, it is the same account.
    spelled = await _sign_in(stack.api, " Target@Zhuchka.example ", "guess")
    assert spelled.status_code == 429
    # Another account from the same address is not blocked by this one.
    assert (await _sign_in(stack.api, "other@zhuchka.example", "guess-0-xyz")).status_code == 401
    # The owner, elsewhere, is not locked out by the stranger's guesses.
    async with running_app(stack.settings, client_address="10.1.2.3") as (elsewhere, _):
        assert (await _sign_in(elsewhere, email, PASSWORD)).status_code == 200


async def test_sign_in_attempts_are_rate_limited_per_client_address(stack: Stack) -> None:
    limit = stack.settings.rate_limit_per_ip
    answers = [
        (await _sign_in(stack.api, f"someone-{n}@zhuchka.example", "guess-xyz-1")).status_code
        for n in range(limit + 1)
    ]
    assert answers == [401] * limit + [429]


async def test_admins_set_roles_and_deactivate(stack: Stack) -> None:
    email = "newcomer@zhuchka.example"
    await _sign_up_and_confirm(stack, email)
    tokens = (await _sign_in(stack.api, email, PASSWORD)).json()
    listed = await stack.api.get("/api/users", params={"search": "newcomer"})
    (user,) = listed.json()["items"]
    not_admin = await stack.api.get("/api/users", headers=_bearer(tokens))
    assert not_admin.status_code == 403

    roles = await stack.api.put(
        f"/api/users/{user['id']}/roles", json={"roles": ["planner", "buyer"]}
    )
    assert roles.json()["roles"] == ["buyer", "planner"]
    assert (await stack.api.get("/api/user/me", headers=_bearer(tokens))).status_code == 401
    planner = (await _sign_in(stack.api, email, PASSWORD)).json()
    assert (
        await stack.api.post("/api/production/orders", json={}, headers=_bearer(planner))
    ).status_code == 422
    assert (
        await stack.api.put(f"/api/users/{user['id']}/roles", json={"roles": ["wizard"]})
    ).status_code == 422

    off = await stack.api.post(f"/api/users/{user['id']}/deactivate")
    assert off.json()["is_active"] is False
    assert (await stack.api.get("/api/user/me", headers=_bearer(planner))).status_code == 401
    assert (await _sign_in(stack.api, email, PASSWORD)).status_code == 403
    await stack.api.post(f"/api/users/{user['id']}/activate")
    assert (await _sign_in(stack.api, email, PASSWORD)).status_code == 200

    me = (await stack.api.get("/api/user/me")).json()
    assert (await stack.api.post(f"/api/users/{me['id']}/deactivate")).status_code == 409


@pytest.mark.parametrize("stage", ["design", "assembly", "qc"])
async def test_the_workflow_records_who_completed_a_stage_from_the_token(
    stack: Stack, stage: str
) -> None:
    order = await stack.order()
    planner = await stack.headers(Role.PLANNER)
    floor = await stack.headers(Role.FLOOR_WORKER)
    inspector = await stack.headers(Role.INSPECTOR)
    url = f"/api/production/orders/{order['id']}/stages"
    as_floor = await stack.api.post(
        f"{url}/design/complete", json={"worker": "Oleg"}, headers=floor
    )
    assert as_floor.status_code == 403
    done = await stack.api.post(f"{url}/design/complete", json={"worker": "Oleg"}, headers=planner)
    assert done.json()["stages"][0]["completed_by"] == "planner@tests.example"
    assert done.json()["stages"][0]["worker"] == "Oleg"
    if stage == "design":
        return
    await stack.until(order, lambda o: o["stage"] == "assembly")
    assembled = await stack.api.post(f"{url}/assembly/complete", json={}, headers=floor)
    assert assembled.json()["stages"][2]["completed_by"] == "floor_worker@tests.example"
    assert assembled.json()["stages"][2]["worker"] == "floor_worker@tests.example"
    if stage == "assembly":
        return
    await stack.api.post(f"{url}/testing/complete", json={"passed": True}, headers=floor)
    as_floor_qc = await stack.api.post(f"{url}/qc/complete", json={"passed": True}, headers=floor)
    assert as_floor_qc.status_code == 403
    qc = await stack.api.post(f"{url}/qc/complete", json={"passed": True}, headers=inspector)
    assert qc.json()["stages"][4]["completed_by"] == "inspector@tests.example"


async def test_a_stranger_signing_up_first_with_your_address_gets_nothing(stack: Stack) -> None:
    """The owner confirms with their own token and their own password; the account has that
    password, and the stranger's is nothing."""
    email = "victim@zhuchka.example"
    stranger, owner = "Attacker-chose-this-9931", "Owners-own-secret-5512"
    for password in (stranger, owner):
        await stack.api.post(
            "/api/user/sign-up",
            json={"email": email, "password": password},
            headers={"Authorization": ""},
        )
    mails = await _mails_to(stack, email, 2)
    tokens = [token_in(body) for body in mails]  # newest first: the owner's sign-up
    for token in reversed(tokens):  # the stranger's mail does not take the owner's password
        refused = await stack.api.post(
            "/api/user/email/confirm", json={"token": token, "password": owner}
        )
        if refused.status_code == 200:
            break
        assert refused.status_code == 422
    assert (await _sign_in(stack.api, email, owner)).status_code == 200
    assert (await _sign_in(stack.api, email, stranger)).status_code == 401


async def test_a_stranger_asking_for_resets_voids_no_token_the_owner_holds(stack: Stack) -> None:
    email = "reset-owner@zhuchka.example"
    await _sign_up_and_confirm(stack, email)
    await stack.api.post("/api/user/password/reset/request", json={"email": email})
    token = token_in(await stack.mail_to(email, "Reset your"))
    for _ in range(3):  # someone else, for the same address
        await stack.api.post("/api/user/password/reset/request", json={"email": email})
    reset = await stack.api.post(
        "/api/user/password/reset/confirm",
        json={"token": token, "new_password": "Fresh-start-2027"},
    )
    assert reset.status_code == 200
    assert (await _sign_in(stack.api, email, "Fresh-start-2027")).status_code == 200


async def _mails_to(stack: Stack, email: str, count: int) -> list[str]:
    """The bodies of the newest `count` messages to `email`, newest first, once they came."""
    async with asyncio.timeout(30):
        while (
            len(found := [m.body for m in read_mailbox(stack.mail.folder) if m.to == email]) < count
        ):
            await asyncio.sleep(0.1)
    return found[:count]
