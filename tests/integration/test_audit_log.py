"""The audit log: master data changed through the API is recorded by the database with who
changed it and the row before and after; secrets stay out; the floor's own moves (equipment
taken for a stage) are not master data; only admins read it; nobody rewrites it."""

from __future__ import annotations

from typing import Any, get_args

import httpx
import pytest
from sqlalchemy import text, update
from sqlalchemy.exc import DBAPIError

from api.queries.audit_log import AuditedTable
from core.settings import Settings
from domain.access import Role
from persistence.database import SessionFactory
from persistence.tables import Equipment
from tests.support import api_client, ok


async def _log(api: httpx.AsyncClient, **filters: str) -> list[dict[str, Any]]:
    page = ok(await api.get("/api/audit", params=filters))
    return list(reversed(page["items"]))  # oldest first


async def test_an_items_life_is_recorded_with_who_and_what(
    api: httpx.AsyncClient, settings: Settings
) -> None:
    body = {"sku": "AU-1", "name": "Switch", "item_type": "COMPONENT", "category": "SW"}
    item = ok(await api.post("/api/inventory/items", json=body), 201)
    ok(await api.patch(f"/api/inventory/items/{item['id']}", json={"name": "Linear switch"}))
    async with api_client(settings, as_role=Role.STOREKEEPER) as storekeeper:
        archived = {"is_active": False}
        ok(await storekeeper.patch(f"/api/inventory/items/{item['id']}", json=archived))
    entries = await _log(api, table="items", row_id=item["id"])
    assert [(e["action"], e["actor"]) for e in entries] == [
        ("insert", "admin@tests.example"),
        ("update", "admin@tests.example"),
        ("update", "storekeeper@tests.example"),
    ]
    renamed = entries[1]
    assert "name" in renamed["changed"]
    assert (renamed["before"]["name"], renamed["after"]["name"]) == ("Switch", "Linear switch")
    assert "is_active" in entries[2]["changed"]
    assert entries[0]["key"] == {"id": item["id"]}


async def test_roles_targets_and_no_secrets(api: httpx.AsyncClient, settings: Settings) -> None:
    async with api_client(settings, as_role=Role.BUYER):  # makes buyer@tests.example
        pass
    users = ok(await api.get("/api/users", params={"search": "buyer@tests"}))["items"]
    buyer = users[0]["id"]
    ok(await api.put(f"/api/users/{buyer}/roles", json={"roles": ["buyer", "viewer"]}))
    [change] = [e for e in await _log(api, table="users", row_id=buyer) if e["action"] == "update"]
    assert change["after"]["roles"] == ["buyer", "viewer"]
    for entry in await _log(api, table="users"):
        assert "password_hash" not in (entry["before"] or {}) | (entry["after"] or {})
    ok(await api.patch("/api/production/stages/testing", json={"target_minutes": 45}))
    [target] = [e for e in await _log(api, table="stage_requirements") if e["action"] == "update"]
    assert (target["key"], target["changed"]) == ({"stage": "testing"}, ["target_minutes"])


async def test_the_floors_own_moves_are_not_master_data(
    api: httpx.AsyncClient, sessions: SessionFactory
) -> None:
    made = {"name": "SS-A", "equipment_type": "soldering_station", "stage": "soldering"}
    station = ok(await api.post("/api/production/equipment", json=made), 201)
    async with sessions.begin() as session:  # as a stage's start does it: no entry
        await session.execute(update(Equipment).where(Equipment.name == "SS-A").values(notes=""))
    async with sessions.begin() as session:  # a change outside any request: no actor
        await session.execute(
            update(Equipment).where(Equipment.name == "SS-A").values(notes="re-soldered tip")
        )
    entries = await _log(api, table="equipment", row_id=station["id"])
    assert [(e["action"], e["actor"]) for e in entries] == [
        ("insert", "admin@tests.example"),
        ("update", None),
    ]


async def test_only_admins_read_it_and_nobody_rewrites_it(
    api: httpx.AsyncClient, settings: Settings, sessions: SessionFactory
) -> None:
    ok(await api.patch("/api/production/stages/qc", json={"target_minutes": 30}))
    for role in (Role.PLANNER, Role.VIEWER):
        async with api_client(settings, as_role=role) as someone:
            assert (await someone.get("/api/audit")).status_code == 403
    for statement in ("UPDATE audit_log SET actor = 'nobody'", "DELETE FROM audit_log"):
        with pytest.raises(DBAPIError, match="append-only"):
            async with sessions.begin() as session:
                await session.execute(text(statement))


async def test_the_api_offers_every_audited_table(sessions: SessionFactory) -> None:
    """The tables the triggers audit (migrations) and those the API filters by are the same."""
    async with sessions() as session:
        audited = await session.scalars(
            text(
                "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid"
                " WHERE t.tgname = 'audit_change'"
            )
        )
        assert set(audited) == set(get_args(AuditedTable))
