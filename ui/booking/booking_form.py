"""The booking dialog's form page: client, service, practitioner, where the
client is, payment, day and time, then the message line and Confirm.

Only the widgets and their layout; what they do is the dialog's.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.kernel.actor import Actor
from desktop_app.kernel.core import Core
from models.enums import AppointmentSource
from ui.booking.booking_message import BookingMessage
from ui.booking.payment_choice import PaymentChoicePanel
from ui.booking.slot_picker import SlotPicker
from ui.clients.client_picker import ClientPicker
from ui.kit.command_dialog import section_title

SOURCES = (
    (AppointmentSource.FRONT_DESK, "At the desk"),
    (AppointmentSource.PHONE, "On the phone"),
)


class BookingForm(QWidget):
    def __init__(self, ctx: Core, actor: Actor, parent: QWidget) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 18, 24, 16)
        layout.setSpacing(12)

        self.title = QLabel("New booking")
        self.title.setObjectName("dialogTitle")
        self.caption = QLabel(
            "Find the client, choose the service and a free time, then confirm. "
            "The time is held for you while you finish."
        )
        self.caption.setObjectName("dialogCaption")
        self.caption.setWordWrap(True)
        layout.addWidget(self.title)
        layout.addWidget(self.caption)

        body = QHBoxLayout()
        body.setSpacing(24)
        left_holder = QWidget()
        left_holder.setFixedWidth(380)
        left = QVBoxLayout(left_holder)
        left.setContentsMargins(0, 0, 0, 0)
        left.setSpacing(6)
        left.addWidget(section_title("Client"))
        self.client_picker = ClientPicker(ctx, actor, parent, visible_rows=5)
        left.addWidget(self.client_picker)

        left.addWidget(section_title("Service"))
        self.service_combo = QComboBox()
        self.service_combo.setAccessibleName("Service")
        self.service_combo.setEnabled(False)
        left.addWidget(self.service_combo)

        left.addWidget(section_title("Practitioner"))
        self.practitioner_combo = QComboBox()
        self.practitioner_combo.setAccessibleName("Practitioner")
        self.practitioner_combo.setEnabled(False)
        left.addWidget(self.practitioner_combo)

        left.addWidget(section_title("The client is"))
        self.source_combo = QComboBox()
        self.source_combo.setAccessibleName("Where the client is booking from")
        for source, label in SOURCES:
            self.source_combo.addItem(label, source)
        left.addWidget(self.source_combo)

        left.addWidget(section_title("Payment"))
        self.payment = PaymentChoicePanel(ctx, parent)
        left.addWidget(self.payment)
        left.addStretch(1)
        body.addWidget(left_holder)

        right = QVBoxLayout()
        right.setSpacing(6)
        right.addWidget(section_title("Day and time"))
        self.slots = SlotPicker(ctx, parent)
        right.addWidget(self.slots, 1)
        body.addLayout(right, 1)
        layout.addLayout(body, 1)

        # What went wrong, and the way out (alternative times).
        self.message = BookingMessage()
        layout.addWidget(self.message)

        footer = QHBoxLayout()
        footer.setSpacing(8)
        self.summary = QLabel()
        self.summary.setObjectName("bookingSummary")
        self.summary.setWordWrap(True)
        footer.addWidget(self.summary, 1)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setAutoDefault(False)
        self.confirm_button = QPushButton("Confirm booking")
        self.confirm_button.setObjectName("primaryButton")
        self.confirm_button.setDefault(True)
        footer.addWidget(self.cancel_button)
        footer.addWidget(self.confirm_button)
        layout.addLayout(footer)
