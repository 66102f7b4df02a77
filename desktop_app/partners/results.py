"""What allocating partner credits hands back."""

from __future__ import annotations

import uuid
from dataclasses import dataclass


@dataclass(frozen=True)
class AllocationResult:
    allocation_ids: tuple[uuid.UUID, ...]
    # Credited at once to the client with the same e-mail.
    credited: int
    # Waiting for the employee to become a client (or book).
    waiting: int
