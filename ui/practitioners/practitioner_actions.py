"""A manager's decisions on a practitioner: approve, reject, suspend, reinstate.

Each asks for its reason in a dialog that stays open on an error. Suspending
returns the practitioner's future appointments; they are listed for the desk
at once (time, client, service, reference), so none is silently orphaned.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import shiboken6
from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from desktop_app.booking import queries as booking_queries
from desktop_app.booking.queries import AppointmentRow
from desktop_app.infra.database import Database
from desktop_app.kernel.actor import Actor
from desktop_app.kernel.commands import Command
from desktop_app.kernel.core import Core
from desktop_app.staff.commands import (
    ApprovePractitioner,
    ReinstatePractitioner,
    RejectPractitioner,
    SuspendPractitioner,
)
from desktop_app.staff.practitioner_queries import PractitionerProfile
from ui.kit.command_dialog import ReasonDialog, error_text
from ui.kit.ops import run_in_background
from ui.kit.widgets import fit_columns, sorting_proxy, table_view
from ui.practitioners.upcoming_model import UpcomingAppointmentsModel

# Far enough to catch any booking: the booking horizon is at most a few months.
LOOK_AHEAD = timedelta(days=3 * 366)


def future_appointments(
    db: Database, practitioner_id: uuid.UUID, ids: list[uuid.UUID], now: datetime
) -> list[AppointmentRow]:
    """The rows of the appointments the suspension returned, in time order."""
    wanted = set(ids)
    if not wanted:
        return []
    # A day's margin: the core's "now" and this one differ by the command's duration.
    rows = booking_queries.appointments_between(
        db, now - timedelta(days=1), now + LOOK_AHEAD, [practitioner_id]
    )
    return [r for r in rows if r.id in wanted]


_COMMANDS: dict[str, type[ApprovePractitioner | RejectPractitioner | SuspendPractitioner]] = {
    "approve": ApprovePractitioner,
    "reject": RejectPractitioner,
    "suspend": SuspendPractitioner,
}


def _maker(key: str, practitioner_id: uuid.UUID) -> Callable[[str], Command]:
    if key == "reinstate":
        return lambda reason: ReinstatePractitioner(practitioner_id=practitioner_id, reason=reason)
    kind = _COMMANDS[key]
    return lambda reason: kind(practitioner_id=practitioner_id, reason=reason)


def decision_dialog(
    ctx: Core, actor: Actor, profile: PractitionerProfile, key: str, parent: QWidget
) -> ReasonDialog:
    name = profile.name
    texts: dict[str, dict[str, str]] = {
        "approve": {
            "title": f"Approve {name}",
            "caption": (
                f"{name} will be able to log in as a practitioner and be booked once they "
                "have weekly hours and services. They are told by e-mail."
            ),
            "action": "Approve",
            "placeholder": "e.g. licence and references checked (optional)",
        },
        "reject": {
            "title": f"Reject {name}'s application",
            "caption": "The reason is kept with the decision and sent to the applicant.",
            "action": "Reject application",
            "placeholder": "",
        },
        "suspend": {
            "title": f"Suspend {name}",
            "caption": (
                f"{name} can no longer log in as a practitioner or be booked. Their future "
                "appointments are listed next, for the desk to move or cancel; the desk is "
                "notified too."
            ),
            "action": "Suspend",
            "placeholder": "e.g. licence expired",
        },
        "reinstate": {
            "title": f"Reinstate {name}",
            "caption": f"{name} can log in as a practitioner and be booked again.",
            "action": "Reinstate",
            "placeholder": "e.g. licence renewed",
        },
    }
    if key not in texts:
        raise ValueError(f"unknown decision {key!r}")
    text = texts[key]
    dialog = ReasonDialog(
        ctx,
        actor,
        _maker(key, profile.id),
        title=text["title"],
        caption=text["caption"],
        action=text["action"],
        # Approving needs no reason; turning someone away or back always does.
        required=key != "approve",
        danger=key in ("reject", "suspend"),
        placeholder=text["placeholder"],
        parent=parent,
    )
    dialog.setObjectName(f"{key}Dialog")
    return dialog


class DecisionFlow(QObject):
    """Runs one decision: the reason dialog, then, for a suspension, the list."""

    finished = Signal()
    appointments_shown = Signal(object)  # FutureAppointmentsDialog

    def __init__(
        self,
        ctx: Core,
        actor: Actor,
        profile: PractitionerProfile,
        key: str,
        tz: ZoneInfo,
        parent: QWidget,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.profile = profile
        self.tz = tz
        self.key = key
        self._parent = parent
        self.dialog = decision_dialog(ctx, actor, profile, key, parent)
        self.future: FutureAppointmentsDialog | None = None
        self.dialog.succeeded.connect(self._decided)
        self.dialog.rejected.connect(self.finished.emit)

    def dispose(self) -> None:
        """Delete this decision's dialogs once they are closed (a new decision begins)."""
        for dialog in (self.dialog, self.future):
            if dialog is not None and shiboken6.isValid(dialog) and not dialog.isVisible():
                dialog.deleteLater()
        self.deleteLater()

    def start(self) -> ReasonDialog:
        self.dialog.open()
        return self.dialog

    def _decided(self, result: object) -> None:
        if self.key != "suspend":
            self.finished.emit()
            return
        ids = [i for i in result if isinstance(i, uuid.UUID)] if isinstance(result, list) else []
        db, pid, now = self.ctx.db, self.profile.id, self.ctx.clock.now()
        run_in_background(
            self._parent,
            lambda: future_appointments(db, pid, ids, now),
            self._show_list,
            lambda exc: self._show_list_failed(len(ids), exc),
        )

    def _show_list(self, rows: list[AppointmentRow]) -> None:
        dialog = FutureAppointmentsDialog(self.profile.name, rows, self.tz, self._parent)
        self.future = dialog
        dialog.finished.connect(lambda _code: self.finished.emit())
        dialog.open()
        self.appointments_shown.emit(dialog)

    def _show_list_failed(self, count: int, exc: BaseException) -> None:
        dialog = FutureAppointmentsDialog(self.profile.name, [], self.tz, self._parent)
        self.future = dialog
        dialog.summary.setText(
            f"{self.profile.name} is suspended. {count} future appointment(s) need moving or "
            f"cancelling, but the list could not be loaded: {error_text(exc)} The desk has "
            "been notified with their references."
        )
        dialog.finished.connect(lambda _code: self.finished.emit())
        dialog.open()
        self.appointments_shown.emit(dialog)


