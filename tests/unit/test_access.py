from domain.access import (
    ROLE_ACTIONS,
    STAGE_ACTIONS,
    Action,
    Role,
    may,
    roles_for,
    stages_reported_by,
)
from domain.stages import Stage


def test_every_role_may_read_and_admin_may_do_everything() -> None:
    assert all(may([role], Action.READ) for role in Role)
    assert all(may([Role.ADMIN], action) for action in Action)
    assert set(ROLE_ACTIONS) == set(Role)


def test_writes_follow_the_floor() -> None:
    assert may([Role.PLANNER], Action.MANAGE_ORDERS)
    assert not may([Role.FLOOR_WORKER], Action.MANAGE_ORDERS)
    assert may([Role.STOREKEEPER], Action.MOVE_STOCK)
    assert not may([Role.BUYER], Action.MOVE_STOCK)
    assert roles_for(Action.RECEIVE_GOODS) == [Role.ADMIN, Role.BUYER, Role.STOREKEEPER]
    assert not may([Role.VIEWER], Action.MANAGE_USERS)
    assert not may([], Action.READ)


def test_who_completes_which_stage() -> None:
    def completers(stage: Stage) -> set[Role]:
        return set(roles_for(STAGE_ACTIONS[stage])) - {Role.ADMIN}

    assert completers(Stage.DESIGN) == {Role.PLANNER}
    for stage in (Stage.ASSEMBLY, Stage.SOLDERING, Stage.TESTING, Stage.SHIPPING):
        assert completers(stage) == {Role.FLOOR_WORKER}
    assert completers(Stage.QC) == {Role.INSPECTOR}


def test_the_stations_a_role_reports_at_in_route_order() -> None:
    floor = [Stage.ASSEMBLY, Stage.SOLDERING, Stage.TESTING, Stage.SHIPPING]
    assert stages_reported_by([Role.FLOOR_WORKER]) == floor
    assert stages_reported_by([Role.INSPECTOR, Role.PLANNER]) == [Stage.DESIGN, Stage.QC]
    assert stages_reported_by([Role.ADMIN]) == [Stage.DESIGN, *floor[:3], Stage.QC, Stage.SHIPPING]
    assert stages_reported_by([Role.VIEWER, Role.BUYER]) == []


def test_several_roles_add_up() -> None:
    assert may([Role.VIEWER, Role.BUYER], Action.MANAGE_PURCHASING)
