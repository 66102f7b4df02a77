"""What registering or editing a client refuses."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from desktop_app.kernel.errors import Conflict


@dataclass(frozen=True)
class PossibleDuplicate:
    client_id: uuid.UUID
    full_name: str
    phone: str | None
    email: str | None
    matched_on: str  # "phone" or "e-mail"


class DuplicateClient(Conflict):
    """Someone with the same phone or e-mail is already registered."""

    def __init__(self, matches: list[PossibleDuplicate]) -> None:
        self.matches = matches
        names = ", ".join(f"{m.full_name} (same {m.matched_on})" for m in matches[:3])
        super().__init__(f"This may be a client we already have: {names}.")
