"""Free times that follow the clinic: when any workstation books, holds, cancels,
moves or changes a schedule, the shown day loads again, keeping the scroll
position and the slot the user chose (the slot picker shows it while held)."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QScrollArea

from desktop_app.availability.events import AvailabilityChanged
from desktop_app.booking.events import AppointmentChanged, HoldChanged
from desktop_app.clinic.events import ClinicSettingsChanged
from desktop_app.kernel.core import Core
from desktop_app.kernel.events import Event
from desktop_app.staff.events import PractitionerChanged
from ui.kit.bus_bridge import BusBridge

# A burst of changes (a booking raises several events) loads once.
SETTLE_MS = 60


class SlotsFollower(QObject):
    def __init__(
        self,
        ctx: Core,
        scroll: QScrollArea,
        *,
        reload: Callable[[], None],
        practitioner: Callable[[], uuid.UUID | None],
        active: Callable[[], bool],
    ) -> None:
        super().__init__(scroll)
        self.scroll = scroll
        self._reload = reload
        self._practitioner = practitioner
        self._active = active
        self._keep_scroll: int | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SETTLE_MS)
        self._timer.timeout.connect(self._load_again)
        BusBridge.for_bus(ctx.bus).event_published.connect(self.on_event)

    def on_event(self, event: Event) -> None:
        if not self._active():
            return
        if isinstance(event, AppointmentChanged | HoldChanged | AvailabilityChanged):
            wanted = self._practitioner()
            if wanted is not None and event.practitioner_id not in (None, wanted):
                return
        elif not isinstance(event, PractitionerChanged | ClinicSettingsChanged):
            return
        self._timer.start()

    def _load_again(self) -> None:
        self._keep_scroll = self.scroll.verticalScrollBar().value()
        self._reload()

    def loaded(self) -> None:
        """The day's slots are on screen again: back to where the user was."""
        keep, self._keep_scroll = self._keep_scroll, None
        if keep is not None:
            bar = self.scroll.verticalScrollBar()
            # After the new grid's layout has given the bar its range.
            QTimer.singleShot(0, self, lambda: bar.setValue(keep))
