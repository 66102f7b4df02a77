"""The booking dialog's message line: what went wrong, and the way out.

When the slot went to someone else, the core's alternative times are offered
as buttons under the message.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from datetime import tzinfo

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from desktop_app.availability.slot_engine import Slot


def slot_text(slot: Slot, tz: tzinfo, names: dict[uuid.UUID, str]) -> str:
    start = slot.start.astimezone(tz)
    who = names.get(slot.practitioner_id, "")
    return f"{start:%a} {start.day} {start:%b}, {start:%H:%M}" + (f" · {who}" if who else "")


class BookingMessage(QFrame):
    """A message, and under it a row of alternative times to choose from."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("bookingMessage")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.setSpacing(6)
        self.text_label = QLabel()
        self.text_label.setObjectName("bookingMessageText")
        self.text_label.setWordWrap(True)
        layout.addWidget(self.text_label)
        self.alternatives_row = QHBoxLayout()
        self.alternatives_row.setSpacing(6)
        layout.addLayout(self.alternatives_row)
        self.alternative_buttons: list[QPushButton] = []
        self.setVisible(False)

    def text(self) -> str:
        return self.text_label.text()

    def show_text(self, text: str) -> None:
        self._clear_alternatives()
        self.text_label.setText(text)
        self.setVisible(True)

    def clear(self) -> None:
        self._clear_alternatives()
        self.text_label.clear()
        self.setVisible(False)

    def show_alternatives(
        self,
        slots: Sequence[Slot],
        tz: tzinfo,
        names: dict[uuid.UUID, str],
        choose: Callable[[Slot], None],
    ) -> None:
        """One button per alternative time, after the message shown already."""
        for slot in slots:
            button = QPushButton(slot_text(slot, tz, names))
            button.setObjectName("alternativeButton")
            button.setAutoDefault(False)
            button.clicked.connect(lambda _=False, s=slot: choose(s))
            self.alternative_buttons.append(button)
            self.alternatives_row.addWidget(button)
        self.alternatives_row.addStretch(1)
        if self.alternative_buttons:
            self.alternative_buttons[0].setFocus(Qt.FocusReason.OtherFocusReason)

    def _clear_alternatives(self) -> None:
        for button in self.alternative_buttons:
            self.alternatives_row.removeWidget(button)
            button.deleteLater()
        self.alternative_buttons = []
        while self.alternatives_row.count():
            self.alternatives_row.takeAt(0)
