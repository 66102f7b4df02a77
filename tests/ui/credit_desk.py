"""The credit clinic (tests/credit_clinic.py) as the desk's screens see it:
the same database and clock, a partner organisation, and helpers to open
the booking dialog and wait for it."""

from __future__ import annotations

import uuid
from datetime import datetime

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from desktop_app.bootstrap import AppContext
from desktop_app.credits import ledger
from desktop_app.credits.commands import AdjustCredits
from desktop_app.kernel.actor import Actor
from desktop_app.partners.commands import (
    AllocatePartnerCredits,
    AllocationInput,
    CreatePartnerOrganisation,
)
from tests.credit_clinic import CreditClinic
from ui.booking.booking_dialog import BookingDialog

WAIT = 10_000


class CreditDesk(CreditClinic):
    def __init__(self, app: AppContext) -> None:
        super().__init__(app)
        # The screens see the test's clock, which the tests move.
        self.ctx = AppContext(app.choice, app.db, self.bus, self.clock)
        self.acme = self.bus.handle(
            CreatePartnerOrganisation(
                name="Acme Ltd", default_credits=1, session_duration_min=25, validity_days=30
            ),
            self.manager,
        )
        # Held until the test's background operations are over.
        self.widgets: list[QWidget] = []

    def allocate(self, email: str, credits: int = 1) -> None:
        self.bus.handle(
            AllocatePartnerCredits(
                organisation_id=self.acme, allocation=AllocationInput(email, credits)
            ),
            self.manager,
        )

    def give(self, credits: int, client: uuid.UUID | None = None) -> None:
        """Credits without a pack (never expiring), as a manager's adjustment."""
        self.bus.handle(
            AdjustCredits(client_id=client or self.client, amount=credits, reason="Goodwill"),
            self.manager,
        )

    def usable(self, client: uuid.UUID | None = None) -> int:
        return ledger.client_credits(self.db, client or self.client, self.clock.now()).usable

    def dialog(
        self,
        qtbot: QtBot,
        starts_at: datetime,
        *,
        service: uuid.UUID | None = None,
        who: Actor | None = None,
    ) -> BookingDialog:
        """The booking dialog with the service and time chosen, as from a free cell."""
        dialog = BookingDialog(
            self.ctx,
            who or self.desk,
            service_id=service or self.individual,
            practitioner_id=self.pid,
            starts_at=starts_at,
        )
        qtbot.addWidget(dialog)
        self.widgets.append(dialog)
        dialog.show()
        qtbot.waitUntil(lambda: dialog.is_idle() and dialog.hold_id is not None, timeout=WAIT)
        return dialog


def choose_client(qtbot: QtBot, dialog: BookingDialog, typed: str) -> None:
    picker = dialog.client_picker
    picker.search_edit.setFocus()
    QTest.keyClicks(picker.search_edit, typed)
    QTest.keyClick(picker.search_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: picker.client_id is not None, timeout=WAIT)
    qtbot.waitUntil(dialog.is_idle, timeout=WAIT)
