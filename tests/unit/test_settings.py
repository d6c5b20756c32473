import pytest
from pydantic import ValidationError

from zhuchka.settings import Settings


def test_the_default_secret_is_refused_outside_development() -> None:
    assert Settings.model_validate({"ZHUCHKA_ENV": "dev"}).is_dev
    for environment in ("test", "prod"):
        with pytest.raises(ValidationError, match="JWT_SECRET"):
            Settings.model_validate({"ZHUCHKA_ENV": environment})
    own = Settings.model_validate({"ZHUCHKA_ENV": "prod", "JWT_SECRET": "s" * 40})
    assert own.environment == "prod"


def test_secrets_must_be_long_enough() -> None:
    with pytest.raises(ValidationError):
        Settings.model_validate({"JWT_SECRET": "short"})


def test_an_external_server_is_configured_only_when_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("POSTGRES_HOST", raising=False)
    assert not Settings().configured("POSTGRES_HOST")
    monkeypatch.setenv("POSTGRES_HOST", "db.internal")
    assert Settings().configured("POSTGRES_HOST")
