"""The shape shared by the settings tabs: fields that remember what was loaded.

A `SettingsForm` holds named fields, each read and written as a plain value
(the text typed, a number, a choice). It knows which fields differ from what
was last loaded, so a reload (another workstation saved, or this one) updates
only the fields nobody is editing: nothing typed is lost (DESIGN §7). Saving
runs a command off the GUI thread; a refusal leaves every field as typed and
says why, next to the field when it is about one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QIntValidator
from PySide6.QtWidgets import (
    QBoxLayout,
    QFormLayout,
    QFrame,
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
from ui.kit.command_dialog import error_text, field_error_label, form_error_label, set_invalid
from ui.kit.ops import run_in_background


@dataclass
class Field:
    widget: QWidget
    get: Callable[[], Any]
    set: Callable[[Any], None]
    error: QLabel


def number_edit(maximum: int = 99_999) -> QLineEdit:
    """A short field for a whole number; the range is the core's to check and explain."""
    edit = QLineEdit()
    edit.setValidator(QIntValidator(0, maximum, edit))
    edit.setFixedWidth(90)
    edit.setAlignment(Qt.AlignmentFlag.AlignRight)
    return edit


def with_unit(edit: QWidget, unit: str) -> QWidget:
    box = QWidget()
    row = QHBoxLayout(box)
    row.setContentsMargins(0, 0, 0, 0)
    row.setSpacing(8)
    row.addWidget(edit)
    label = QLabel(unit)
    label.setObjectName("cardCaption")
    row.addWidget(label)
    row.addStretch(1)
    return box


def whole_number(text: str) -> Any:
    """The number typed, or the text itself for the core to refuse with its message."""
    stripped = text.strip()
    return int(stripped) if stripped.isdigit() else stripped


def refusal_text(exc: BaseException) -> str:
    """Why a save failed, and that nothing of it was kept."""
    if isinstance(exc, ClinicdeskError):
        return f"{exc} Nothing was saved."
    # error_text already says so.
    return error_text(exc)


def form_card() -> tuple[QFrame, QFormLayout]:
    card = QFrame()
    card.setObjectName("formCard")
    form = QFormLayout(card)
    form.setContentsMargins(24, 18, 24, 18)
    form.setHorizontalSpacing(20)
    form.setVerticalSpacing(10)
    form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
    return card, form


