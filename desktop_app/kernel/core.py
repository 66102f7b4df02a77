"""The narrow face of the running core that the UI and the scheduler's jobs see.

They need to read (the database), to change things (the bus) and to know the
time (the clock), not the whole composition root; depending on this protocol
keeps them from importing `desktop_app.bootstrap`, which imports every domain.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from desktop_app.infra.database import Database
from desktop_app.kernel.clock import Clock
from desktop_app.kernel.messagebus import MessageBus

if TYPE_CHECKING:
    from desktop_app.live.service import LiveFeed


class Core(Protocol):
    @property
    def db(self) -> Database: ...

    @property
    def bus(self) -> MessageBus: ...

    @property
    def clock(self) -> Clock: ...

    @property
    def database_label(self) -> str:
        """Where the data lives, as the status bar and the settings show it."""
        ...

    @property
    def live(self) -> LiveFeed | None:
        """The reader of other workstations' changes, when it runs (the GUI starts it)."""
        ...
