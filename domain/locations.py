"""Zones' climate: a reading is out of range when it leaves the zone's temperature or
humidity limits (either limit may be absent)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from domain.errors import InvalidInput


@dataclass(frozen=True)
class Range:
    low: Decimal | None = None
    high: Decimal | None = None

    def __post_init__(self) -> None:
        if self.low is not None and self.high is not None and self.low > self.high:
            raise InvalidInput(f"the range {self.low}..{self.high} is upside down")

    def outside(self, value: Decimal | None) -> bool:
        if value is None:
            return False
        return (self.low is not None and value < self.low) or (
            self.high is not None and value > self.high
        )


def reading_problems(
    temperature: Decimal | None, humidity: Decimal | None, *, climate: Range, moisture: Range
) -> list[str]:
    """What is wrong with a reading, in words; empty when it is within range."""
    if temperature is None and humidity is None:
        raise InvalidInput("a reading needs a temperature, a humidity or both")
    problems = []
    if climate.outside(temperature):
        problems.append(f"temperature {temperature} outside {climate.low}..{climate.high}")
    if moisture.outside(humidity):
        problems.append(f"humidity {humidity} outside {moisture.low}..{moisture.high}")
    return problems
