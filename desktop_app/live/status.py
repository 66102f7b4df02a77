"""The workstation's link to the shared database, as an observable value.

The live feed's thread sets it; the status bar shows it (the UI turns the
callbacks into a signal on its own thread). The reception replica of the
next step will read the same value to decide when to work offline.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

log = logging.getLogger(__name__)


class LinkState(StrEnum):
    # Starting: the first connection is being made.
    CONNECTING = "connecting"
    CONNECTED = "connected"
    # The server is gone; retrying by itself. Changes cannot be saved meanwhile.
    RECONNECTING = "reconnecting"
    # Reconnected a moment ago and caught up with what was missed.
    BACK = "back"


@dataclass(frozen=True)
class LinkStatus:
    state: LinkState
    since: datetime
    # What went wrong, in the driver's words (for the tooltip), when reconnecting.
    reason: str = ""
    # Failed attempts since the link was lost.
    attempts: int = 0
    # Live: other workstations' changes arrive; False for a bus without a feed reader.
    live: bool = True

    @property
    def usable(self) -> bool:
        return self.state in (LinkState.CONNECTED, LinkState.BACK)


Listener = Callable[[LinkStatus], None]


class StatusCell:
    """A thread-safe value that tells its subscribers when it changes."""

    def __init__(self, initial: LinkStatus) -> None:
        self._lock = threading.Lock()
        self._value = initial
        self._listeners: list[Listener] = []

    @property
    def value(self) -> LinkStatus:
        with self._lock:
            return self._value

    def subscribe(self, fn: Listener) -> Callable[[], None]:
        """Call `fn` on every change (on the setter's thread); returns an unsubscribe."""
        with self._lock:
            self._listeners.append(fn)

        def unsubscribe() -> None:
            with self._lock:
                if fn in self._listeners:
                    self._listeners.remove(fn)

        return unsubscribe

    def set(self, value: LinkStatus) -> None:
        with self._lock:
            if value == self._value:
                return
            self._value = value
            listeners = list(self._listeners)
        for fn in listeners:
            try:
                fn(value)
            except Exception:
                log.exception("link status listener failed")

    def update(self, **changes: object) -> None:
        self.set(replace(self.value, **changes))  # type: ignore[arg-type]
