"""Events from the core's message bus, delivered as a Qt signal on the GUI thread.

The bus calls its subscribers on whichever thread handled the command (the
GUI thread, a background operation, the scheduler). Emitting a signal of an
object that lives on the GUI thread queues the call there, so views can
refresh without caring where the change came from.
"""

from __future__ import annotations

import weakref

import shiboken6
from PySide6.QtCore import QObject, Signal

from desktop_app.kernel.events import Event
from desktop_app.kernel.messagebus import MessageBus

# One bridge per bus: the bus has no way to unsubscribe, so a bridge per
# window would leave one dead subscriber behind at every log-out.
_bridges: weakref.WeakKeyDictionary[MessageBus, BusBridge] = weakref.WeakKeyDictionary()


class BusBridge(QObject):
    event_published = Signal(object)

    def __init__(self, bus: MessageBus) -> None:
        super().__init__()
        self_ref = weakref.ref(self)

        def relay(event: Event) -> None:
            bridge = self_ref()
            if bridge is not None and shiboken6.isValid(bridge):
                bridge.event_published.emit(event)

        bus.subscribe_all(relay)

    @classmethod
    def for_bus(cls, bus: MessageBus) -> BusBridge:
        bridge = _bridges.get(bus)
        if bridge is None or not shiboken6.isValid(bridge):
            bridge = cls(bus)
            _bridges[bus] = bridge
        return bridge
