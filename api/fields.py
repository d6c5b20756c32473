"""The field types of request bodies and parameters, with their bounds (`domain.limits`), so the
OpenAPI document states them and no value overflows a column. Numbers and flags are strict:
`true`/`false` only for a flag, a JSON integer for a count — `0` is not `false`, `"5"` is not 5.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Annotated

from pydantic import AfterValidator, Field, StrictBool, StrictInt

from domain.limits import (
    MAX_DIMENSION,
    MAX_MINUTES,
    MAX_OFFSET,
    MAX_ON_HAND,
    MAX_QUANTITY,
    planning_date_problem,
    recorded_time_problem,
)

Flag = StrictBool
Quantity = Annotated[StrictInt, Field(gt=0, le=MAX_QUANTITY)]
SignedQuantity = Annotated[StrictInt, Field(ge=-MAX_QUANTITY, le=MAX_QUANTITY)]
Count = Annotated[StrictInt, Field(ge=0, le=MAX_QUANTITY)]
Level = Annotated[StrictInt, Field(ge=0, le=MAX_ON_HAND)]
Dimension = Annotated[StrictInt, Field(ge=0, le=MAX_DIMENSION)]
Minutes = Annotated[StrictInt, Field(ge=1, le=MAX_MINUTES)]
Percent = Annotated[StrictInt, Field(ge=0, le=100)]
SkillLevel = Annotated[StrictInt, Field(ge=1, le=5, description="1 learning .. 5 teaches it")]
Days = Annotated[StrictInt, Field(ge=0, le=365)]
Money = Annotated[Decimal, Field(ge=0, max_digits=14, decimal_places=2)]
UnitPrice = Annotated[Decimal, Field(ge=0, max_digits=12, decimal_places=4)]
# What a gauge reads: the precision of the inspection results' column (14 digits, 4 decimals).
Reading = Annotated[Decimal, Field(ge=-(10**9), le=10**9, max_digits=14, decimal_places=4)]
Offset = Annotated[int, Field(ge=0, le=MAX_OFFSET)]
MAX_ROW_NUMBER = 2**63 - 1  # a bigint's largest
RowNumber = Annotated[StrictInt, Field(ge=1, le=MAX_ROW_NUMBER)]
Page = Annotated[int, Field(ge=1, le=MAX_OFFSET)]


def _planning(value: date) -> date:
    problem = planning_date_problem(value, datetime.now(UTC).date())
    if problem:
        raise ValueError(problem)
    return value


def _recorded(value: datetime) -> datetime:
    problem = recorded_time_problem(value, datetime.now(UTC))
    if problem:
        raise ValueError(problem)
    return value


PlanningDate = Annotated[
    date,
    AfterValidator(_planning),
    Field(description="From yesterday to five years ahead"),
]
RecordedAt = Annotated[
    datetime,
    AfterValidator(_recorded),
    Field(description="With a time zone; within the past year, not in the future"),
]
