"""Moving an appointment to another free time (same service), with the same
practitioner or anyone who offers the service."""

from __future__ import annotations

import uuid
from zoneinfo import ZoneInfo

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
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
from desktop_app.staff import queries as staff_queries
from ui.booking.appointment_frame import (
    add_buttons,
    appointment_dialog,
    appointment_line,
    error_text_of,
)
from ui.booking.booking_dialog import slot_text
from ui.booking.slot_picker import SlotPicker, SlotQuery
from ui.kit.ops import run_in_background


class RescheduleDialog(QDialog):
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
        super().__init__(parent)
        self.ctx = ctx
        self.actor = actor
        self.row = row
        self.tz = tz
        # One command identity per dialog, like booking: a retry moves once.
        self.command_id = uuid.uuid4()
        self.outcome: BookingResult | None = None
        self._busy = False
        self._names: dict[uuid.UUID, str] = {row.practitioner_id: row.practitioner_name}
        self.alternative_buttons: list[QPushButton] = []
        layout = appointment_dialog(
            self,
            "rescheduleDialog",
            f"Move {row.reference}",
            f"Move appointment {row.reference}",
            f"Now: {appointment_line(row, tz)}",
        )
        layout.setContentsMargins(24, 18, 24, 16)
        self.resize(860, 560)

        who = QHBoxLayout()
        who.addWidget(QLabel("With"))
        self.practitioner_combo = QComboBox()
        self.practitioner_combo.addItem(row.practitioner_name, row.practitioner_id)
        self.practitioner_combo.addItem("Anyone who offers it", None)
        self.practitioner_combo.currentIndexChanged.connect(self._configure)
        who.addWidget(self.practitioner_combo)
        who.addStretch(1)
        layout.addLayout(who)

        self.slots = SlotPicker(ctx, self)
        self.slots.slot_chosen.connect(lambda _: self._clear_message())
        layout.addWidget(self.slots, 1)

        self.message_box = QFrame()
        self.message_box.setObjectName("bookingMessage")
        box = QVBoxLayout(self.message_box)
        box.setContentsMargins(12, 8, 12, 8)
        self.error_label = QLabel()
        self.error_label.setObjectName("bookingMessageText")
        self.error_label.setWordWrap(True)
        box.addWidget(self.error_label)
        self.alternatives_row = QHBoxLayout()
        box.addLayout(self.alternatives_row)
        self.message_box.setVisible(False)
        layout.addWidget(self.message_box)

        self.move_button = add_buttons(layout, self, "Cancel", "Move appointment", danger=False)
        self.move_button.clicked.connect(self.submit)

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
        return self.slots.is_idle() and not self._busy

    def submit(self) -> None:
        slot = self.slots.chosen
        if self._busy:
            return
        if slot is None:
            self._show_message("Choose a new time: a date in the calendar, then a time.")
            return
        self._busy = True
        self.move_button.setEnabled(False)
        other = slot.practitioner_id != self.row.practitioner_id
        command = RescheduleAppointment(
            command_id=self.command_id,
            appointment_id=self.row.id,
            starts_at=slot.start,
            practitioner_id=slot.practitioner_id if other else None,
        )
        bus, actor = self.ctx.bus, self.actor
        run_in_background(self, lambda: bus.handle(command, actor), self._moved, self._failed)

    def _moved(self, result: BookingResult) -> None:
        self._busy = False
        self.outcome = result
        self.moved.emit(result)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self._busy = False
        self.move_button.setEnabled(True)
        if isinstance(exc, SlotTaken):
            self.slots.clear_choice()
            self._show_message("That slot was just taken. The next free times:")
            for slot in exc.alternatives:
                self._add_alternative(slot)
            self.alternatives_row.addStretch(1)
            self.slots.reload()
        else:
            self._show_message(error_text_of(exc))

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

    def _show_message(self, text: str) -> None:
        self._clear_message()
        self.error_label.setText(text)
        self.message_box.setVisible(True)

    def _clear_message(self) -> None:
        for button in self.alternative_buttons:
            button.deleteLater()
        self.alternative_buttons = []
        while self.alternatives_row.count():
            self.alternatives_row.takeAt(0)
        self.message_box.setVisible(False)
