"""What crosses Temporal for the team webhook: one post to deliver (only its id)."""

from __future__ import annotations

import uuid

from pydantic import BaseModel


class WebhookRef(BaseModel):
    post_id: uuid.UUID


DELIVER_WEBHOOK_WORKFLOW = "DeliverWebhook"  # the name the delivery workflow registers
