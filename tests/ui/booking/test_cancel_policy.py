"""Cancelling and no-shows from the appointment's actions: the dialog says
beforehand what the cancellation policy does with the credits, a manager
may return them anyway with a reason, and the message bar says what
happened."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from desktop_app.booking import queries as booking_queries
from desktop_app.booking.commands import PaymentChoice
from desktop_app.booking.queries import AppointmentRow
from desktop_app.bootstrap import AppContext
from desktop_app.clinic import queries as clinic_queries
from desktop_app.credits import ledger
from desktop_app.kernel.actor import Actor
from models import Appointment, AppointmentStatus, CreditEntryKind
from tests.credit_clinic import NOW, at
from tests.ui.credit_desk import WAIT, CreditDesk
from tests.ui.sample_clinic import settle
from ui.booking.appointment_actions import (
    STEP_BY_KEY,
    AppointmentActions,
    CancelDialog,
    NoShowDialog,
)


@dataclass
class Screen:
    desk: CreditDesk
    parent: QWidget
    messages: list[tuple[str, bool]]

    def actions(self, who: Actor) -> AppointmentActions:
        actions = AppointmentActions(self.desk.ctx, who, self.parent)
        actions.message.connect(lambda text, error: self.messages.append((text, error)))
        return actions

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(clinic_queries.clinic_settings(self.desk.db).timezone)

    def row(self, appointment_id: uuid.UUID) -> AppointmentRow:
        rows = booking_queries.appointments_between(
            self.desk.db, NOW, NOW.replace(month=NOW.month + 1)
        )
        return next(r for r in rows if r.id == appointment_id)

    def cancel_dialog(self, qtbot: QtBot, appointment_id: uuid.UUID, who: Actor) -> CancelDialog:
        dialog = self.actions(who).cancel(self.row(appointment_id), self.tz)
        self.desk.widgets.append(dialog)
        qtbot.waitUntil(dialog.is_idle, timeout=WAIT)
        return dialog

    def status(self, appointment_id: uuid.UUID) -> AppointmentStatus:
        with self.desk.db.read_sessions() as s:
            a = s.get(Appointment, appointment_id)
            assert a is not None
            return a.status


@pytest.fixture
def screen(qtbot: QtBot, sqlite_app: AppContext) -> Iterator[Screen]:
    desk = CreditDesk(sqlite_app)
    desk.sell()  # five credits
    parent = QWidget()
    qtbot.addWidget(parent)
    desk.widgets.append(parent)
    yield Screen(desk, parent, [])
    settle(qtbot)
    desk.widgets.clear()


def _cancel(qtbot: QtBot, dialog: CancelDialog) -> None:
    dialog.reason.setText("Client phoned")
    with qtbot.waitSignal(dialog.cancelled, timeout=WAIT):
        dialog.cancel_button.click()


def test_cancelling_early_returns_the_credit(qtbot: QtBot, screen: Screen) -> None:
    desk = screen.desk
    booked = desk.book(at(2, 10))
    assert desk.balance() == 4

    dialog = screen.cancel_dialog(qtbot, booked.appointment_id, desk.desk)
    assert dialog.policy.isVisible()
    assert dialog.policy.label.text() == (
        "Cancelling now, more than 24 h before: the 1 credit it used comes back."
    )
    assert not dialog.policy.override.isVisible()
    _cancel(qtbot, dialog)

    assert desk.balance() == 5
    assert screen.messages == [
        (f"Cancelled Siân Jones ({booked.reference}). 1 credit was returned.", False)
    ]


def test_cancelling_late_keeps_the_credit_and_the_desk_cannot_return_it(
    qtbot: QtBot, screen: Screen
) -> None:
    desk = screen.desk
    booked = desk.book(at(1, 10))
    desk.clock.set(at(1, 0))  # ten hours before: inside the 24-hour window

    dialog = screen.cancel_dialog(qtbot, booked.appointment_id, desk.desk)
    assert dialog.policy.label.text() == (
        "Late cancellation (less than 24 h before): the 1 credit it used is kept."
    )
    # The desk sees that a manager could, and cannot tick it.
    assert dialog.policy.override.isVisible() and not dialog.policy.override.isEnabled()
    assert "a manager can" in dialog.policy.override.text()
    _cancel(qtbot, dialog)

    assert dialog.outcome is not None and dialog.outcome.credits_kept == 1
    assert desk.balance() == 4
    assert screen.messages == [
        (
            f"Cancelled Siân Jones ({booked.reference}). Late cancellation: the 1 credit is kept.",
            False,
        )
    ]


def test_a_manager_returns_a_late_cancellations_credit_with_a_reason(
    qtbot: QtBot, screen: Screen
) -> None:
    desk = screen.desk
    booked = desk.book(at(1, 10))
    desk.clock.set(at(1, 0))

    dialog = screen.cancel_dialog(qtbot, booked.appointment_id, desk.manager)
    override = dialog.policy.override
    assert override.isEnabled() and override.text() == "Return the credits anyway"
    dialog.reason.setText("Client in hospital")
    override.click()
    # Returning needs its own reason: until then, nothing can be cancelled.
    assert dialog.policy.reason.isVisible() and not dialog.cancel_button.isEnabled()
    dialog.policy.reason.setText("Admitted to hospital overnight")
    assert dialog.cancel_button.isEnabled()
    with qtbot.waitSignal(dialog.cancelled, timeout=WAIT):
        dialog.cancel_button.click()

    assert desk.balance() == 5
    refund = ledger.client_ledger(desk.db, desk.client)[-1]
    assert refund.kind is CreditEntryKind.REFUND
    assert "Admitted to hospital overnight" in refund.reason
    assert screen.messages[-1][0].endswith("Late cancellation: 1 credit was returned by a manager.")


def test_a_no_show_keeps_the_credit_unless_a_manager_returns_it(
    qtbot: QtBot, screen: Screen
) -> None:
    desk = screen.desk
    first = desk.book(at(1, 10))
    second = desk.book(at(1, 12))
    desk.clock.set(at(1, 12, 20))  # both have started; nobody came

    desk_actions = screen.actions(desk.desk)
    desk_actions.run(STEP_BY_KEY["no_show"], screen.row(first.appointment_id))
    qtbot.waitUntil(lambda: isinstance(desk_actions.dialog, NoShowDialog), timeout=WAIT)
    dialog = desk_actions.dialog
    assert isinstance(dialog, NoShowDialog)
    desk.widgets.append(dialog)
    assert dialog.policy.label.text() == (
        "A no-show follows the cancellation policy: the 1 credit it used is kept."
    )
    assert not dialog.policy.override.isEnabled()
    dialog.mark_button.click()
    qtbot.waitUntil(lambda: bool(screen.messages), timeout=WAIT)
    assert screen.status(first.appointment_id) is AppointmentStatus.NO_SHOW
    assert screen.messages[-1] == (
        f"Marked as a no-show: Siân Jones ({first.reference}). The 1 credit it used is kept.",
        False,
    )
    assert desk.balance() == 3

    managers = screen.actions(desk.manager)
    managers.run(STEP_BY_KEY["no_show"], screen.row(second.appointment_id))
    qtbot.waitUntil(lambda: isinstance(managers.dialog, NoShowDialog), timeout=WAIT)
    dialog = managers.dialog
    assert isinstance(dialog, NoShowDialog)
    desk.widgets.append(dialog)
    dialog.policy.override.click()
    assert not dialog.mark_button.isEnabled()
    dialog.policy.reason.setText("Stuck on a cancelled train")
    dialog.mark_button.click()
    qtbot.waitUntil(lambda: len(screen.messages) == 2, timeout=WAIT)
    assert screen.status(second.appointment_id) is AppointmentStatus.NO_SHOW
    assert screen.messages[-1][0].endswith("1 credit was returned by a manager.")
    assert desk.balance() == 4


def test_appointments_paid_at_the_desk_say_nothing_about_credits(
    qtbot: QtBot, screen: Screen
) -> None:
    desk = screen.desk
    cancelled = desk.book(at(1, 10), payment=PaymentChoice.DESK)
    missed = desk.book(at(1, 12), payment=PaymentChoice.DESK)
    desk.clock.set(at(1, 12, 20))

    dialog = screen.cancel_dialog(qtbot, cancelled.appointment_id, desk.manager)
    assert not dialog.policy.isVisible()
    _cancel(qtbot, dialog)
    assert screen.messages == [(f"Cancelled Siân Jones ({cancelled.reference}).", False)]

    # A no-show without credits is marked at once, as before.
    actions = screen.actions(desk.desk)
    actions.run(STEP_BY_KEY["no_show"], screen.row(missed.appointment_id))
    qtbot.waitUntil(lambda: len(screen.messages) == 2, timeout=WAIT)
    assert actions.dialog is None
    assert screen.messages[-1] == (
        f"Marked as a no-show: Siân Jones ({missed.reference}).",
        False,
    )
    assert screen.status(missed.appointment_id) is AppointmentStatus.NO_SHOW
    assert desk.balance() == 5


def test_a_manager_returns_a_late_cancellations_credit_afterwards(
    qtbot: QtBot, screen: Screen
) -> None:
    desk = screen.desk
    booked = desk.book(at(1, 10))
    desk.clock.set(at(1, 0))
    _cancel(qtbot, screen.cancel_dialog(qtbot, booked.appointment_id, desk.desk))
    assert desk.balance() == 4
    row = screen.row(booked.appointment_id)

    # The desk is not offered it; a manager is, and must say why.
    assert not screen.actions(desk.desk).may_return_credits(row)
    actions = screen.actions(desk.manager)
    assert actions.may_return_credits(row)
    dialog = actions.return_credits(row)
    desk.widgets.append(dialog)
    dialog.ok_button.click()
    assert "Give a reason" in dialog.error_label.text()
    assert desk.balance() == 4

    dialog.reason.setPlainText("Called from the hospital")
    with qtbot.waitSignal(dialog.succeeded, timeout=WAIT):
        dialog.ok_button.click()
    assert desk.balance() == 5
    assert screen.messages[-1] == (
        f"1 credit returned to Siân Jones ({booked.reference}).",
        False,
    )

    # A second time there is nothing left to return: the core says so, nothing changes.
    again = actions.return_credits(row)
    desk.widgets.append(again)
    again.reason.setPlainText("Again")
    again.ok_button.click()
    qtbot.waitUntil(lambda: "holds no credits" in again.error_label.text(), timeout=WAIT)
    assert desk.balance() == 5
