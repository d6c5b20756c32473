"""`zhuchka dev`: the whole stack in one terminal.

Starts PostgreSQL, Redis and the Temporal dev server — each only when no external address is
configured — migrates and seeds the database, then runs the worker and the API as child
processes, restarting either if it dies. Ctrl-C stops everything in reverse order; the data
stays under `ZHUCHKA_DATA_DIR` (default `.zhuchka/`) for the next start.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from typing import Protocol

import structlog

from api.auth.passwords import hash_password
from persistence.database import create_engine, create_session_factory
from zhuchka import migrate
from zhuchka.demo_data import (
    DEMO_PASSWORD,
    DEMO_USERS,
    seed_demo,
    seed_demo_floor,
    seed_demo_users,
)
from zhuchka.devstack.mail_sink import MailSink
from zhuchka.devstack.ports import wait_for_port
from zhuchka.devstack.postgres import EmbeddedPostgres
from zhuchka.devstack.redis import EmbeddedRedis
from zhuchka.devstack.temporal import TemporalDevServer
from zhuchka.settings import Settings, get_settings

log = structlog.get_logger(__name__)


class _Service(Protocol):
    def stop(self) -> None: ...


@dataclass
class _Child:
    name: str
    command: list[str]
    env: dict[str, str]
    process: subprocess.Popen[bytes] | None = None
    restarts: list[float] = field(default_factory=list)

    def start(self) -> None:
        self.process = subprocess.Popen(self.command, env=self.env, start_new_session=True)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()


def start_infrastructure(settings: Settings) -> tuple[dict[str, str], list[_Service]]:
    """Start what is not configured externally; returns the env that points at it."""
    env: dict[str, str] = {}
    started: list[_Service] = []
    data = settings.data_dir
    if not settings.configured("POSTGRES_HOST"):
        postgres = EmbeddedPostgres(data / "postgres", settings.embedded_postgres_port)
        postgres.start()
        postgres.create_database(settings.postgres_db)
        started.append(postgres)
        env |= {
            "POSTGRES_HOST": postgres.host,
            "POSTGRES_PORT": str(postgres.port),
            "POSTGRES_USER": "postgres",
            "POSTGRES_PASSWORD": "",
        }
        log.info("postgres.embedded", port=postgres.port, data=str(postgres.pgdata))
    if not settings.configured("REDIS_HOST"):
        redis = EmbeddedRedis(data / "redis", settings.embedded_redis_port)
        redis.start()
        started.append(redis)
        env |= {"REDIS_HOST": redis.host, "REDIS_PORT": str(redis.port)}
        log.info("redis.embedded", port=redis.port)
    if not settings.configured("SMTP_HOST"):
        sink = MailSink(data / "mail", settings.embedded_smtp_port)
        sink.start()
        started.append(sink)
        env |= {"SMTP_HOST": sink.host, "SMTP_PORT": str(sink.port)}
        log.info("mail.embedded", port=sink.port, folder=str(sink.folder))
    if not settings.configured("TEMPORAL_ADDRESS"):
        temporal = TemporalDevServer(
            data / "temporal",
            settings.embedded_temporal_port,
            settings.embedded_temporal_ui_port,
            namespace=settings.temporal_namespace,
        )
        temporal.start()
        started.append(temporal)
        env |= {
            "TEMPORAL_ADDRESS": f"{temporal.host}:{temporal.port}",
            "TEMPORAL_UI_URL": f"http://{temporal.host}:{temporal.ui_port}",
        }
        log.info("temporal.embedded", port=temporal.port, ui_port=temporal.ui_port)
    return env, started


async def seed(settings: Settings, *, with_users: bool = False) -> None:
    engine = create_engine(settings)
    try:
        async with create_session_factory(engine).begin() as session:
            await seed_demo(session)
            if with_users:
                await seed_demo_users(session, await hash_password(DEMO_PASSWORD))
            await seed_demo_floor(session)
    finally:
        await engine.dispose()


def write_env_file(settings: Settings, env: dict[str, str]) -> None:
    lines = [f"{k}={v}" for k, v in sorted(env.items())]
    (settings.data_dir / "stack.env").write_text("\n".join(lines) + "\n")


def run_dev() -> None:
    settings = get_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    started_at = time.monotonic()
    services: list[_Service] = []
    children: list[_Child] = []
    stopping = False

    def request_stop(signum: int, frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)
    try:
        env, services = start_infrastructure(settings)
        os.environ.update(env)
        get_settings.cache_clear()
        settings = get_settings()
        write_env_file(settings, env)
        migrate.upgrade(settings.database_url)
        asyncio.run(seed(settings, with_users=True))
        child_env = {**os.environ, **env}
        cli = [sys.executable, "-m", "zhuchka"]
        children = [
            _Child("worker", [*cli, "worker"], child_env),
            _Child("api", [*cli, "api"], child_env),
        ]
        for child in children:
            child.start()
        wait_for_port(settings.api_host, settings.api_port, timeout=60, what="the API")
        _banner(settings, time.monotonic() - started_at)
        while not stopping:
            time.sleep(0.5)
            for child in children:
                if not stopping and child.process and child.process.poll() is not None:
                    _restart(child)
    finally:
        print("\nStopping Zhuchka MES…", flush=True)
        for child in reversed(children):
            child.stop()
        for service in reversed(services):
            service.stop()
        print("Stopped. Data kept in", settings.data_dir, flush=True)


def _restart(child: _Child) -> None:
    assert child.process is not None
    now = time.monotonic()
    child.restarts = [t for t in child.restarts if now - t < 60] + [now]
    log.warning("child.exited", child=child.name, code=child.process.returncode)
    if len(child.restarts) > 5:
        raise RuntimeError(f"the {child.name} keeps exiting; see the log above")
    time.sleep(1)
    child.start()
    log.info("child.restarted", child=child.name)


def _banner(settings: Settings, seconds: float) -> None:
    api = f"http://{settings.api_host}:{settings.api_port}"
    users = ", ".join(email for email, _ in DEMO_USERS)
    print(
        f"""
Zhuchka MES is up ({seconds:.1f}s)
  API docs (Swagger)  {api}/api/docs
  ReDoc               {api}/api/redoc
  Health              {api}/api/health/deep
  API metrics         {api}/metrics
  Worker metrics      http://127.0.0.1:{settings.worker_metrics_port}/metrics
  Temporal UI         {settings.temporal_ui_url}/namespaces/{settings.temporal_namespace}/workflows
  Mail outbox         {api}/api/dev/mail
  Demo users          {users}
                      password {DEMO_PASSWORD}
  Addresses for other shells: set -a; . {settings.data_dir}/stack.env; set +a
Ctrl-C stops everything; the data stays in {settings.data_dir}.
""",
        flush=True,
    )
