"""The short hold the booking dialog keeps on the time it has chosen.

Choosing a time places a hold (PlaceHold) so another desk is not offered it
while this one finishes; choosing another time, or closing, releases it
(ReleaseHold). An answer that arrives for a time no longer chosen is
released on arrival.
"""

from __future__ import annotations

import logging
import uuid
from datetime import datetime, timedelta

from PySide6.QtCore import QObject, Signal

from desktop_app.availability.slot_engine import Slot
from desktop_app.booking.commands import PlaceHold, ReleaseHold
from desktop_app.kernel.actor import Actor
from desktop_app.kernel.core import Core
from ui.kit.ops import run_in_background

log = logging.getLogger(__name__)


class SlotHold(QObject):
    """At most one hold at a time: placing one lets the previous one go."""

    held = Signal()
    failed = Signal(object)  # the exception

    def __init__(self, ctx: Core, actor: Actor, parent: QObject) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.actor = actor
        self.hold_id: uuid.UUID | None = None
        self.slot: Slot | None = None
        self.service_id: uuid.UUID | None = None
        self.placing = False
        self.until: datetime | None = None
        self._seq = 0

    def covers(self, slot: Slot) -> bool:
        """Whether `slot` is held already, or its hold is on the way."""
        return slot == self.slot and (self.hold_id is not None or self.placing)

    def keep(self, slot: Slot, service_id: uuid.UUID) -> None:
        """Remember the chosen time without holding it (where nothing may be written)."""
        self.slot = slot
        self.service_id = service_id

    def place(self, slot: Slot, service_id: uuid.UUID, minutes: int) -> None:
        self.keep(slot, service_id)
        self.placing = True
        self._seq += 1
        seq = self._seq
        command = PlaceHold(
            practitioner_id=slot.practitioner_id, service_id=service_id, starts_at=slot.start
        )
        bus, actor = self.ctx.bus, self.actor
        run_in_background(
            self,
            lambda: bus.handle(command, actor),
            lambda hold_id: self._placed(seq, hold_id, minutes),
            lambda exc: self._refused(seq, exc),
        )

    def _placed(self, seq: int, hold_id: uuid.UUID, minutes: int) -> None:
        if seq != self._seq:
            # Another time was chosen meanwhile, or the dialog closed: let it go.
            self._release(hold_id)
            return
        self.placing = False
        self.hold_id = hold_id
        self.until = self.ctx.clock.now() + timedelta(minutes=minutes)
        self.held.emit()

    def _refused(self, seq: int, exc: BaseException) -> None:
        if seq != self._seq:
            return
        self.placing = False
        self.slot = None
        self.failed.emit(exc)

    def consumed(self) -> None:
        """The booking used the hold: nothing left to release."""
        self.hold_id = None
        self.slot = None

    def release(self) -> None:
        hold_id = self.hold_id
        self.hold_id = None
        self.slot = None
        self.placing = False
        self.until = None
        # An answer still on its way for the old slot is then released on arrival.
        self._seq += 1
        if hold_id is not None:
            self._release(hold_id)

    def _release(self, hold_id: uuid.UUID) -> None:
        bus, actor = self.ctx.bus, self.actor

        def quietly(exc: BaseException) -> None:
            # It expires by itself in a few minutes; nothing for the user to do.
            log.warning("could not release hold %s: %s", hold_id, exc)

        run_in_background(
            self, lambda: bus.handle(ReleaseHold(hold_id=hold_id), actor), lambda _: None, quietly
        )
