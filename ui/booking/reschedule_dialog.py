"""Moving an appointment to another free time (same service), with the same
practitioner or anyone who offers the service."""

from __future__ import annotations

import uuid
from zoneinfo import ZoneInfo

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.availability.slot_engine import Slot
from desktop_app.booking.commands import (
    RescheduleAppointment,
)
from desktop_app.booking.errors import SlotTaken
from desktop_app.booking.queries import AppointmentRow
from desktop_app.booking.results import BookingResult
from desktop_app.kernel.actor import Actor
from desktop_app.kernel.core import Core
from desktop_app.kernel.errors import ClinicdeskError
from desktop_app.staff import queries as staff_queries
from ui.booking.appointment_frame import (
    add_above_error,
    appointment_line,
    frame_appointment_dialog,
)
from ui.booking.booking_dialog import slot_text
from ui.booking.slot_picker import SlotPicker, SlotQuery
from ui.kit.command_dialog import CommandDialog
from ui.kit.ops import run_in_background


class RescheduleDialog(CommandDialog):
    """Move one appointment to another free time (same service), with the same
    practitioner or anyone who offers the service."""

    moved = Signal(object)  # BookingResult

    def __init__(
        self,
        ctx: Core,
        actor: Actor,
        row: AppointmentRow,
        tz: ZoneInfo,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(
            ctx,
            actor,
            title=f"Move appointment {row.reference}",
            caption=f"Now: {appointment_line(row, tz)}",
            action="Move appointment",
            busy_text="Moving…",
            parent=parent,
        )
        frame_appointment_dialog(self, "rescheduleDialog", f"Move {row.reference}", "Cancel")
        self.layout_.setContentsMargins(24, 18, 24, 16)
        self.resize(860, 560)
        self.row = row
        self.tz = tz
        # One command identity per dialog, like booking: a retry moves once.
        self.command_id = uuid.uuid4()
        self.outcome: BookingResult | None = None
        self._names: dict[uuid.UUID, str] = {row.practitioner_id: row.practitioner_name}
        self.alternative_buttons: list[QPushButton] = []
        self.move_button = self.ok_button

        who = QHBoxLayout()
        who.addWidget(QLabel("With"))
        self.practitioner_combo = QComboBox()
        self.practitioner_combo.addItem(row.practitioner_name, row.practitioner_id)
        self.practitioner_combo.addItem("Anyone who offers it", None)
        self.practitioner_combo.currentIndexChanged.connect(self._configure)
        who.addWidget(self.practitioner_combo)
        who.addStretch(1)
        add_above_error(self, who)

        self.slots = SlotPicker(ctx, self)
        self.slots.slot_chosen.connect(lambda _: self._clear_message())
        add_above_error(self, self.slots, 1)

        # The error line sits in a message box, with the next free times under it.
        self.message_box = QFrame()
        self.message_box.setObjectName("bookingMessage")
        box = QVBoxLayout(self.message_box)
        box.setContentsMargins(12, 8, 12, 8)
        add_above_error(self, self.message_box)
        self.layout_.removeWidget(self.error_label)
        self.error_label.setObjectName("bookingMessageText")
        box.addWidget(self.error_label)
        self.alternatives_row = QHBoxLayout()
        box.addLayout(self.alternatives_row)
        self.message_box.setVisible(False)
        self.error_label.clear()
        self.succeeded.connect(self._moved)

        db = ctx.db
        run_in_background(
            self, lambda: staff_queries.practitioners(db, bookable_only=True), self._names_loaded
        )
        self._configure()

    def _names_loaded(self, rows: list[staff_queries.PractitionerRow]) -> None:
        self._names.update({p.id: p.name for p in rows})
        self._configure()

    def _configure(self) -> None:
        if self.row.service_id is None:
            return
        pid = self.practitioner_combo.currentData()
        today = self.ctx.clock.now().astimezone(self.tz).date()
        self.slots.configure(
            SlotQuery(self.row.service_id, pid if isinstance(pid, uuid.UUID) else None),
            tz=self.tz,
            names=self._names,
            today=today,
            day=self.slots.selected_day()
            if self.slots.query is not None
            else max(self.row.starts_at.astimezone(self.tz).date(), today),
        )

    def is_idle(self) -> bool:
        return self.slots.is_idle() and not self.sending

    def inputs(self) -> list[QWidget]:
        return [self.practitioner_combo, self.slots]

    def build_command(self) -> RescheduleAppointment:
        slot = self.slots.chosen
        if slot is None:
            raise _NoTimeChosen("Choose a new time: a date in the calendar, then a time.")
        other = slot.practitioner_id != self.row.practitioner_id
        return RescheduleAppointment(
            command_id=self.command_id,
            appointment_id=self.row.id,
            starts_at=slot.start,
            practitioner_id=slot.practitioner_id if other else None,
        )

    def _moved(self, result: BookingResult) -> None:
        self.outcome = result
        self.moved.emit(result)

    def show_failure(self, exc: BaseException) -> None:
        if not isinstance(exc, SlotTaken):
            super().show_failure(exc)
            return
        self.slots.clear_choice()
        self.show_error("That slot was just taken. The next free times:")
        for slot in exc.alternatives:
            self._add_alternative(slot)
        self.alternatives_row.addStretch(1)
        self.slots.reload()

    def show_error(self, message: str) -> None:
        self._clear_message()
        self.message_box.setVisible(bool(message))
        super().show_error(message)

    def _add_alternative(self, slot: Slot) -> None:
        button = QPushButton(slot_text(slot, self.tz, self._names))
        button.setObjectName("alternativeButton")
        button.setAutoDefault(False)

        def take() -> None:
            if slot.practitioner_id != self.row.practitioner_id:
                self.practitioner_combo.setCurrentIndex(1)
            self.slots.select(slot)

        button.clicked.connect(take)
        self.alternative_buttons.append(button)
        self.alternatives_row.addWidget(button)

    def _clear_message(self) -> None:
        for button in self.alternative_buttons:
            button.deleteLater()
        self.alternative_buttons = []
        while self.alternatives_row.count():
            self.alternatives_row.takeAt(0)
        self.message_box.setVisible(False)
        self.error_label.clear()


class _NoTimeChosen(ClinicdeskError):
    pass
