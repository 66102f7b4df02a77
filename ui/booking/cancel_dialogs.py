"""Cancelling an appointment and marking a no-show, each saying beforehand what
the clinic's cancellation policy does with the credits it was paid with; a
manager may return them anyway, with a reason."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.booking import cancellation
from desktop_app.booking.cancellation import CancellationOutlook
from desktop_app.booking.commands import (
    CancelAppointment,
    MarkNoShow,
)
from desktop_app.booking.queries import AppointmentRow
from desktop_app.credits.results import CancelResult
from desktop_app.kernel.actor import Actor
from desktop_app.kernel.core import Core
from ui.booking.appointment_frame import (
    add_above_error,
    appointment_line,
    error_text_of,
    frame_appointment_dialog,
    is_manager,
)
from ui.kit.command_dialog import CommandDialog
from ui.kit.ops import run_in_background


class PolicyNote(QFrame):
    """What the cancellation policy does with the appointment's credits, and
    for a manager the way to return them anyway (with a reason)."""

    changed = Signal()

    def __init__(self, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.manager = is_manager(actor)
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

    def inputs(self) -> list[QWidget]:
        """What is held still while the command is in flight (the box stays
        disabled for anyone but a manager)."""
        return [self.reason, self.override] if self.manager else [self.reason]

    def _toggled(self, on: bool) -> None:
        self.reason.setVisible(on)
        if on:
            self.reason.setFocus()
        # Room for the reason field, rather than squeezing what is above it.
        self.window().adjustSize()
        self.changed.emit()


class CancelDialog(CommandDialog):
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
        super().__init__(
            ctx,
            actor,
            title=f"Cancel appointment {row.reference}",
            caption=appointment_line(row, tz),
            action="Cancel appointment",
            busy_text="Cancelling…",
            danger=True,
            parent=parent,
        )
        frame_appointment_dialog(self, "cancelDialog", f"Cancel {row.reference}", "Keep it")
        self.row = row
        self._loading = True
        self.outlook: CancellationOutlook | None = None
        self.outcome: CancelResult | None = None
        # Here "cancel" is what the dialog does: the action, not the way back.
        self.back_button = self.cancel_button
        self.cancel_button = self.ok_button
        add_above_error(self, QLabel("Reason (kept with the appointment)"))
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("Why is it cancelled?")
        self.reason.textChanged.connect(self.update_ready)
        add_above_error(self, self.reason)
        quick = QHBoxLayout()
        quick.setSpacing(6)
        for text in self.QUICK_REASONS:
            button = QPushButton(text)
            button.setObjectName("chipButton")
            button.setAutoDefault(False)
            button.clicked.connect(lambda _=False, t=text: self.reason.setText(t))
            quick.addWidget(button)
        quick.addStretch(1)
        add_above_error(self, quick)
        self.policy = PolicyNote(actor, self)
        self.policy.changed.connect(self.update_ready)
        add_above_error(self, self.policy)
        self.succeeded.connect(self._cancelled)
        self.update_ready()
        self.reason.setFocus()
        db, now = ctx.db, ctx.clock.now()
        run_in_background(
            self,
            lambda: cancellation.outlook(db, row.id, now),
            self._looked_up,
            self._lookup_failed,
        )

    def is_idle(self) -> bool:
        return not (self._loading or self.sending)

    def ready(self) -> bool:
        return bool(self.reason.text().strip()) and self.policy.ready()

    def inputs(self) -> list[QWidget]:
        return [self.reason, *self.policy.inputs()]

    def build_command(self) -> CancelAppointment:
        return CancelAppointment(
            appointment_id=self.row.id,
            reason=self.reason.text(),
            refund_override_reason=self.policy.override_reason(),
        )

    def _looked_up(self, outlook: CancellationOutlook) -> None:
        self._loading = False
        self.outlook = outlook
        self.policy.show_outlook(cancellation.describe_cancellation(outlook), outlook.late)
        self.adjustSize()

    def _lookup_failed(self, exc: BaseException) -> None:
        # The core applies the policy whatever this says; cancelling still works.
        self._loading = False
        self.policy.show_outlook(
            f"Could not read the appointment's credits ({error_text_of(exc)}); the clinic's "
            "cancellation policy still applies.",
            False,
            failed=True,
        )

    def _cancelled(self, result: CancelResult) -> None:
        self.outcome = result
        self.cancelled.emit(result)


class NoShowDialog(CommandDialog):
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
        super().__init__(
            ctx,
            actor,
            title=f"Mark {row.reference} as a no-show",
            caption=appointment_line(row, tz),
            action="Mark as a no-show",
            busy_text="Marking…",
            danger=True,
            parent=parent,
        )
        frame_appointment_dialog(self, "noShowDialog", f"No-show {row.reference}", "Back")
        self.row = row
        self.outlook = outlook
        self.mark_button = self.ok_button
        self.policy = PolicyNote(actor, self)
        self.policy.show_outlook(cancellation.describe_no_show(outlook), True)
        self.policy.changed.connect(self.update_ready)
        add_above_error(self, self.policy)
        self.succeeded.connect(self._marked)

    def is_idle(self) -> bool:
        return not self.sending

    def ready(self) -> bool:
        return self.policy.ready()

    def inputs(self) -> list[QWidget]:
        return self.policy.inputs()

    def build_command(self) -> MarkNoShow:
        return MarkNoShow(
            appointment_id=self.row.id, refund_override_reason=self.policy.override_reason()
        )

    def _marked(self, returned: int | None) -> None:
        returned = int(returned or 0)
        self.marked.emit(self.outlook.credits_held - returned, returned)
