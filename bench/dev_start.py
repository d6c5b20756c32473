"""How long `zhuchka dev` takes until its banner, cold (a new data folder: initdb, migrations,
seed, accounts) and warm (the next start in the same folder), against the same servers started
bare in the same run: the embedded PostgreSQL (with its database), Redis and the Temporal dev
server, one after the other as `zhuchka dev` starts them, and nothing else — no migrations, no
seed, no worker, no API. The ratio is what the rest of `zhuchka dev` costs on top."""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from zhuchka.devstack.ports import free_port
from zhuchka.devstack.postgres import EmbeddedPostgres
from zhuchka.devstack.private_stack import PrivateStack
from zhuchka.devstack.redis import EmbeddedRedis
from zhuchka.devstack.temporal import TemporalDevServer


def _bare_servers(folder: Path) -> float:
    """Start PostgreSQL (and create the database), Redis and Temporal in `folder` as `zhuchka
    dev` does; seconds until all three answer. Stops them again."""
    started = time.perf_counter()
    postgres = EmbeddedPostgres(folder / "postgres", free_port())
    redis = EmbeddedRedis(folder / "redis", free_port())
    temporal = TemporalDevServer(folder / "temporal", free_port(), free_port())
    running: list[EmbeddedPostgres | EmbeddedRedis | TemporalDevServer] = []
    try:
        postgres.start()
        running.append(postgres)
        postgres.create_database("zhuchka")
        redis.start()
        running.append(redis)
        temporal.start()
        running.append(temporal)
        return time.perf_counter() - started
    finally:
        for server in reversed(running):
            server.stop()


def _dev(folder: Path) -> tuple[float, float]:
    """`zhuchka dev` in `folder` (a private stack on free ports): seconds to the banner, cold
    then warm."""
    folder.mkdir()
    stack = PrivateStack(folder, log_level="WARNING")
    cold = stack.start(timeout=600)
    stack.stop()
    warm = stack.start(timeout=600)
    stack.stop()
    return cold, warm


def measure(*, rounds: int = 1) -> dict[str, Any]:
    bare_cold: list[float] = []
    bare_warm: list[float] = []
    dev_cold: list[float] = []
    dev_warm: list[float] = []
    with tempfile.TemporaryDirectory(prefix="zhuchka-bench-start-") as scratch:
        root = Path(scratch)
        _bare_servers(root / "warm-up")  # the binaries into the page cache, for every run below
        for n in range(rounds):
            bare = root / f"bare-{n}"
            bare_cold.append(_bare_servers(bare))
            bare_warm.append(_bare_servers(bare))
            cold, warm = _dev(root / f"dev-{n}")
            dev_cold.append(cold)
            dev_warm.append(warm)
    figures = {
        "rounds": rounds,
        "dev_cold_s": statistics.median(dev_cold),
        "bare_cold_s": statistics.median(bare_cold),
        "dev_warm_s": statistics.median(dev_warm),
        "bare_warm_s": statistics.median(bare_warm),
    }
    figures["ratio_cold"] = figures["dev_cold_s"] / figures["bare_cold_s"]
    figures["ratio_warm"] = figures["dev_warm_s"] / figures["bare_warm_s"]
    return figures


def report(f: dict[str, Any]) -> str:
    return f"""
Dev stack start (`zhuchka dev` to its banner, median of {f["rounds"]}; baseline: the same
PostgreSQL, Redis and Temporal started bare, no migrations, seed, worker or API)
  cold, a new data folder   zhuchka dev   {f["dev_cold_s"]:6.1f} s
                            bare servers  {f["bare_cold_s"]:6.1f} s  ratio {f["ratio_cold"]:.2f}
  warm, the second start    zhuchka dev   {f["dev_warm_s"]:6.1f} s
                            bare servers  {f["bare_warm_s"]:6.1f} s  ratio {f["ratio_warm"]:.2f}
"""
