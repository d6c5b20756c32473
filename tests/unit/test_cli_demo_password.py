"""The demo accounts' password: random, made once per data directory, kept there for its owner
only, and good enough for the password rule. No password is published in the code."""

from __future__ import annotations

import stat
from pathlib import Path

import zhuchka.demo_floor
from api.auth.password_rule import check_password
from zhuchka.demo_floor import DEMO_USERS, demo_password, demo_password_file


def test_each_data_directory_makes_its_own_once(tmp_path: Path) -> None:
    first = demo_password(tmp_path / "a")
    assert demo_password(tmp_path / "a") == first
    assert demo_password(tmp_path / "b") != first
    kept = demo_password_file(tmp_path / "a")
    assert kept.read_text().strip() == first
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600


def test_it_passes_the_password_rule(tmp_path: Path) -> None:
    for n in range(20):
        password = demo_password(tmp_path / str(n))
        assert len(password) >= 16
        for email, _ in DEMO_USERS:
            check_password(password, email=email)


def test_no_demo_password_is_a_constant() -> None:
    assert not hasattr(zhuchka.demo_floor, "DEMO_PASSWORD")
    source = Path(zhuchka.demo_floor.__file__).read_text()
    assert "Zhuchka-demo-2026" not in source