class SettingsForm(QWidget):
    """Named fields, Save and Discard; subclasses build the command."""

    # Whether anything differs from what was loaded (for the tab's title).
    dirty_changed = Signal(bool)
    # A short confirmation for the page's banner after a save.
    saved = Signal(str)

    def __init__(self, ctx: Core, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.actor = actor
        self.setProperty("clinicForm", True)
        self.fields: dict[str, Field] = {}
        self.loaded: dict[str, Any] = {}
        self.sending = False
        self._dirty = False

        self.layout_ = QVBoxLayout(self)
        self.layout_.setContentsMargins(0, 14, 0, 0)
        self.layout_.setSpacing(12)
        # The form's cards, side by side when they fit (see fit_width).
        self.columns = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        self.columns.setSpacing(16)

        self.error_label = form_error_label()
        self.save_button = QPushButton("Save")
        self.save_button.setObjectName("primaryButton")
        self.save_button.clicked.connect(self.save)
        self.discard_button = QPushButton("Discard changes")
        self.discard_button.clicked.connect(self.discard)
        self.buttons = QHBoxLayout()
        self.buttons.addStretch(1)
        self.buttons.addWidget(self.discard_button)
        self.buttons.addWidget(self.save_button)
        self._update_buttons()

    # --- building --------------------------------------------------------

    def add_field(
        self,
        form: QFormLayout,
        key: str,
        caption: str,
        widget: QWidget,
        get: Callable[[], Any],
        set_: Callable[[Any], None],
        *,
        shown: QWidget | None = None,
        hint: str = "",
    ) -> Field:
        """A row with the field (or `shown`, a box holding it), a hint and an error line."""
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(3)
        column.addWidget(shown or widget)
        if hint:
            note = QLabel(hint)
            note.setObjectName("cardCaption")
            note.setWordWrap(True)
            column.addWidget(note)
        error = field_error_label()
        column.addWidget(error)
        form.addRow(caption, box)
        field = Field(widget, get, set_, error)
        self.fields[key] = field
        return field

    def finish(self) -> None:
        """Put the columns, the error line and the buttons under what the subclass added."""
        self.layout_.addLayout(self.columns)
        self.layout_.addWidget(self.error_label)
        self.layout_.addLayout(self.buttons)
        self.layout_.addStretch(1)

    def fit_width(self, width: int) -> bool:
        """Cards side by side when they fit in `width`, else one under the other.

        True when that changed the arrangement."""
        before = self.columns.direction()
        self.columns.setDirection(QBoxLayout.Direction.LeftToRight)
        if self.columns.minimumSize().width() > width:
            self.columns.setDirection(QBoxLayout.Direction.TopToBottom)
        if self.columns.direction() == before:
            return False
        # The enclosing layout caches its size until the next layout pass.
        self.layout_.invalidate()
        return True

    def watch(self, signal: Any) -> None:
        """Re-check for changes whenever `signal` (an edit) fires."""
        signal.connect(self.edited)

    # --- loading ---------------------------------------------------------

    def load(self, values: dict[str, Any]) -> None:
        """Show freshly loaded values, except in fields being edited."""
        for key, value in values.items():
            field = self.fields.get(key)
            if field is not None and (key not in self.loaded or field.get() == self.loaded[key]):
                field.set(value)
            self.loaded[key] = value
        self.edited()

    def changed(self) -> dict[str, Any]:
        """The fields that differ from what was loaded, as typed."""
        return {
            key: field.get()
            for key, field in self.fields.items()
            if key in self.loaded and field.get() != self.loaded[key]
        }

    def is_dirty(self) -> bool:
        return bool(self.changed()) or self.extra_dirty()

    def edited(self) -> None:
        dirty = self.is_dirty()
        if dirty != self._dirty:
            self._dirty = dirty
            self.dirty_changed.emit(dirty)
        self._update_buttons()

    def discard(self) -> None:
        for key, field in self.fields.items():
            if key in self.loaded:
                field.set(self.loaded[key])
        self.show_field_errors({})
        self.show_error("")
        self.edited()

    # --- errors ----------------------------------------------------------

    def show_error(self, message: str) -> None:
        self.error_label.setText(message)
        self.error_label.setVisible(bool(message))

    def show_field_errors(self, errors: dict[str, str]) -> None:
        for key, field in self.fields.items():
            message = errors.get(key, "")
            field.error.setText(message)
            field.error.setVisible(bool(message))
            set_invalid(field.widget, bool(message))

    # --- saving ----------------------------------------------------------

    def save(self) -> None:
        """Override: check the changed fields, then `send` a command."""
        raise NotImplementedError

    def send(self, command: Command, on_saved: Callable[[], None], message: str) -> None:
        self.sending = True
        self.show_error("")
        self._update_buttons()

        def done(_result: object) -> None:
            self.sending = False
            on_saved()
            self.edited()
            self.saved.emit(message)

        def failed(exc: BaseException) -> None:
            self.sending = False
            self._update_buttons()
            self.show_error(refusal_text(exc))

        run_in_background(self, lambda: self.ctx.bus.handle(command, self.actor), done, failed)

    def accept_saved(self, values: dict[str, Any]) -> None:
        """After a save: show what the core stored (e.g. "gbp" became "GBP") as loaded."""
        for key, value in values.items():
            self.loaded[key] = value
            self.fields[key].set(value)

    def _update_buttons(self) -> None:
        dirty = self._dirty
        self.save_button.setEnabled(dirty and not self.sending)
        self.save_button.setText("Saving…" if self.sending else "Save")
        self.discard_button.setEnabled(dirty and not self.sending)
        for field in self.fields.values():
            if isinstance(field.widget, QLineEdit | QPlainTextEdit):
                field.widget.setReadOnly(self.sending)

    def extra_dirty(self) -> bool:
        """Changes that are not fields (a password to remove); override."""
        return False
