"""The live feed's link status, delivered as a Qt signal on the GUI thread."""

from __future__ import annotations

import weakref

import shiboken6
from PySide6.QtCore import QObject, Signal

from desktop_app.live.status import LinkStatus, StatusCell


class LinkBridge(QObject):
    changed = Signal(object)  # LinkStatus

    def __init__(self, cell: StatusCell, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self_ref = weakref.ref(self)

        def relay(status: LinkStatus) -> None:
            bridge = self_ref()
            if bridge is not None and shiboken6.isValid(bridge):
                bridge.changed.emit(status)

        unsubscribe = cell.subscribe(relay)
        # The cell outlives windows (a log-out makes a new one): leave no dead relay.
        self.destroyed.connect(lambda *_: unsubscribe())
