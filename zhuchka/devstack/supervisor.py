"""`zhuchka dev`: the whole stack in one terminal.

Starts PostgreSQL, Redis, a mail server and the Temporal dev server — each only when no external
address is configured — migrates and seeds the database, then runs the worker and the API as
child processes.

Everything it starts is supervised, each on its own: when PostgreSQL, Redis, the Temporal server,
the worker or the API dies, it is logged and started again after a pause that doubles from 1 s
up to 30 s while it keeps dying, and is back to 1 s once it has stayed up for a minute. The
others are left alone, and the supervisor never gives up. Each one's pid is kept current in
`<data dir>/pids/<name>.pid`; the supervisor's own, locked while it runs, is `pids/dev.pid`, and
the addresses are in `<data dir>/stack.env`, which every `zhuchka` command reads by itself.

Ctrl-C (or SIGTERM, or closing the terminal) stops everything in reverse order; the data stays
under `ZHUCHKA_DATA_DIR` (default `.zhuchka/`) for the next start.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import threading
import time
from pathlib import Path

import structlog

from core.settings import Settings, get_settings
from core.stack_state import (
    AlreadyRunning,
    SupervisorClaim,
    leftover,
    pids_dir,
    remove_pid,
    terminate,
    write_stack_env,
)
from zhuchka import migrate
from zhuchka.demo_data import seed_database
from zhuchka.demo_floor import DEMO_USERS, demo_password, demo_password_file
from zhuchka.devstack.mail_sink import MailSink
from zhuchka.devstack.ports import free_port, is_listening
from zhuchka.devstack.postgres import EmbeddedPostgres
from zhuchka.devstack.redis import EmbeddedRedis
from zhuchka.devstack.supervision import (
    ChildProcess,
    PostgresWithDatabase,
    Stoppable,
    Supervised,
    Unit,
)
from zhuchka.devstack.temporal import TemporalDevServer

log = structlog.get_logger(__name__)

# What `stack.env` tells other shells (and every `zhuchka` command, through the settings).
STACK_ADDRESSES = (
    "POSTGRES_HOST",
    "POSTGRES_PORT",
    "POSTGRES_USER",
    "POSTGRES_DB",
    "REDIS_HOST",
    "REDIS_PORT",
    "REDIS_DB",
    "TEMPORAL_ADDRESS",
    "TEMPORAL_NAMESPACE",
    "TEMPORAL_TASK_QUEUE",
    "TEMPORAL_UI_URL",
    "SMTP_HOST",
    "SMTP_PORT",
    "API_HOST",
    "API_PORT",
    "WORKER_METRICS_PORT",
)
API_PATIENCE = 60.0  # seconds before a word in the log about an API that does not listen yet


class _Interrupted(Exception):
    """Ctrl-C during the start."""


class _StopRequest:
    """Set by the signal handlers: a plain flag (an Event's lock is not safe to take in a
    handler that may interrupt the same thread holding it)."""

    def __init__(self) -> None:
        self.requested = False

    def __call__(self, signum: int, frame: object) -> None:
        self.requested = True

    def check(self) -> None:
        if self.requested:
            raise _Interrupted


def stack_addresses(settings: Settings) -> dict[str, str]:
    """The settings named in STACK_ADDRESSES, as environment variables."""
    by_alias = {info.alias: name for name, info in Settings.model_fields.items()}
    return {alias: str(getattr(settings, by_alias[alias])) for alias in STACK_ADDRESSES}


def _stop_leftovers(data_dir: Path) -> None:
    """Stop what a `zhuchka dev` of this folder that was killed (kill -9, a crash) left running,
    found by its pid file and checked by its command line. (A PostgreSQL left running is
    simply used again.)"""
    replicas = sorted(p.stem for p in pids_dir(data_dir).glob("*-*.pid"))  # worker-2, api-2
    for name in ("api", *replicas, "worker", "temporal", "redis"):
        pid = leftover(data_dir, name)
        if pid is not None:
            log.warning("dev.leftover_stopped", child=name, pid=pid)
            terminate(pid)
        remove_pid(data_dir, name)


def run_dev(*, workers: int = 1, api_replicas: int = 1) -> None:
    """The whole stack; `workers` worker processes and `api_replicas` API processes (sharing
    the API's port, the kernel spreading the connections) to try scaling out on one machine."""
    settings = get_settings()
    data = settings.data_dir
    data.mkdir(parents=True, exist_ok=True)
    claim = SupervisorClaim(data)
    try:
        claim.acquire()
    except AlreadyRunning as running:
        raise SystemExit(str(running)) from None
    started_at = time.monotonic()
    request = _StopRequest()
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, request)
    stopping = threading.Event()
    stack: list[Stoppable] = []

    def supervise(name: str, unit: Unit) -> None:
        supervised = Supervised(name, unit, data_dir=data, stopping=stopping)
        supervised.start()
        stack.append(supervised)

    try:
        _stop_leftovers(data)
        env: dict[str, str] = {}
        if not settings.configured("POSTGRES_HOST"):
            postgres = EmbeddedPostgres(data / "postgres", settings.embedded_postgres_port)
            supervise("postgres", PostgresWithDatabase(postgres, settings.postgres_db))
            env |= {
                "POSTGRES_HOST": postgres.host,
                "POSTGRES_PORT": str(postgres.port),
                "POSTGRES_USER": "postgres",
                "POSTGRES_PASSWORD": "",
            }
            log.info("postgres.embedded", port=postgres.port, data=str(postgres.pgdata))
        request.check()
        if not settings.configured("REDIS_HOST"):
            redis = EmbeddedRedis(data / "redis", settings.embedded_redis_port)
            supervise("redis", redis)
            env |= {"REDIS_HOST": redis.host, "REDIS_PORT": str(redis.port)}
            log.info("redis.embedded", port=redis.port)
        request.check()
        if not settings.configured("SMTP_HOST"):
            # In this process (a thread): it lives and dies with the supervisor.
            sink = MailSink(data / "mail", settings.embedded_smtp_port)
            sink.start()
            stack.append(sink)
            env |= {"SMTP_HOST": sink.host, "SMTP_PORT": str(sink.port)}
            log.info("mail.embedded", port=sink.port, folder=str(sink.folder))
        request.check()
        if not settings.configured("TEMPORAL_ADDRESS"):
            temporal = TemporalDevServer(
                data / "temporal",
                settings.embedded_temporal_port,
                settings.embedded_temporal_ui_port,
                namespace=settings.temporal_namespace,
            )
            supervise("temporal", temporal)
            env |= {
                "TEMPORAL_ADDRESS": f"{temporal.host}:{temporal.port}",
                "TEMPORAL_UI_URL": f"http://{temporal.host}:{temporal.ui_port}",
            }
            log.info("temporal.embedded", port=temporal.port, ui_port=temporal.ui_port)
        request.check()
        os.environ.update(env)
        get_settings.cache_clear()
        settings = get_settings()
        write_stack_env(data, {**stack_addresses(settings), **env})
        migrate.upgrade(settings.database_url)
        request.check()
        new_password = not demo_password_file(data).exists()
        password = demo_password(data)
        asyncio.run(
            seed_database(settings, demo_password=password, reset_demo_passwords=new_password)
        )
        request.check()
        _refuse_taken_ports(settings)
        child_env = {**os.environ, **env, "ZHUCHKA_DATA_DIR": str(data.resolve())}
        cli = [sys.executable, "-m", "zhuchka"]
        for n in range(1, workers + 1):
            own = {} if n == 1 else {"WORKER_METRICS_PORT": str(free_port())}
            supervise(_replica("worker", n), ChildProcess([*cli, "worker"], child_env | own))
        shared = {"API_REUSE_PORT": "true"} if api_replicas > 1 else {}
        for n in range(1, api_replicas + 1):
            supervise(_replica("api", n), ChildProcess([*cli, "api"], child_env | shared))
        _wait_for_the_api(settings, request)
        _banner(settings, time.monotonic() - started_at, password)
        while not request.requested:
            time.sleep(0.2)
    except _Interrupted:
        pass
    finally:
        stopping.set()
        print("\nStopping Zhuchka MES…", flush=True)
        for part in reversed(stack):
            part.stop()
        claim.release()
        print("Stopped. Data kept in", data, flush=True)


