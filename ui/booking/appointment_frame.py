"""What the appointment dialogs share: the line that names the appointment,
their frame (a title and that line), their buttons, and how an error reads."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
)

from desktop_app.booking.queries import AppointmentRow
from desktop_app.kernel.actor import Actor
from desktop_app.kernel.errors import ClinicdeskError
from models.enums import Role
from ui.kit.formatting import time_range


def appointment_line(row: AppointmentRow, tz: ZoneInfo) -> str:
    start = row.starts_at.astimezone(tz)
    return (
        f"{row.client_name} · {row.service_name} with {row.practitioner_name} · "
        f"{start:%a} {start.day} {start:%b}, {time_range(row.starts_at, row.ends_at, tz)}"
    )


def error_text_of(exc: BaseException) -> str:
    return str(exc) if isinstance(exc, ClinicdeskError) else f"Something went wrong: {exc}"


def is_manager(actor: Actor) -> bool:
    return actor.is_system or Role.MANAGER in actor.roles


def appointment_dialog(
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


def add_buttons(
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
