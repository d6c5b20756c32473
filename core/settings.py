"""Settings from the environment (and an optional `.env`), validated once at start-up."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, Literal, Self

from pydantic import Field, model_validator
from pydantic.fields import FieldInfo
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from core.local_secrets import local_secret
from core.stack_state import running_stack_env

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    environment: Literal["dev", "test", "prod"] = Field("dev", alias="ZHUCHKA_ENV")
    log_format: Literal["auto", "console", "json"] = Field("auto", alias="LOG_FORMAT")
    log_level: str = Field("INFO", alias="LOG_LEVEL")

    postgres_host: str = Field("127.0.0.1", alias="POSTGRES_HOST")
    postgres_port: int = Field(5432, alias="POSTGRES_PORT")
    postgres_user: str = Field("postgres", alias="POSTGRES_USER")
    postgres_password: str = Field("", alias="POSTGRES_PASSWORD")
    postgres_db: str = Field("zhuchka", alias="POSTGRES_DB")
    postgres_pool_size: int = Field(10, alias="POSTGRES_POOL_SIZE")
    postgres_max_overflow: int = Field(20, alias="POSTGRES_MAX_OVERFLOW")

    redis_host: str = Field("127.0.0.1", alias="REDIS_HOST")
    redis_port: int = Field(6379, alias="REDIS_PORT")
    redis_db: int = Field(0, alias="REDIS_DB")

    temporal_address: str = Field("127.0.0.1:7233", alias="TEMPORAL_ADDRESS")
    temporal_namespace: str = Field("default", alias="TEMPORAL_NAMESPACE")
    temporal_task_queue: str = Field("zhuchka-orders", alias="TEMPORAL_TASK_QUEUE")
    temporal_ui_url: str = Field("http://127.0.0.1:8233", alias="TEMPORAL_UI_URL")

    api_host: str = Field("127.0.0.1", alias="API_HOST")
    cors_origins: list[str] = Field(default_factory=list, alias="CORS_ORIGINS")
    api_port: int = Field(8001, alias="API_PORT")
    # Several API processes on one port (`zhuchka dev --api-replicas N`): each binds it with
    # SO_REUSEPORT. Off by default, so that a second API on a taken port fails loudly.
    api_reuse_port: bool = Field(False, alias="API_REUSE_PORT")
    # How long one live-event stream lasts before the browser opens a new one with its current
    # token (so a session that has ended stops hearing within this time).
    events_stream_seconds: float = Field(300.0, alias="EVENTS_STREAM_SECONDS", gt=0)
    # The built web app (`make web`), served at / by the API; the image copies it here too.
    web_dist: Path = Field(PROJECT_ROOT / "web" / "dist", alias="WEB_DIST")
    # How long the API waits for the workflow to answer an update before giving up with 503.
    workflow_call_timeout_seconds: float = Field(15.0, alias="WORKFLOW_CALL_TIMEOUT_SECONDS")
    # A Server-Timing header on every answer (session check, database, Temporal); see
    # api/server_timing.py. Off by default: it tells callers how long the checks took.
    server_timing: bool = Field(False, alias="SERVER_TIMING")
    # How often a waiting order looks at stock again without a delivery signal.
    procurement_recheck_seconds: int = Field(3600, alias="PROCUREMENT_RECHECK_SECONDS")
    # After this many failed inspections an order is put on hold for the planner (0: never).
    rework_limit: int = Field(3, alias="REWORK_LIMIT", ge=0)
    # How often the reorder scan (a Temporal Schedule) looks for items below their reorder point.
    reorder_scan_interval_minutes: int = Field(60, alias="REORDER_SCAN_INTERVAL_MINUTES", ge=1)
    # The worker's Prometheus endpoint; bind 0.0.0.0 only where a scraper must reach it.
    worker_metrics_host: str = Field("127.0.0.1", alias="WORKER_METRICS_HOST")
    worker_metrics_port: int = Field(9464, alias="WORKER_METRICS_PORT")
    # Proxies whose X-Forwarded-For / -Proto are believed (comma-separated addresses, or "*").
    # Empty: none, so a client cannot choose the address its rate limits count against.
    forwarded_allow_ips: str = Field("", alias="FORWARDED_ALLOW_IPS")
    # The API documentation (/api/docs, /api/redoc, /api/openapi.json): open in dev and test; in
    # prod behind HTTP Basic, user `docs` with this password, and not served without one.
    api_docs_password: str = Field("", alias="API_DOCS_PASSWORD")

    default_warehouse_code: str = Field("WH-MAIN", alias="DEFAULT_WAREHOUSE_CODE")

    # Sign-in. Access tokens are short-lived JWTs; sessions and refresh tokens live in Redis.
    # Without JWT_SECRET, dev and test use a random one kept in the data directory; prod refuses.
    jwt_secret: str = Field("", alias="JWT_SECRET")
    jwt_algorithm: Literal["HS256", "HS384", "HS512"] = Field("HS256", alias="JWT_ALGORITHM")
    access_token_expire_minutes: int = Field(15, alias="ACCESS_TOKEN_EXPIRE_MINUTES", ge=1)
    refresh_token_expire_days: int = Field(14, alias="REFRESH_TOKEN_EXPIRE_DAYS", ge=1)
    email_token_expire_hours: int = Field(24, alias="EMAIL_TOKEN_EXPIRE_HOURS", ge=1)
    # Attempts per window (seconds) before 429, per client address and per account.
    rate_limit_window_seconds: int = Field(60, alias="RATE_LIMIT_WINDOW_SECONDS", ge=1)
    rate_limit_per_ip: int = Field(20, alias="RATE_LIMIT_PER_IP", ge=1)
    rate_limit_per_account: int = Field(5, alias="RATE_LIMIT_PER_ACCOUNT", ge=1)

    # Outgoing mail (confirmation and password-reset messages).
    smtp_host: str = Field("127.0.0.1", alias="SMTP_HOST")
    smtp_port: int = Field(1025, alias="SMTP_PORT")
    smtp_username: str = Field("", alias="SMTP_USERNAME")
    smtp_password: str = Field("", alias="SMTP_PASSWORD")
    smtp_starttls: bool = Field(False, alias="SMTP_STARTTLS")
    mail_from: str = Field("Zhuchka MES <mes@zhuchka.example>", alias="MAIL_FROM")
    public_url: str = Field("http://127.0.0.1:8001", alias="PUBLIC_URL")
    # The team channel's incoming webhook (Slack or Mattermost): every notice to the workshop's
    # people is posted there once. Empty: notices go to the users' inboxes and mail only.
    notify_webhook_url: str = Field("", alias="NOTIFY_WEBHOOK_URL")

    # Backups (`zhuchka backup` / `restore`): where they go (default: <data dir>/backups), how
    # many are kept, and Temporal's own PostgreSQL databases on the server above (comma-separated,
    # e.g. "temporal,temporal_visibility"); empty: the embedded dev server's SQLite file.
    backup_dir: Path | None = Field(None, alias="BACKUP_DIR")
    backup_keep: int = Field(7, alias="BACKUP_KEEP", ge=1)
    temporal_postgres_databases: str = Field("", alias="TEMPORAL_POSTGRES_DATABASES")

    # The embedded stack of `zhuchka dev`: used only for what has no address configured above.
    data_dir: Path = Field(PROJECT_ROOT / ".zhuchka", alias="ZHUCHKA_DATA_DIR")
    embedded_postgres_port: int = Field(55432, alias="EMBEDDED_POSTGRES_PORT")
    embedded_redis_port: int = Field(56379, alias="EMBEDDED_REDIS_PORT")
    embedded_temporal_port: int = Field(7233, alias="EMBEDDED_TEMPORAL_PORT")
    embedded_temporal_ui_port: int = Field(8233, alias="EMBEDDED_TEMPORAL_UI_PORT")
    embedded_smtp_port: int = Field(1025, alias="EMBEDDED_SMTP_PORT")

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """The usual sources, then the running dev stack's addresses, then the defaults."""
        return (
            init_settings,
            env_settings,
            dotenv_settings,
            file_secret_settings,
            RunningDevStack(settings_cls),
        )

    @model_validator(mode="after")
    def _a_secret_of_our_own(self) -> Self:
        """JWT_SECRET as given (32 characters at least); in prod it must be given, elsewhere a
        random one is made once per data directory. No secret is ever a constant in the code."""
        if self.jwt_secret:
            if len(self.jwt_secret) < 32:
                raise ValueError("JWT_SECRET must be at least 32 characters long")
        elif self.environment == "prod":
            raise ValueError("JWT_SECRET must be set when ZHUCHKA_ENV=prod")
        else:
            self.jwt_secret = local_secret(self.data_dir / "jwt-secret")
        return self

    @property
    def is_dev(self) -> bool:
        return self.environment == "dev"

    @property
    def database_url(self) -> str:
        password = f":{self.postgres_password}" if self.postgres_password else ""
        return (
            f"postgresql+psycopg://{self.postgres_user}{password}"
            f"@{self.postgres_host}:{self.postgres_port}/{self.postgres_db}"
        )

    @property
    def redis_url(self) -> str:
        return f"redis://{self.redis_host}:{self.redis_port}/{self.redis_db}"

    def configured(self, env_name: str) -> bool:
        """Whether a setting was given (environment, .env, or the running dev stack of this
        data directory), not defaulted."""
        for name, field in type(self).model_fields.items():
            if field.alias == env_name:
                return name in self.model_fields_set
        raise KeyError(env_name)


class RunningDevStack(PydanticBaseSettingsSource):
    """While `zhuchka dev` runs for this data directory, the addresses it wrote to its
    `stack.env`, so every `zhuchka` command in any shell finds its servers without sourcing
    anything. Below the environment and `.env` (they still win), above the defaults. A stack
    that is not running (its supervisor's locked pid file gone or stale) offers nothing."""

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        return None, field_name, False  # unused: __call__ answers for every field at once

    def __call__(self) -> dict[str, Any]:
        given = self.current_state.get("ZHUCHKA_DATA_DIR")
        data_dir = Path(given) if given else self.settings_cls.model_fields["data_dir"].default
        return dict(running_stack_env(Path(data_dir)))


@lru_cache
def get_settings() -> Settings:
    return Settings()
