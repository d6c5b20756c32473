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

    def judge(self, what: str, value: Decimal | None) -> str | None:
        """Why `value` is out of range, or None when it is not."""
        if value is not None and self.low is not None and value < self.low:
            return f"{what} {value} below the minimum {self.low}"
        if value is not None and self.high is not None and value > self.high:
            return f"{what} {value} above the maximum {self.high}"
        return None


def reading_problems(
    temperature: Decimal | None, humidity: Decimal | None, *, climate: Range, moisture: Range
) -> list[str]:
    """What is wrong with a reading, in words; empty when it is within range."""
    if temperature is None and humidity is None:
        raise InvalidInput("a reading needs a temperature, a humidity or both")
    verdicts = [climate.judge("temperature", temperature), moisture.judge("humidity", humidity)]
    return [v for v in verdicts if v]
