"""Work calendars through the API: a week of shifts, the plant's default, holidays and
maintenance, the working time they give, and workers and equipment following them."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
from sqlalchemy import text

from core.settings import Settings
from domain.access import Role
from persistence.database import SessionFactory
from tests.support import api_client, ok

MONDAY = {"weekday": 0, "start": "08:00", "end": "16:30"}
DAY_SHIFT = {
    "name": "Day shift",
    "zone": "Europe/Moscow",
    "is_default": True,
    "shifts": [MONDAY | {"weekday": d} for d in range(5)],
}
# Monday 2026-11-30 00:00 to the next Monday, Moscow time (UTC+3 all year).
WEEK = {"since": "2026-11-30T00:00:00+03:00", "until": "2026-12-07T00:00:00+03:00"}


async def _calendar(api: httpx.AsyncClient, body: dict[str, Any] = DAY_SHIFT) -> dict[str, Any]:
    made: dict[str, Any] = ok(await api.post("/api/production/calendars", json=body), 201)
    return made


async def test_a_week_of_shifts_gives_its_working_time(api: httpx.AsyncClient) -> None:
    calendar = await _calendar(api)
    assert calendar["hours_per_week"] == 42.5
    assert calendar["shifts"][0] == {"weekday": 0, "start": "08:00:00", "end": "16:30:00"}
    url = f"/api/production/calendars/{calendar['id']}"
    week = ok(await api.get(f"{url}/working-time", params=WEEK))
    assert week["working_seconds"] == 42.5 * 3600
    assert week["windows"][0] == {"start": "2026-11-30T05:00:00Z", "end": "2026-11-30T13:30:00Z"}
    assert len(week["windows"]) == 5


async def test_holidays_and_maintenance_close_and_an_extra_shift_adds(
    api: httpx.AsyncClient,
) -> None:
    calendar = await _calendar(api)
    url = f"/api/production/calendars/{calendar['id']}"
    holiday = {
        "starts_at": "2026-12-02T00:00:00+03:00",
        "ends_at": "2026-12-03T00:00:00+03:00",
        "note": "holiday",
    }
    service = {
        "starts_at": "2026-12-03T10:00:00+03:00",
        "ends_at": "2026-12-03T12:00:00+03:00",
        "note": "reflow oven service",
    }
    saturday = {
        "starts_at": "2026-12-05T09:00:00+03:00",
        "ends_at": "2026-12-05T13:00:00+03:00",
        "working": True,
        "note": "catch-up",
    }
    added = [
        ok(await api.post(f"{url}/exceptions", json=e), 201) for e in (holiday, service, saturday)
    ]
    week = ok(await api.get(f"{url}/working-time", params=WEEK))
    assert week["working_seconds"] == (42.5 - 8.5 - 2 + 4) * 3600
    listed = ok(await api.get(f"{url}/exceptions", params={"since": WEEK["since"]}))
    assert [e["note"] for e in listed] == ["holiday", "reflow oven service", "catch-up"]

    assert (await api.delete(f"{url}/exceptions/{added[0]['id']}")).status_code == 204
    week = ok(await api.get(f"{url}/working-time", params=WEEK))
    assert week["working_seconds"] == (42.5 - 2 + 4) * 3600
    assert (await api.delete(f"{url}/exceptions/{added[0]['id']}")).status_code == 404


async def test_the_plant_has_one_default_calendar(api: httpx.AsyncClient) -> None:
    first = await _calendar(api)
    second = await _calendar(api, DAY_SHIFT | {"name": "Two shifts"})
    listed = ok(await api.get("/api/production/calendars"))
    assert [(c["name"], c["is_default"]) for c in listed] == [
        ("Two shifts", True),
        ("Day shift", False),
    ]
    replaced = ok(
        await api.put(f"/api/production/calendars/{first['id']}", json=DAY_SHIFT | {"shifts": []})
    )
    assert (replaced["is_default"], replaced["hours_per_week"]) == (True, 0)
    again = ok(await api.get(f"/api/production/calendars/{second['id']}"))
    assert again["is_default"] is False
    taken = DAY_SHIFT | {"name": "Two shifts", "is_default": False}
    clash = await api.put(f"/api/production/calendars/{first['id']}", json=taken)
    assert clash.status_code == 409, clash.text


async def test_workers_and_equipment_follow_a_calendar_or_the_default(
    api: httpx.AsyncClient,
) -> None:
    calendar = await _calendar(api, DAY_SHIFT | {"is_default": False})
    worker = ok(
        await api.post(
            "/api/production/workers", json={"name": "Ivan", "calendar_id": calendar["id"]}
        ),
        201,
    )
    assert worker["calendar_id"] == calendar["id"]
    rig = ok(
        await api.post(
            "/api/production/equipment",
            json={
                "name": "TR-9",
                "equipment_type": "test_rig",
                "stage": "testing",
                "calendar_id": calendar["id"],
            },
        ),
        201,
    )
    assert rig["calendar_id"] == calendar["id"]
    url = f"/api/production/calendars/{calendar['id']}"
    refused = await api.delete(url)
    assert refused.status_code == 409
    assert "2 workers and pieces of equipment" in refused.json()["detail"]

    for path in (f"workers/{worker['id']}", f"equipment/{rig['id']}"):
        back = ok(await api.patch(f"/api/production/{path}", json={"calendar_id": None}))
        assert back["calendar_id"] is None
    assert (await api.delete(url)).status_code == 204
    assert (await api.get(url)).status_code == 404


async def test_what_the_calendars_refuse(api: httpx.AsyncClient) -> None:
    calendar = await _calendar(api)
    url = f"/api/production/calendars/{calendar['id']}"
    answers = {
        "unknown zone": await api.post(
            "/api/production/calendars", json=DAY_SHIFT | {"name": "X", "zone": "Mars/Base"}
        ),
        "a weekday 7": await api.post(
            "/api/production/calendars",
            json=DAY_SHIFT
            | {"name": "Y", "shifts": [{"weekday": 7, "start": "08:00", "end": "09:00"}]},
        ),
        "two shifts at one start": await api.post(
            "/api/production/calendars",
            json=DAY_SHIFT | {"name": "Z", "shifts": [MONDAY, MONDAY]},
        ),
        "overlapping shifts": await api.post(
            "/api/production/calendars",
            json=DAY_SHIFT
            | {
                "name": "O",
                "shifts": [
                    {"weekday": 0, "start": "08:00", "end": "16:30"},
                    {"weekday": 0, "start": "12:00", "end": "20:00"},
                ],
            },
        ),
        "a name taken": await api.post("/api/production/calendars", json=DAY_SHIFT),
        "an exception ending first": await api.post(
            f"{url}/exceptions",
            json={"starts_at": "2026-12-02T00:00:00Z", "ends_at": "2026-12-01T00:00:00Z"},
        ),
        "an instant without a zone": await api.post(
            f"{url}/exceptions",
            json={"starts_at": "2026-12-01T00:00:00", "ends_at": "2026-12-02T00:00:00"},
        ),
        "two years at once": await api.get(
            f"{url}/working-time",
            params={"since": "2026-01-01T00:00:00Z", "until": "2028-01-01T00:00:00Z"},
        ),
        "a period ending first": await api.get(
            f"{url}/working-time",
            params={"since": "2026-12-02T00:00:00Z", "until": "2026-12-01T00:00:00Z"},
        ),
        "an unknown calendar": await api.get(
            "/api/production/calendars/00000000-0000-0000-0000-000000000000"
        ),
        "a worker on an unknown calendar": await api.post(
            "/api/production/workers",
            json={"name": "Nobody", "calendar_id": "00000000-0000-0000-0000-000000000000"},
        ),
    }
    assert {why: a.status_code for why, a in answers.items()} == {
        "unknown zone": 422,
        "a weekday 7": 422,
        "two shifts at one start": 422,
        "overlapping shifts": 422,
        "a name taken": 409,
        "an exception ending first": 422,
        "an instant without a zone": 422,
        "two years at once": 422,
        "a period ending first": 422,
        "an unknown calendar": 404,
        "a worker on an unknown calendar": 404,
    }
    assert all("detail" in a.json() for a in answers.values())
    [overlap] = answers["overlapping shifts"].json()["detail"]
    assert overlap["loc"] == ["body", "shifts"]
    assert overlap["msg"] == "shifts overlap: Monday 08:00-16:30 and Monday 12:00-20:00"


async def test_only_floor_managers_change_calendars_and_everyone_reads_them(
    settings: Settings, sessions: SessionFactory
) -> None:
    async with api_client(settings) as admin:
        calendar = await _calendar(admin)
    async with api_client(settings, as_role=Role.VIEWER) as viewer:
        assert (await viewer.get("/api/production/calendars")).status_code == 200
        url = f"/api/production/calendars/{calendar['id']}"
        assert (await viewer.get(f"{url}/working-time", params=WEEK)).status_code == 200
        assert (await viewer.put(url, json=DAY_SHIFT)).status_code == 403
        closed = {"starts_at": "2026-12-02T00:00:00Z", "ends_at": "2026-12-03T00:00:00Z"}
        assert (await viewer.post(f"{url}/exceptions", json=closed)).status_code == 403


async def test_a_changed_week_counts_from_the_day_of_the_change(
    api: httpx.AsyncClient, sessions: SessionFactory
) -> None:
    """The past keeps the week it was planned by (OEE and utilisation do not move back in
    time); the new week counts from today, and a second change the same day replaces the
    first."""
    calendar = await _calendar(api)
    url = f"/api/production/calendars/{calendar['id']}"
    before = ok(await api.get(f"{url}/working-time", params=WEEK))["working_seconds"]
    assert before == 5 * 8.5 * 3600
    today = datetime.now(ZoneInfo("Europe/Moscow")).date()
    next_week = {
        "since": datetime.combine(
            today + timedelta(days=1), time(), ZoneInfo("Europe/Moscow")
        ).isoformat(),
    }
    next_week["until"] = (
        datetime.fromisoformat(next_week["since"]) + timedelta(days=7)
    ).isoformat()
    weekdays = [MONDAY | {"weekday": d} for d in range(5)]
    saturday = {"weekday": 5, "start": "09:00", "end": "13:00"}
    sunday = {"weekday": 6, "start": "10:00", "end": "12:00"}
    for extra, hours in ((saturday, 4), (sunday, 2)):  # the second change replaces the first
        week = DAY_SHIFT | {"shifts": [*weekdays, extra]}
        changed = ok(await api.put(url, json=week))
        assert changed["hours_per_week"] == 42.5 + hours
        ahead = ok(await api.get(f"{url}/working-time", params=next_week))["working_seconds"]
        assert ahead == (42.5 + hours) * 3600
        past = ok(await api.get(f"{url}/working-time", params=WEEK))["working_seconds"]
        assert past == before
    assert [s["weekday"] for s in ok(await api.get(url))["shifts"]] == [0, 1, 2, 3, 4, 6]
    unchanged = DAY_SHIFT | {"name": "Day", "shifts": [*weekdays, sunday]}
    ok(await api.put(url, json=unchanged))  # a rename alone keeps the week's history as it is
    async with sessions() as session:
        kept = await session.scalar(
            text("SELECT count(*) FROM calendar_shifts WHERE calendar_id = :id"),
            {"id": calendar["id"]},
        )
    assert kept == 5 + 6  # the first week (ended today) and the second
