"""Backup and restore of years of workshop: the analytics bench's history (a million ledger
rows, 50,000 orders) in a private stack; `zhuchka backup` while it runs; the stack stopped and
its data folder deleted; `zhuchka restore`; the stack started again and its rows counted. The
baseline, in the same run: a plain `pg_dump -Fc` of the application's database (what any
backup of it costs)."""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.analytics_speed import load_years, row_counts
from core.settings import Settings
from zhuchka.backups import backups as list_backups
from zhuchka.backups import dump_database
from zhuchka.devstack.private_stack import PrivateStack


def _zhuchka(stack: PrivateStack, backups: Path, command: str) -> float:
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "zhuchka", command],
        env=stack.env | {"BACKUP_DIR": str(backups)},
        cwd=stack.log.parent,
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - started


def _plain_dump(settings: Settings, target: Path) -> float:
    started = time.perf_counter()
    dump_database(settings, settings.postgres_db, target)
    return time.perf_counter() - started


def measure() -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="zhuchka-bench-") as folder:
        stack = PrivateStack(Path(folder), log_level="WARNING")
        backups = Path(folder) / "backups"
        stack.start()
        try:
            before = asyncio.run(load_years(stack.settings()))
            backup_s = _zhuchka(stack, backups, "backup")
            dump_s = _plain_dump(stack.settings(), Path(folder) / "plain.dump")
        finally:
            stack.stop()
        [backup] = list_backups(backups)
        size = sum(f.stat().st_size for f in backup.iterdir())
        shutil.rmtree(stack.data_dir)  # the lost disk
        restore_s = _zhuchka(stack, backups, "restore")
        stack.start()
        try:
            after = asyncio.run(row_counts(stack.settings()))
        finally:
            stack.stop()
    if after != before:
        raise RuntimeError(f"the restore brought back {after}, not {before}")
    return {
        "rows": before,
        "size_mb": size / 1e6,
        "backup_s": backup_s,
        "restore_s": restore_s,
        "dump_s": dump_s,
    }


def report(measured: dict[str, Any]) -> str:
    rows, dump = measured["rows"], measured["dump_s"]
    return f"""
Backup and restore ({rows["stock_movements"]:,} ledger rows, {rows["orders"]:,} orders; \
the data folder deleted in between; every row back)
  backup (zhuchka backup, stack running)   {measured["backup_s"]:6.1f} s  \
{measured["size_mb"]:.0f} MB  ratio {measured["backup_s"] / dump:4.1f}
  restore (zhuchka restore, stack stopped) {measured["restore_s"]:6.1f} s  \
ratio {measured["restore_s"] / dump:4.1f}
  baseline: pg_dump -Fc of the database    {dump:6.1f} s"""
