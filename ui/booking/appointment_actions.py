"""The appointment life cycle from the desk: check in, start, complete, no-show,
cancel with a reason, move to another time.

Cancelling, and marking a no-show, say beforehand what the clinic's
cancellation policy does with the credits the appointment was paid with
(desktop_app.cancellation, the rule the core applies); a manager may return
them anyway, with a reason. Appointments paid at the desk say nothing about
credits.

The steps are the core's commands; what may follow what is the core's call.
Buttons are enabled for the moves the core's life-cycle table
(desktop_app.booking.lifecycle) allows from the appointment's status; a
keyboard shortcut always asks the core, so an illegal move gets the core's
own explanation rather than silence.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.availability.slot_engine import Slot
from desktop_app.booking import cancellation, lifecycle
from desktop_app.booking.cancellation import CancellationOutlook, credits_text
from desktop_app.booking.commands import (
    CancelAppointment,
    CheckInAppointment,
    CompleteAppointment,
    MarkNoShow,
    RescheduleAppointment,
    StartAppointment,
)
from desktop_app.booking.errors import SlotTaken
from desktop_app.booking.lifecycle import Action
from desktop_app.booking.queries import AppointmentRow
from desktop_app.booking.results import BookingResult
from desktop_app.clinic import queries as clinic_queries
from desktop_app.credits.commands import RefundAppointmentCredits
from desktop_app.credits.results import CancelResult
from desktop_app.kernel.actor import Actor
from desktop_app.kernel.commands import Command
from desktop_app.kernel.core import Core
from desktop_app.kernel.errors import ClinicdeskError
from desktop_app.staff import queries as staff_queries
from models.enums import AppointmentStatus, Role
from ui.booking.booking_dialog import slot_text
from ui.booking.slot_picker import SlotPicker, SlotQuery
from ui.kit.command_dialog import ReasonDialog, form_error_label, open_in_place
from ui.kit.formatting import time_range
from ui.kit.ops import run_in_background


@dataclass(frozen=True)
class Step:
    action: Action
    label: str
    shortcut: str
    make: Callable[[uuid.UUID], Command]
    done: str  # "Checked in" → "Checked in Amelia Hughes (RT0001)."

    @property
    def key(self) -> str:
        return self.action.value

    @property
    def allowed(self) -> frozenset[AppointmentStatus]:
        """Where the step makes sense: the core's life-cycle table."""
        return lifecycle.TRANSITIONS[self.action].sources


STEPS: tuple[Step, ...] = (
    Step(
        Action.CHECK_IN,
        "Check in",
        "C",
        lambda a: CheckInAppointment(appointment_id=a),
        "Checked in",
    ),
    Step(
        Action.START,
        "Start",
        "S",
        lambda a: StartAppointment(appointment_id=a),
        "Started the session of",
    ),
    Step(
        Action.COMPLETE,
        "Complete",
        "D",
        lambda a: CompleteAppointment(appointment_id=a),
        "Completed the session of",
    ),
    Step(
        Action.NO_SHOW,
        "No-show",
        "X",
        lambda a: MarkNoShow(appointment_id=a),
        "Marked as a no-show:",
    ),
)
STEP_BY_KEY = {s.key: s for s in STEPS}


def appointment_line(row: AppointmentRow, tz: ZoneInfo) -> str:
    start = row.starts_at.astimezone(tz)
    return (
        f"{row.client_name} · {row.service_name} with {row.practitioner_name} · "
        f"{start:%a} {start.day} {start:%b}, {time_range(row.starts_at, row.ends_at, tz)}"
    )


def _text(exc: BaseException) -> str:
    return str(exc) if isinstance(exc, ClinicdeskError) else f"Something went wrong: {exc}"


def _is_manager(actor: Actor) -> bool:
    return actor.is_system or Role.MANAGER in actor.roles


def _verb(n: int, one: str, many: str) -> str:
    return one if n == 1 else many


def cancelled_text(row: AppointmentRow, result: CancelResult) -> str:
    """The message bar's line after a cancellation, credits included."""
    text = f"Cancelled {row.client_name} ({row.reference})."
    if result.credits_returned:
        n = result.credits_returned
        back = f"{credits_text(n)} {_verb(n, 'was', 'were')} returned"
        text += f" Late cancellation: {back} by a manager." if result.late else f" {back}."
    elif result.credits_kept:
        n = result.credits_kept
        text += f" Late cancellation: the {credits_text(n)} {_verb(n, 'is', 'are')} kept."
    return text


