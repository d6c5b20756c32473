"""Who may do what: the one table of roles and the actions each may take.

Every endpoint declares the action it performs (see `api/auth/access.py`); this module decides.
Reading is open to any signed-in user; writing follows the floor: planners run orders, floor
workers report the production stages, inspectors QC, buyers purchasing, storekeepers stock,
admins everything.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from domain.stages import AUTOMATIC_STAGES, Stage


class Role(StrEnum):
    ADMIN = "admin"
    PLANNER = "planner"
    FLOOR_WORKER = "floor_worker"
    INSPECTOR = "inspector"
    BUYER = "buyer"
    STOREKEEPER = "storekeeper"
    VIEWER = "viewer"


class Action(StrEnum):
    READ = "read"
    MANAGE_CATALOGUE = "catalogue:manage"  # items and warehouses
    MOVE_STOCK = "stock:move"  # receipts, issues, adjustments, manual reservations
    MANAGE_PRODUCTS = "products:manage"
    MANAGE_ORDERS = "orders:manage"  # take, cancel, hold, resume, prioritise
    MANAGE_FLOOR = "floor:manage"  # workers, equipment, stage requirements and targets
    MANAGE_QUALITY = "quality:manage"  # checklist templates
    COMPLETE_DESIGN = "stage:design"
    COMPLETE_PRODUCTION = "stage:production"  # assembly, soldering, testing, shipping
    COMPLETE_QC = "stage:qc"
    MANAGE_PURCHASING = "purchasing:manage"  # suppliers, their offers, sending and confirming
    RECEIVE_GOODS = "purchasing:receive"
    MANAGE_USERS = "users:manage"
    DIAGNOSE = "system:diagnose"  # the deep health check, the development outbox
    READ_AUDIT = "audit:read"  # who changed the master data


# What only reads: allowed even while sessions cannot be checked (Redis down).
READ_ONLY_ACTIONS = frozenset({Action.READ, Action.DIAGNOSE, Action.READ_AUDIT})


ROLE_ACTIONS: dict[Role, frozenset[Action]] = {
    Role.ADMIN: frozenset(Action),
    Role.PLANNER: frozenset(
        {
            Action.READ,
            Action.MANAGE_PRODUCTS,
            Action.MANAGE_ORDERS,
            Action.MANAGE_FLOOR,
            Action.COMPLETE_DESIGN,
        }
    ),
    Role.FLOOR_WORKER: frozenset({Action.READ, Action.COMPLETE_PRODUCTION}),
    Role.INSPECTOR: frozenset({Action.READ, Action.COMPLETE_QC, Action.MANAGE_QUALITY}),
    Role.BUYER: frozenset({Action.READ, Action.MANAGE_PURCHASING, Action.RECEIVE_GOODS}),
    Role.STOREKEEPER: frozenset(
        {Action.READ, Action.MANAGE_CATALOGUE, Action.MOVE_STOCK, Action.RECEIVE_GOODS}
    ),
    Role.VIEWER: frozenset({Action.READ}),
}

STAGE_ACTIONS: dict[Stage, Action] = {
    Stage.DESIGN: Action.COMPLETE_DESIGN,
    Stage.PROCUREMENT: Action.MANAGE_ORDERS,  # automatic: the workflow refuses it anyway
    Stage.ASSEMBLY: Action.COMPLETE_PRODUCTION,
    Stage.SOLDERING: Action.COMPLETE_PRODUCTION,
    Stage.TESTING: Action.COMPLETE_PRODUCTION,
    Stage.QC: Action.COMPLETE_QC,
    Stage.SHIPPING: Action.COMPLETE_PRODUCTION,
}


def may(roles: Iterable[Role | str], action: Action) -> bool:
    return any(action in ROLE_ACTIONS.get(Role(role), frozenset()) for role in roles)


def stages_reported_by(roles: Iterable[Role | str]) -> list[Stage]:
    """The manual stages whose work these roles may report, in route order."""
    roles = list(roles)
    return [
        stage
        for stage, action in STAGE_ACTIONS.items()
        if stage not in AUTOMATIC_STAGES and may(roles, action)
    ]


def roles_for(action: Action) -> list[Role]:
    return [role for role in Role if action in ROLE_ACTIONS[role]]
