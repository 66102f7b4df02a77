"""Who is acting: a logged-in staff member, or the system itself."""

from __future__ import annotations

import socket
import uuid
from dataclasses import dataclass

from models.enums import Role


def workstation_name() -> str:
    return socket.gethostname() or "unknown"


@dataclass(frozen=True)
class Actor:
    account_id: uuid.UUID | None
    name: str
    roles: frozenset[Role]
    workstation: str
    # The command line run by whoever administers the machine, and the
    # scheduler: trusted because they run with access to the database itself.
    is_system: bool = False

    @classmethod
    def system(cls, name: str = "system") -> Actor:
        return cls(None, name, frozenset(), workstation_name(), is_system=True)

    def has_any(self, roles: frozenset[Role]) -> bool:
        return self.is_system or bool(self.roles & roles)
