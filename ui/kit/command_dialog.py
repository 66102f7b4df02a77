"""Dialogs that send one command and stay open on an error.

`CommandDialog` is the shape shared by the account, password and decision
dialogs: a title, a caption, a form, an error line, Cancel and a primary
button. The command runs off the GUI thread; on success the dialog accepts
with the command's result in `result_value`; on an error it stays open with
everything typed still there and the core's message shown (DESIGN §7).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import shiboken6
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.kernel.actor import Actor
from desktop_app.kernel.commands import Command
from desktop_app.kernel.core import Core
from desktop_app.kernel.errors import ClinicdeskError
from ui.kit.ops import run_in_background

D = TypeVar("D", bound=QDialog)


def open_in_place(previous: QWidget | None, dialog: D, *, modal: bool = True) -> D:
    """Open `dialog` where `previous` was; the closed previous one is deleted.

    A page keeps its last dialog (tests and callers look at it) but not one per use.
    """
    if (
        previous is not None
        and previous is not dialog
        and shiboken6.isValid(previous)
        and not previous.isVisible()
    ):
        previous.deleteLater()
    if modal:
        dialog.open()
    else:
        dialog.show()
    return dialog


def error_text(exc: BaseException) -> str:
    """The core's own words for its errors; something actionable for the rest."""
    if isinstance(exc, ClinicdeskError):
        return str(exc)
    return f"Something went wrong: {exc}. Nothing was saved; please try again."


def set_invalid(widget: QWidget, invalid: bool) -> None:
    """Mark a field red through the style sheet (property `invalid`)."""
    if widget.property("invalid") != invalid:
        widget.setProperty("invalid", invalid)
        widget.style().unpolish(widget)
        widget.style().polish(widget)


def form_error_label() -> QLabel:
    label = QLabel()
    label.setObjectName("formError")
    label.setWordWrap(True)
    label.setVisible(False)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def field_error_label() -> QLabel:
    label = QLabel()
    label.setObjectName("fieldError")
    label.setWordWrap(True)
    label.setVisible(False)
    return label


def section_title(text: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName("sectionTitle")
    return label


class CommandDialog(QDialog):
    """Build a command from the form, send it, close on success."""

    succeeded = Signal(object)

    def __init__(
        self,
        ctx: Core,
        actor: Actor,
        *,
        title: str,
        caption: str = "",
        action: str = "Save",
        busy_text: str = "Saving…",
        danger: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.actor = actor
        self.result_value: Any = None
        self.sending = False
        self._action = action
        self._busy_text = busy_text
        self.setObjectName("commandDialog")
        self.setProperty("clinicForm", True)
        self.setWindowTitle(title)
        self.setMinimumWidth(460)

        self.layout_ = QVBoxLayout(self)
        self.layout_.setContentsMargins(24, 20, 24, 18)
        self.layout_.setSpacing(12)
        self.title_label = QLabel(title)
        self.title_label.setObjectName("dialogTitle")
        self.layout_.addWidget(self.title_label)
        self.caption_label = QLabel(caption)
        self.caption_label.setObjectName("dialogCaption")
        self.caption_label.setWordWrap(True)
        self.caption_label.setVisible(bool(caption))
        self.layout_.addWidget(self.caption_label)

        self.form = QFormLayout()
        self.form.setHorizontalSpacing(16)
        self.form.setVerticalSpacing(9)
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.layout_.addLayout(self.form)

        self.error_label = form_error_label()
        self.layout_.addWidget(self.error_label)

        # Cancel and the primary button; a dialog may add its own before them.
        self.button_row = buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setAutoDefault(False)
        self.cancel_button.clicked.connect(self.reject)
        self.ok_button = QPushButton(action)
        self.ok_button.setObjectName("dangerButton" if danger else "primaryButton")
        self.ok_button.setDefault(True)
        self.ok_button.clicked.connect(self.submit)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.ok_button)
        self.layout_.addLayout(buttons)

    # --- to override -----------------------------------------------------

    def build_command(self) -> Command:
        """The command from what is typed; raise ClinicdeskError for a local mistake."""
        raise NotImplementedError

    def inputs(self) -> list[QWidget]:
        """The fields made read-only while the command is in flight."""
        return []

    def show_failure(self, exc: BaseException) -> None:
        """Say why the command failed; the dialog stays open as it was."""
        self.show_error(error_text(exc))

    def ready(self) -> bool:
        """False keeps the primary button disabled (e.g. until a required field
        is filled); call `update_ready` when what it depends on changes."""
        return True

    def update_ready(self) -> None:
        self.ok_button.setEnabled(not self.sending and self.ready())

    # --- sending ---------------------------------------------------------

    def show_error(self, message: str) -> None:
        self.error_label.setText(message)
        self.error_label.setVisible(bool(message))
        if message and self.isVisible():
            # A window's minimum size ignores that a word-wrapped caption needs
            # more height at its width; grow, or the fields get squeezed together.
            needed = self.heightForWidth(self.width())
            if needed > self.height():
                self.resize(self.width(), needed)

    def submit(self) -> None:
        if self.sending or not self.ready():
            return
        try:
            command = self.build_command()
        except ClinicdeskError as exc:
            self.show_error(str(exc))
            return
        self.show_error("")
        self.send(lambda: self.ctx.bus.handle(command, self.actor))

    def send(self, fn: Callable[[], Any]) -> None:
        self._set_busy(True)
        run_in_background(self, fn, self._done, self._failed)

    def _set_busy(self, busy: bool) -> None:
        self.sending = busy
        self.update_ready()
        self.ok_button.setText(self._busy_text if busy else self._action)
        for widget in self.inputs():
            # Read-only rather than disabled: the text stays legible and selectable.
            if isinstance(widget, QLineEdit | QPlainTextEdit):
                widget.setReadOnly(busy)
            else:
                widget.setEnabled(not busy)

    def _done(self, result: object) -> None:
        self._set_busy(False)
        self.result_value = result
        self.succeeded.emit(result)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        self.show_failure(exc)

    def reject(self) -> None:
        # A command in flight finishes anyway; closing now would hide its outcome.
        if not self.sending:
            super().reject()


class ReasonDialog(CommandDialog):
    """Ask why (deactivate, reject, suspend, reinstate) and send the command."""

    def __init__(
        self,
        ctx: Core,
        actor: Actor,
        make: Callable[[str], Command],
        *,
        title: str,
        caption: str,
        action: str,
        required: bool = True,
        danger: bool = False,
        placeholder: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(
            ctx, actor, title=title, caption=caption, action=action, danger=danger, parent=parent
        )
        self._make = make
        self._required = required
        self.reason = QPlainTextEdit()
        self.reason.setObjectName("reasonField")
        self.reason.setPlaceholderText(
            placeholder or ("Why? (required)" if required else "A note (optional)")
        )
        self.reason.setTabChangesFocus(True)
        self.reason.setFixedHeight(90)
        self.form.addRow("Reason" if required else "Note", self.reason)
        self.reason.setFocus()

    def build_command(self) -> Command:
        text = self.reason.toPlainText().strip()
        if self._required and not text:
            # The core refuses it too; saying so here spares a round trip.
            self.reason.setFocus()
            raise _LocalError("Give a reason: it is kept with the decision.")
        return self._make(text)

    def inputs(self) -> list[QWidget]:
        return [self.reason]


class _LocalError(ClinicdeskError):
    pass
