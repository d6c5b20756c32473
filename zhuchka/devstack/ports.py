"""Small helpers about local TCP ports."""

from __future__ import annotations

import random
import socket
import subprocess
import time
from pathlib import Path

# Where the system picks the ports of outgoing connections and of servers bound to port 0 (the
# Temporal dev server binds its inner services so). A port handed out here lies outside it, so
# nothing started later can take it by chance while its owner restarts.
_EPHEMERAL = Path("/proc/sys/net/ipv4/ip_local_port_range")
_CHOSEN: set[int] = set()


def is_listening(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.settimeout(0.2)
        return probe.connect_ex((host, port)) == 0


def free_port() -> int:
    """A port nothing listens on now, outside the ephemeral range, not handed out before by
    this process."""
    low, high = _ephemeral_range()
    candidates: list[int] = [
        *range(20_000, min(low, 30_000)),
        *range(max(high + 1, 61_000), 65_000),
    ]
    for port in random.sample(candidates, k=min(len(candidates), 200)):
        if port not in _CHOSEN and _bindable(port):
            _CHOSEN.add(port)
            return port
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _ephemeral_range() -> tuple[int, int]:
    try:
        low, high = (int(n) for n in _EPHEMERAL.read_text().split())
    except (OSError, ValueError):
        return 32_768, 60_999
    return low, high


def _bindable(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def wait_for_port(
    host: str,
    port: int,
    *,
    timeout: float,
    what: str,
    process: subprocess.Popen[bytes] | None = None,
) -> None:
    """Until something listens on host:port; TimeoutError after `timeout` seconds, or at once
    when `process` (the server being waited for) has exited."""
    deadline = time.monotonic() + timeout
    while not is_listening(host, port):
        if process is not None and (code := process.poll()) is not None:
            raise RuntimeError(f"{what} exited before listening on {host}:{port} (code {code})")
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what} did not start listening on {host}:{port} in {timeout:.0f}s")
        time.sleep(0.05)