class FutureAppointmentsDialog(QDialog):
    """What the suspension left for the desk to handle."""

    def __init__(
        self, name: str, rows: list[AppointmentRow], tz: ZoneInfo, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("futureAppointmentsDialog")
        self.rows = rows
        self.tz = tz
        self.setWindowTitle("Appointments to move or cancel")
        self.resize(760, 420 if rows else 220)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(22, 18, 22, 16)
        layout.setSpacing(10)
        title = QLabel(f"{name} is suspended")
        title.setObjectName("dialogTitle")
        layout.addWidget(title)
        self.summary = QLabel()
        self.summary.setObjectName("dialogCaption")
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.model = UpcomingAppointmentsModel(self, tz)
        self.model.set_rows(rows)
        self.proxy = sorting_proxy(self.model, self)
        self.table = table_view(
            self.proxy,
            sort_column=UpcomingAppointmentsModel.COL_WHEN,
            stretch_column=UpcomingAppointmentsModel.COL_CLIENT,
        )
        if rows:
            n = len(rows)
            self.summary.setText(
                f"{n} future appointment{'s' if n != 1 else ''} with {name} need"
                f"{'s' if n == 1 else ''} moving to another practitioner or cancelling. Nothing "
                "has been changed yet; the front desk has been notified with these references."
            )
            layout.addWidget(self.table, 1)
            fit_columns(self.table)
        else:
            self.summary.setText(f"{name} had no future appointments: nothing needs moving.")
            self.table.setVisible(False)
        buttons = QHBoxLayout()
        self.copy_button = QPushButton("Copy list")
        self.copy_button.setToolTip("Copy the list as text, to paste into a note or an e-mail")
        self.copy_button.clicked.connect(self.copy_list)
        self.copy_button.setVisible(bool(rows))
        close = QPushButton("Close")
        close.setObjectName("primaryButton")
        close.setDefault(True)
        close.clicked.connect(self.accept)
        buttons.addWidget(self.copy_button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout.addLayout(buttons)

    def as_text(self) -> str:
        lines = []
        for r in range(self.proxy.rowCount()):
            cells = [
                str(self.proxy.index(r, c).data(Qt.ItemDataRole.DisplayRole))
                for c in range(self.proxy.columnCount())
            ]
            lines.append("\t".join(cells))
        return "\n".join(lines)

    def copy_list(self) -> None:
        QGuiApplication.clipboard().setText(self.as_text())
        self.copy_button.setText("Copied")
