"""Small helpers about local TCP ports."""

from __future__ import annotations

import socket
import time


def is_listening(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.settimeout(0.2)
        return probe.connect_ex((host, port)) == 0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for_port(host: str, port: int, *, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not is_listening(host, port):
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what} did not start listening on {host}:{port} in {timeout:.0f}s")
        time.sleep(0.05)