def no_show_text(row: AppointmentRow, kept: int, returned: int) -> str:
    text = f"Marked as a no-show: {row.client_name} ({row.reference})."
    if returned:
        text += f" {credits_text(returned)} {_verb(returned, 'was', 'were')} returned by a manager."
    elif kept:
        text += f" The {credits_text(kept)} it used {_verb(kept, 'is', 'are')} kept."
    return text


def _appointment_dialog(
    dialog: QDialog, name: str, window_title: str, title: str, what: str
) -> QVBoxLayout:
    """The cancel and no-show dialogs' frame: a title and the appointment it is about."""
    dialog.setWindowTitle(window_title)
    dialog.setObjectName(name)
    dialog.setModal(True)
    dialog.setMinimumWidth(520)
    layout = QVBoxLayout(dialog)
    layout.setContentsMargins(22, 18, 22, 18)
    layout.setSpacing(10)
    heading = QLabel(title)
    heading.setObjectName("dialogTitle")
    layout.addWidget(heading)
    caption = QLabel(what)
    caption.setObjectName("dialogCaption")
    caption.setWordWrap(True)
    layout.addWidget(caption)
    return layout


def _add_buttons(
    layout: QVBoxLayout, dialog: QDialog, back: str, action: str, *, danger: bool = True
) -> QPushButton:
    """The way back (rejects) and the dialog's action, right-aligned; the caller
    connects the action."""
    buttons = QHBoxLayout()
    buttons.addStretch(1)
    back_button = QPushButton(back)
    back_button.setAutoDefault(False)
    back_button.clicked.connect(dialog.reject)
    action_button = QPushButton(action)
    action_button.setObjectName("dangerButton" if danger else "primaryButton")
    action_button.setDefault(True)
    buttons.addWidget(back_button)
    buttons.addWidget(action_button)
    layout.addLayout(buttons)
    return action_button


class AppointmentActions(QObject):
    """Runs life-cycle commands for one appointment and opens the cancel and
    move dialogs; reports the outcome as a line of text."""

    # (text, is_error)
    message = Signal(str, bool)

    def __init__(self, ctx: Core, actor: Actor, parent: QWidget) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.actor = actor
        self._parent = parent
        self.dialog: QDialog | None = None

    def run(self, step: Step, row: AppointmentRow) -> None:
        if step.action is Action.NO_SHOW:
            self._no_show(step, row)
            return
        self._send(step, row)

    def _send(self, step: Step, row: AppointmentRow) -> None:
        command = step.make(row.id)
        bus, actor = self.ctx.bus, self.actor
        done = f"{step.done} {row.client_name} ({row.reference})."
        run_in_background(
            self,
            lambda: bus.handle(command, actor),
            lambda _: self.message.emit(done, False),
            lambda exc: self.message.emit(_text(exc), True),
        )

    def may_return_credits(self, row: AppointmentRow) -> bool:
        """Whether to offer "Return credits…": a manager, after a late
        cancellation or a no-show kept them (the core says if none are held)."""
        return _is_manager(self.actor) and not lifecycle.took_place(row.status)

    def return_credits(self, row: AppointmentRow) -> ReasonDialog:
        appointment_id = row.id
        dialog = ReasonDialog(
            self.ctx,
            self.actor,
            lambda reason: RefundAppointmentCredits(appointment_id=appointment_id, reason=reason),
            title=f"Return credits of {row.reference}",
            caption=(
                f"{row.client_name} kept no credit back when this appointment was "
                f"{'cancelled late' if row.status is AppointmentStatus.CANCELLED else 'missed'}. "
                "Returning them writes a ledger entry with your reason."
            ),
            action="Return credits",
            parent=self._parent.window(),
        )

        def returned(n: object) -> None:
            count = n if isinstance(n, int) else 0
            self.message.emit(
                f"{credits_text(count).capitalize()} returned to {row.client_name} "
                f"({row.reference}).",
                False,
            )

        dialog.succeeded.connect(returned)
        self.dialog = open_in_place(self.dialog, dialog)
        return dialog

    def _no_show(self, step: Step, row: AppointmentRow) -> None:
        """A no-show paid with credits asks first, saying they are kept;
        one paid at the desk is marked at once, as before."""
        db, now = self.ctx.db, self.ctx.clock.now()

        def look_up() -> tuple[CancellationOutlook, ZoneInfo]:
            tz = ZoneInfo(clinic_queries.clinic_settings(db).timezone)
            return cancellation.outlook(db, row.id, now), tz

        def looked_up(found: tuple[CancellationOutlook, ZoneInfo]) -> None:
            outlook, tz = found
            if not outlook.credits_held:
                self._send(step, row)
                return
            dialog = NoShowDialog(self.ctx, self.actor, row, outlook, tz, self._parent.window())
            dialog.marked.connect(
                lambda kept, returned: self.message.emit(no_show_text(row, kept, returned), False)
            )
            self.dialog = dialog
            dialog.open()

        run_in_background(self, look_up, looked_up, lambda exc: self.message.emit(_text(exc), True))

    def cancel(self, row: AppointmentRow, tz: ZoneInfo) -> CancelDialog:
        dialog = CancelDialog(self.ctx, self.actor, row, tz, self._parent.window())
        dialog.cancelled.connect(
            lambda result: self.message.emit(cancelled_text(row, result), False)
        )
        self.dialog = dialog
        dialog.open()
        return dialog

    def reschedule(self, row: AppointmentRow, tz: ZoneInfo) -> RescheduleDialog:
        dialog = RescheduleDialog(self.ctx, self.actor, row, tz, self._parent.window())
        dialog.moved.connect(
            lambda result: self.message.emit(
                f"Moved {row.client_name} ({row.reference}) to "
                f"{result.starts_at.astimezone(tz):%a %d %b %H:%M}.",
                False,
            )
        )
        self.dialog = dialog
        dialog.open()
        return dialog


