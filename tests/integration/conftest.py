from __future__ import annotations

import pytest

from persistence.database import SessionFactory
from tests.support import Demo, load_demo


@pytest.fixture
async def demo(sessions: SessionFactory) -> Demo:
    return await load_demo(sessions)
