"""What an item is: its kinds and the shape of a SKU."""

from __future__ import annotations

import re
from enum import StrEnum


class ItemType(StrEnum):
    COMPONENT = "COMPONENT"
    FINISHED_PRODUCT = "FINISHED_PRODUCT"
    PACKAGING = "PACKAGING"
    TOOL = "TOOL"


SKU_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._/-]*$"
BARCODE_PATTERN = r"^[0-9A-Za-z-]+$"


def is_sku(value: str) -> bool:
    return bool(re.fullmatch(SKU_PATTERN, value)) and len(value) <= 64
