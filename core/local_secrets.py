"""Secrets made on this machine: random, created once in the data directory and readable only
by their owner. Several processes (the API, the worker) may start at once; the first to write
the file wins and every process reads the same value."""

from __future__ import annotations

import os
import secrets
from pathlib import Path


def local_secret(path: Path, *, nbytes: int = 48) -> str:
    """The secret kept at `path`, created (random, mode 0600) when it does not exist yet."""
    try:
        return _read(path)
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    draft = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as file:
        file.write(secrets.token_urlsafe(nbytes) + "\n")
    try:
        os.link(draft, path)  # fails if another process got there first: its secret stands
    except FileExistsError:
        pass
    finally:
        draft.unlink()
    return _read(path)


def _read(path: Path) -> str:
    value = path.read_text().strip()
    if not value:
        raise FileNotFoundError(path)
    return value