class PolicyNote(QFrame):
    """What the cancellation policy does with the appointment's credits, and
    for a manager the way to return them anyway (with a reason)."""

    changed = Signal()

    def __init__(self, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.manager = _is_manager(actor)
        self.setObjectName("scheduleBanner")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.setSpacing(6)
        self.label = QLabel()
        self.label.setWordWrap(True)
        layout.addWidget(self.label)
        self.override = QCheckBox(
            "Return the credits anyway"
            if self.manager
            else "Return the credits anyway (a manager can)"
        )
        self.override.setEnabled(self.manager)
        self.override.toggled.connect(self._toggled)
        layout.addWidget(self.override)
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("Why they come back (kept with the client's ledger)")
        self.reason.setAccessibleName("Reason for returning the credits")
        self.reason.textChanged.connect(self.changed)
        self.reason.setVisible(False)
        layout.addWidget(self.reason)
        self.setVisible(False)

    def show_outlook(self, text: str, kept: bool, *, failed: bool = False) -> None:
        """`text` empty: no credits at stake, nothing shown."""
        self.label.setText(text)
        self.setProperty("kind", "error" if failed else "warning" if kept else "success")
        self.style().unpolish(self)
        self.style().polish(self)
        self.override.setVisible(kept)
        self.setVisible(bool(text))

    def override_reason(self) -> str | None:
        """The manager's reason when they return the credits, else None."""
        if not (self.isVisible() and self.override.isVisible() and self.override.isChecked()):
            return None
        return self.reason.text().strip() or None

    def ready(self) -> bool:
        """False while returning is ticked without a reason."""
        checked = self.isVisible() and self.override.isVisible() and self.override.isChecked()
        return not checked or bool(self.reason.text().strip())

    def _toggled(self, on: bool) -> None:
        self.reason.setVisible(on)
        if on:
            self.reason.setFocus()
        # Room for the reason field, rather than squeezing what is above it.
        self.window().adjustSize()
        self.changed.emit()


class CancelDialog(QDialog):
    """Cancel one appointment; a reason is required (it is kept with the record)."""

    cancelled = Signal(object)  # CancelResult
    QUICK_REASONS = ("Client cancelled", "Client unwell", "Practitioner unavailable")

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
        self._busy = False
        self._loading = True
        self.outlook: CancellationOutlook | None = None
        self.outcome: CancelResult | None = None
        layout = _appointment_dialog(
            self,
            "cancelDialog",
            f"Cancel {row.reference}",
            f"Cancel appointment {row.reference}",
            appointment_line(row, tz),
        )
        layout.addWidget(QLabel("Reason (kept with the appointment)"))
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("Why is it cancelled?")
        self.reason.textChanged.connect(self._changed)
        layout.addWidget(self.reason)
        quick = QHBoxLayout()
        quick.setSpacing(6)
        for text in self.QUICK_REASONS:
            button = QPushButton(text)
            button.setObjectName("chipButton")
            button.setAutoDefault(False)
            button.clicked.connect(lambda _=False, t=text: self.reason.setText(t))
            quick.addWidget(button)
        quick.addStretch(1)
        layout.addLayout(quick)
        self.policy = PolicyNote(actor, self)
        self.policy.changed.connect(lambda: self._changed(self.reason.text()))
        layout.addWidget(self.policy)
        self.error_label = form_error_label()
        layout.addWidget(self.error_label)
        self.cancel_button = _add_buttons(layout, self, "Keep it", "Cancel appointment")
        self.cancel_button.clicked.connect(self.submit)
        self.cancel_button.setEnabled(False)
        self.reason.setFocus()
        db, now = ctx.db, ctx.clock.now()
        run_in_background(
            self,
            lambda: cancellation.outlook(db, row.id, now),
            self._looked_up,
            self._lookup_failed,
        )

    def is_idle(self) -> bool:
        return not (self._loading or self._busy)

    def _looked_up(self, outlook: CancellationOutlook) -> None:
        self._loading = False
        self.outlook = outlook
        self.policy.show_outlook(cancellation.describe_cancellation(outlook), outlook.late)
        self.adjustSize()

    def _lookup_failed(self, exc: BaseException) -> None:
        # The core applies the policy whatever this says; cancelling still works.
        self._loading = False
        self.policy.show_outlook(
            f"Could not read the appointment's credits ({_text(exc)}); the clinic's "
            "cancellation policy still applies.",
            False,
            failed=True,
        )

    def _changed(self, text: str) -> None:
        self.cancel_button.setEnabled(bool(text.strip()) and self.policy.ready() and not self._busy)

    def submit(self) -> None:
        if self._busy or not self.reason.text().strip() or not self.policy.ready():
            return
        self._busy = True
        self.cancel_button.setEnabled(False)
        command = CancelAppointment(
            appointment_id=self.row.id,
            reason=self.reason.text(),
            refund_override_reason=self.policy.override_reason(),
        )
        bus, actor = self.ctx.bus, self.actor
        run_in_background(self, lambda: bus.handle(command, actor), self._done, self._failed)

    def _done(self, result: CancelResult) -> None:
        self._busy = False
        self.outcome = result
        self.cancelled.emit(result)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self._busy = False
        self.error_label.setText(_text(exc))
        self.error_label.setVisible(True)
        self._changed(self.reason.text())


class NoShowDialog(QDialog):
    """Mark a no-show for an appointment paid with credits: they are kept,
    as for a late cancellation, unless a manager returns them with a reason."""

    # (credits kept, credits returned)
    marked = Signal(int, int)

    def __init__(
        self,
        ctx: Core,
        actor: Actor,
        row: AppointmentRow,
        outlook: CancellationOutlook,
        tz: ZoneInfo,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.actor = actor
        self.row = row
        self.outlook = outlook
        self._busy = False
        layout = _appointment_dialog(
            self,
            "noShowDialog",
            f"No-show {row.reference}",
            f"Mark {row.reference} as a no-show",
            appointment_line(row, tz),
        )
        self.policy = PolicyNote(actor, self)
        self.policy.show_outlook(cancellation.describe_no_show(outlook), True)
        self.policy.changed.connect(self._changed)
        layout.addWidget(self.policy)
        self.error_label = form_error_label()
        layout.addWidget(self.error_label)
        self.mark_button = _add_buttons(layout, self, "Back", "Mark as a no-show")
        self.mark_button.clicked.connect(self.submit)

    def is_idle(self) -> bool:
        return not self._busy

    def _changed(self) -> None:
        self.mark_button.setEnabled(self.policy.ready() and not self._busy)

    def submit(self) -> None:
        if self._busy or not self.policy.ready():
            return
        self._busy = True
        self.mark_button.setEnabled(False)
        appointment_id, reason = self.row.id, self.policy.override_reason()
        bus, actor = self.ctx.bus, self.actor

        def mark() -> int:
            command = MarkNoShow(appointment_id=appointment_id, refund_override_reason=reason)
            return int(bus.handle(command, actor) or 0)

        run_in_background(self, mark, self._done, self._failed)

    def _done(self, returned: int) -> None:
        self._busy = False
        self.marked.emit(self.outlook.credits_held - returned, returned)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self._busy = False
        self.error_label.setText(_text(exc))
        self.error_label.setVisible(True)
        self._changed()


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
        layout = _appointment_dialog(
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

        self.move_button = _add_buttons(layout, self, "Cancel", "Move appointment", danger=False)
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
            self._show_message(_text(exc))

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


def enabled_steps(status: AppointmentStatus) -> dict[str, bool]:
    """Which buttons to offer for an appointment in `status` (the core's table)."""
    return lifecycle.enabled(status)
