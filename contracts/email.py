"""What crosses Temporal for the account mail: one message to deliver, and the sweep for
the undelivered."""

from __future__ import annotations

import uuid

from pydantic import BaseModel


class EmailRef(BaseModel):
    """Only the id of a message in the outbox crosses Temporal: bodies may carry tokens."""

    email_id: uuid.UUID


class MailSweep(BaseModel):
    """Messages queued longer ago than this, and not sent, get their delivery started."""

    older_than_seconds: int = 60


DELIVER_EMAIL_WORKFLOW = "DeliverEmail"  # the name the delivery workflow registers