def _replica(name: str, n: int) -> str:
    return name if n == 1 else f"{name}-{n}"


def _refuse_taken_ports(settings: Settings) -> None:
    """The API and the worker's metrics must have their ports to themselves: something else
    answering there (another stack) would pass for them while they crash again and again."""
    for port, what, variable in (
        (settings.api_port, "the API", "API_PORT"),
        (settings.worker_metrics_port, "the worker's metrics", "WORKER_METRICS_PORT"),
    ):
        if is_listening(settings.api_host, port):
            raise SystemExit(
                f"port {port} for {what} is taken (another stack?): stop it, or set {variable}"
            )


def _wait_for_the_api(settings: Settings, request: _StopRequest) -> None:
    """Until the API listens (it is supervised meanwhile: a broken API is started again and
    again, so fixing the code is enough); a word in the log when that takes long."""
    warn_at = time.monotonic() + API_PATIENCE
    while not is_listening(settings.api_host, settings.api_port):
        request.check()
        if time.monotonic() > warn_at:
            log.warning(
                "dev.api_not_listening_yet",
                address=f"{settings.api_host}:{settings.api_port}",
                waited_s=API_PATIENCE,
                hint="see the api's log lines above; Ctrl-C stops everything",
            )
            warn_at = float("inf")
        time.sleep(0.05)


def _banner(settings: Settings, seconds: float, password: str) -> None:
    api = f"http://{settings.api_host}:{settings.api_port}"
    data = settings.data_dir
    users = ", ".join(email for email, _ in DEMO_USERS)
    pids = " ".join(sorted(p.stem for p in pids_dir(data).glob("*.pid")))
    web = "" if (settings.web_dist / "index.html").is_file() else "  (not built: `make web`)"
    print(
        f"""
Zhuchka MES is up ({seconds:.1f}s)
  Web app             {api}/{web}
  API docs (Swagger)  {api}/api/docs
  ReDoc               {api}/api/redoc
  Health              {api}/api/health/readiness
  API metrics         {api}/metrics
  Worker metrics      http://{settings.worker_metrics_host}:{settings.worker_metrics_port}/metrics
  Temporal UI         {settings.temporal_ui_url}/namespaces/{settings.temporal_namespace}/workflows
  Mail outbox         {api}/api/dev/mail (signed in as admin)
  Demo users          {users}
                      password: {password}  (kept in {demo_password_file(data)})
  Pid files           {pids_dir(data)}/ ({pids}); a process that dies is started again
  Other shells        need no sourcing: `zhuchka` commands find this stack by themselves
                      (its addresses are in {data / "stack.env"})
Ctrl-C stops everything; the data stays in {data}.
""",
        flush=True,
    )
