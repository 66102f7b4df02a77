"""What the partners handlers announce once their transaction has committed."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from desktop_app.kernel.events import Event


@dataclass(frozen=True)
class PartnerOrganisationChanged(Event):
    """The organisation or its allocations changed."""

    organisation_id: uuid.UUID
