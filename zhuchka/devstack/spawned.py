"""A server or program this process started as a child, in a session of its own (so Ctrl-C
reaches only the supervisor): its pid, how it ended, and a stop that asks (SIGTERM) before it
insists (SIGKILL)."""

from __future__ import annotations

import subprocess
from typing import ClassVar

from core.stack_state import describe_exit


class Spawned:
    process: subprocess.Popen[bytes] | None
    grace: ClassVar[float] = 20.0  # seconds between asking and insisting

    def pid(self) -> int | None:
        return self.process.pid if self.process else None

    def exit_status(self) -> str | None:
        """None while it runs; else how it ended."""
        if self.process is None:
            return "not started"
        code = self.process.poll()
        return None if code is None else describe_exit(code)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=self.grace)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
