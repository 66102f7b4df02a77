"""What the credits handlers announce once their transaction has committed."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from desktop_app.kernel.events import Event


@dataclass(frozen=True)
class CreditsChanged(Event):
    """A client's ledger gained entries (bought, used, refunded, adjusted, expired)."""

    client_ids: tuple[uuid.UUID, ...]


@dataclass(frozen=True)
class CreditPacksChanged(Event):
    pack_id: uuid.UUID
