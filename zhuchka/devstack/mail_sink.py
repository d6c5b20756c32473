"""A local SMTP server (aiosmtpd) that keeps every message it receives as a file: the outbox a
person reads in `make run`, and the mail server the tests send to."""

from __future__ import annotations

import email
import email.policy
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session


@dataclass(frozen=True)
class ReceivedMail:
    to: str
    subject: str
    body: str
    received_at: datetime


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
        folder.mkdir(parents=True, exist_ok=True)
        self.folder = folder
        self.host = host
        self.port = port
        self._controller = Controller(_KeepAsFiles(folder), hostname=host, port=port)

    def start(self) -> None:
        self._controller.start()

    def stop(self) -> None:
        self._controller.stop()


def read_mailbox(folder: Path) -> list[ReceivedMail]:
    """Every message in `folder`, newest first."""
    if not folder.is_dir():
        return []
    found: list[ReceivedMail] = []
    for path in sorted(folder.glob("*.eml"), reverse=True):
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        body = message.get_body(preferencelist=("plain",))
        found.append(
            ReceivedMail(
                to=str(message["To"]),
                subject=str(message["Subject"]),
                body=body.get_content() if body else "",
                received_at=datetime.fromtimestamp(path.stat().st_mtime, UTC),
            )
        )
    return found
