"""The booking dialog's last page: the reference and the details, to copy and send."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from desktop_app.booking.results import BookingResult


class ConfirmationPage(QWidget):
    """ "Booked", the booking reference, what was booked, Copy and Done."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.booking: BookingResult | None = None
        self.setObjectName("confirmationPage")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(40, 36, 40, 28)
        layout.setSpacing(10)
        layout.addStretch(1)
        card = QFrame()
        card.setObjectName("confirmationCard")
        card.setMaximumWidth(620)
        inner = QVBoxLayout(card)
        inner.setContentsMargins(32, 28, 32, 26)
        inner.setSpacing(8)
        tick = QLabel("✓  Booked")
        tick.setObjectName("confirmationTitle")
        inner.addWidget(tick)
        caption = QLabel("Booking reference")
        caption.setObjectName("dialogCaption")
        inner.addWidget(caption)
        self.reference_label = QLabel()
        self.reference_label.setObjectName("bookingReference")
        self.reference_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        inner.addWidget(self.reference_label)
        self.details = QLabel()
        self.details.setObjectName("confirmationDetails")
        self.details.setWordWrap(True)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        inner.addWidget(self.details)
        self.meeting_label = QLabel()
        self.meeting_label.setObjectName("meetingLink")
        self.meeting_label.setWordWrap(True)
        self.meeting_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.meeting_label.setVisible(False)
        inner.addWidget(self.meeting_label)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.copy_button = QPushButton("Copy")
        self.copy_button.setToolTip("Copy the booking details, to paste into an e-mail or a chat")
        self.copy_button.setAutoDefault(False)
        self.copy_button.clicked.connect(self.copy)
        self.done_button = QPushButton("Done")
        self.done_button.setObjectName("primaryButton")
        buttons.addWidget(self.copy_button)
        buttons.addWidget(self.done_button)
        inner.addLayout(buttons)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(card, 3)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addStretch(2)

    def show_booking(self, result: BookingResult, lines: list[str]) -> None:
        self.booking = result
        self.reference_label.setText(result.reference)
        self.details.setText("\n".join(lines))
        self.meeting_label.setVisible(bool(result.video_link))
        if result.video_link:
            self.meeting_label.setText(f"Meeting link: {result.video_link}")
        self.done_button.setDefault(True)
        self.done_button.setFocus(Qt.FocusReason.OtherFocusReason)

    def text(self) -> str:
        """The booking as plain text, to paste into an e-mail or a chat."""
        if self.booking is None:
            return ""
        parts = [f"Booking reference: {self.booking.reference}", self.details.text()]
        if self.booking.video_link:
            parts.append(f"Meeting link: {self.booking.video_link}")
        return "\n".join(parts)

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.text())
        self.copy_button.setText("Copied")
