"""The messages a local mail server kept as files (see `zhuchka.devstack.mail_sink`)."""

from __future__ import annotations

import email
import email.policy
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path


@dataclass(frozen=True)
class ReceivedMail:
    to: str
    subject: str
    body: str
    received_at: datetime


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
