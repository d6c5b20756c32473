import stat
from pathlib import Path

import pytest
from pydantic import ValidationError

from core.settings import Settings


def test_prod_refuses_to_start_without_a_secret_of_its_own(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="JWT_SECRET must be set"):
        Settings.model_validate({"ZHUCHKA_ENV": "prod", "ZHUCHKA_DATA_DIR": str(tmp_path)})
    own = Settings.model_validate({"ZHUCHKA_ENV": "prod", "JWT_SECRET": "s" * 40})
    assert own.jwt_secret == "s" * 40


def test_without_a_secret_each_data_directory_makes_its_own(tmp_path: Path) -> None:
    first = Settings.model_validate({"ZHUCHKA_DATA_DIR": str(tmp_path / "a")})
    again = Settings.model_validate({"ZHUCHKA_DATA_DIR": str(tmp_path / "a")})
    other = Settings.model_validate({"ZHUCHKA_DATA_DIR": str(tmp_path / "b")})
    assert len(first.jwt_secret) >= 48
    assert first.jwt_secret == again.jwt_secret != other.jwt_secret
    kept = tmp_path / "a" / "jwt-secret"
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    assert [p.name for p in (tmp_path / "a").iterdir()] == ["jwt-secret"]


def test_secrets_must_be_long_enough() -> None:
    with pytest.raises(ValidationError, match="at least 32"):
        Settings.model_validate({"JWT_SECRET": "short"})


def test_an_external_server_is_configured_only_when_named(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("ZHUCHKA_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("POSTGRES_HOST", raising=False)
    assert not Settings().configured("POSTGRES_HOST")
    monkeypatch.setenv("POSTGRES_HOST", "db.internal")
    assert Settings().configured("POSTGRES_HOST")
