"""What the appointment dialogs share: the line that names the appointment,
their look on the command dialog, and how an error reads."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from PySide6.QtWidgets import QLayout, QWidget

from desktop_app.booking.queries import AppointmentRow
from desktop_app.kernel.actor import Actor
from desktop_app.kernel.errors import ClinicdeskError
from models.enums import Role
from ui.kit.command_dialog import CommandDialog
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


def frame_appointment_dialog(
    dialog: CommandDialog, name: str, window_title: str, back: str
) -> None:
    """The appointment dialogs' look on the command dialog: named, a little
    wider and tighter, and `back` as the way out (it rejects)."""
    dialog.setObjectName(name)
    dialog.setWindowTitle(window_title)
    dialog.setModal(True)
    dialog.setMinimumWidth(520)
    dialog.layout_.setContentsMargins(22, 18, 22, 18)
    dialog.layout_.setSpacing(10)
    dialog.cancel_button.setText(back)


def add_above_error(dialog: CommandDialog, item: QWidget | QLayout, stretch: int = 0) -> None:
    """Add `item` under what is there already, above the error line and buttons."""
    at = dialog.layout_.indexOf(dialog.error_label)
    if isinstance(item, QWidget):
        dialog.layout_.insertWidget(at, item, stretch)
    else:
        dialog.layout_.insertLayout(at, item, stretch)
