"""A local SMTP server (aiosmtpd) that keeps every message it receives as a file: the outbox a
person reads in `make run`, and the mail server the tests send to. Reading the files back is
`core.mailbox`, which needs no SMTP server."""

from __future__ import annotations

import logging
import uuid
from datetime import UTC, datetime
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session


class _KeepAsFiles:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:  # noqa: N802 - aiosmtpd's hook name
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S.%f")
        content = envelope.original_content or b""
        (self.folder / f"{stamp}-{uuid.uuid4().hex[:8]}.eml").write_bytes(content)
        return "250 Message accepted for delivery"


class MailSink:
    """Start with `start()`, stop with `stop()`; messages land in `folder` as .eml files."""

    def __init__(self, folder: Path, port: int, host: str = "127.0.0.1") -> None:
        # aiosmtpd tells of every connection at INFO, port probes included: only trouble here.
        logging.getLogger("mail.log").setLevel(logging.WARNING)
        folder.mkdir(parents=True, exist_ok=True)
        self.folder = folder
        self.host = host
        self.port = port
        self._controller = Controller(_KeepAsFiles(folder), hostname=host, port=port)

    def start(self) -> None:
        self._controller.start()

    def stop(self) -> None:
        self._controller.stop()
