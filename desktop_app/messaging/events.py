"""What the messaging handlers announce once their transaction has committed."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from desktop_app.kernel.events import Event


@dataclass(frozen=True)
class NotificationsChanged(Event):
    recipient_ids: tuple[uuid.UUID, ...]


@dataclass(frozen=True)
class EmailSettingsChanged(Event):
    """The e-mail server, reminder times or templates changed."""

    keys: tuple[str, ...]


@dataclass(frozen=True)
class OutboxChanged(Event):
    """Messages were queued again or given up by a command (not by the sender itself)."""

    message_ids: tuple[uuid.UUID, ...]
