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
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QDialog, QMenu, QWidget

from desktop_app.booking import cancellation, lifecycle
from desktop_app.booking.cancellation import CancellationOutlook, credits_text
from desktop_app.booking.commands import (
    CheckInAppointment,
    CompleteAppointment,
    MarkNoShow,
    StartAppointment,
)
from desktop_app.booking.lifecycle import Action
from desktop_app.booking.queries import AppointmentRow
from desktop_app.clinic import queries as clinic_queries
from desktop_app.credits.commands import RefundAppointmentCredits
from desktop_app.credits.results import CancelResult
from desktop_app.kernel.actor import Actor
from desktop_app.kernel.commands import Command
from desktop_app.kernel.core import Core
from models.enums import AppointmentStatus
from ui.booking.appointment_frame import (
    error_text_of,
    is_manager,
)
from ui.booking.cancel_dialogs import CancelDialog, NoShowDialog
from ui.booking.reschedule_dialog import RescheduleDialog
from ui.kit.command_dialog import ReasonDialog, open_in_place
from ui.kit.ops import run_in_background

# The dialogs the actions open, for callers that look at them.
__all__ = [
    "STEPS",
    "STEP_BY_KEY",
    "AppointmentActions",
    "CancelDialog",
    "NoShowDialog",
    "RescheduleDialog",
    "Step",
    "cancelled_text",
    "enabled_steps",
    "no_show_text",
]


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
            lambda exc: self.message.emit(error_text_of(exc), True),
        )

    def menu(self, row: AppointmentRow, tz: ZoneInfo, parent: QWidget) -> QMenu:
        """The appointment's menu: each step enabled as the life-cycle table says."""
        menu = QMenu(parent)
        enabled = enabled_steps(row.status)
        for step in STEPS:
            action = menu.addAction(step.label)
            action.setShortcut(QKeySequence(step.shortcut))
            action.setEnabled(enabled[step.key])
            action.triggered.connect(lambda _=False, s=step: self.run(s, row))
        menu.addSeparator()
        cancel = menu.addAction("Cancel…")
        cancel.setShortcut(QKeySequence("Del"))
        cancel.setEnabled(enabled[Action.CANCEL])
        cancel.triggered.connect(lambda: self.cancel(row, tz))
        move = menu.addAction("Move to another time…")
        move.setShortcut(QKeySequence("R"))
        move.setEnabled(enabled[Action.RESCHEDULE])
        move.triggered.connect(lambda: self.reschedule(row, tz))
        if self.may_return_credits(row):
            menu.addSeparator()
            give_back = menu.addAction("Return credits…")
            give_back.triggered.connect(lambda: self.return_credits(row))
        return menu

    def may_return_credits(self, row: AppointmentRow) -> bool:
        """Whether to offer "Return credits…": a manager, after a late
        cancellation or a no-show kept them (the core says if none are held)."""
        return is_manager(self.actor) and not lifecycle.took_place(row.status)

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

        run_in_background(
            self, look_up, looked_up, lambda exc: self.message.emit(error_text_of(exc), True)
        )

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


def enabled_steps(status: AppointmentStatus) -> dict[str, bool]:
    """Which buttons to offer for an appointment in `status` (the core's table)."""
    return lifecycle.enabled(status)
