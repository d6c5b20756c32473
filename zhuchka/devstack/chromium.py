"""The system's Chromium (Debian's package) for the browser tests and the board benchmark:
Playwright drives it and downloads no browser of its own."""

from __future__ import annotations

import os
import shutil

# Headless on a closed network: no background traffic, no first-run work, no sandbox (root).
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


def chromium_path() -> str:
    found = os.environ.get("CHROMIUM") or shutil.which("chromium")
    if not found:
        raise RuntimeError(
            "no Chromium: install Debian's package (apt-get install chromium) or set CHROMIUM"
        )
    return found
