"""Paying a booking with credits through the booking dialog: what the desk
sees before booking, the draw in the ledger after, refusals that book
nothing, partner credits, and an employee registered at the desk."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from desktop_app.booking.commands import PaymentChoice
from desktop_app.bootstrap import AppContext
from desktop_app.credits import ledger
from models import AllocationStatus, CreditEntryKind, PartnerAllocation
from tests.credit_clinic import at
from tests.ui.credit_desk import WAIT, CreditDesk, choose_client
from tests.ui.sample_clinic import settle
from ui.booking.booking_dialog import BookingDialog


@pytest.fixture
def desk(qtbot: QtBot, sqlite_app: AppContext) -> Iterator[CreditDesk]:
    desk = CreditDesk(sqlite_app)
    yield desk
    settle(qtbot)
    desk.widgets.clear()


def _book(qtbot: QtBot, dialog: BookingDialog) -> None:
    with qtbot.waitSignal(dialog.booked, timeout=WAIT):
        dialog.confirm_button.click()
    qtbot.waitUntil(lambda: dialog.pages.currentWidget() is dialog.done_page, timeout=WAIT)


def test_book_paying_with_credits(qtbot: QtBot, desk: CreditDesk) -> None:
    desk.sell()  # five credits, valid six months
    dialog = desk.dialog(qtbot, at(1, 10))
    assert dialog.pay_at_desk.isChecked()  # nobody chosen yet
    assert dialog.payment.note.text() == "Choose the client to see their credits."

    choose_client(qtbot, dialog, "sian")
    # A client whose credits cover the service pays with them unless told otherwise.
    assert dialog.pay_credits.isChecked() and dialog.pay_credits.isEnabled()
    assert dialog.pay_credits.text() == "Client's credits — 5 usable"
    assert dialog.payment.note.text() == (
        "Balance 5 credits · this uses 1: Five sessions pack (expires 7 Jul 2030)"
    )
    # No partner credit: offered, but not possible, and the desk is told why.
    assert not dialog.pay_partner.isEnabled()
    assert dialog.pay_partner.text().endswith("none for this client")

    _book(qtbot, dialog)
    [sent] = dialog.sent_commands
    assert sent.payment is PaymentChoice.CREDITS
    assert dialog.booking is not None and dialog.booking.credits_used == 1
    assert (
        "Payment: 1 credit from Five sessions pack (expires 7 Jul 2030)\nBalance now 4 credits"
        in dialog.confirmation_details.text()
    )
    rows = ledger.client_ledger(desk.db, desk.client)
    use = rows[-1]
    assert (use.kind, use.amount, use.balance_after) == (CreditEntryKind.USE, -1, 4)
    assert use.appointment_reference == dialog.booking.reference
    assert desk.balance() == 4


def test_enter_before_the_credits_are_read_still_pays_with_them(
    qtbot: QtBot, desk: CreditDesk
) -> None:
    desk.sell()
    dialog = desk.dialog(qtbot, at(1, 10))
    picker = dialog.client_picker
    picker.search("sian")
    qtbot.waitUntil(lambda: not picker.is_searching(), timeout=WAIT)
    # A walk-in at speed: the client, then Confirm, before their credits are read.
    picker.choose_row(0)
    assert not dialog.payment.is_idle()
    with qtbot.waitSignal(dialog.booked, timeout=WAIT):
        dialog.confirm()
    assert dialog.sent_commands[0].payment is PaymentChoice.CREDITS
    assert desk.balance() == 4


def test_not_enough_credits_books_nothing_then_the_desk_takes_payment(
    qtbot: QtBot, desk: CreditDesk
) -> None:
    dialog = desk.dialog(qtbot, at(1, 10), service=desk.couples)  # 2 credits
    desk.give(1)
    choose_client(qtbot, dialog, "sian")
    assert dialog.pay_at_desk.isChecked()  # one credit does not cover it
    assert dialog.payment.note.text() == "Balance 1 credit · none used: paid at the desk."

    dialog.payment.choose(PaymentChoice.CREDITS)
    assert dialog.payment.note.text() == (
        "Not enough credits: 1 usable, 2 needed — choose another payment."
    )
    dialog.confirm_button.click()
    assert dialog.message_box.isVisible()
    assert "Not enough credits: Siân Jones has 1 usable credits for Couples, which costs 2" in (
        dialog.error_label.text()
    )
    assert dialog.sent_commands == [] and desk.appointments() == 0
    assert dialog.hold_id is not None  # the time is still theirs

    dialog.pay_at_desk.click()
    assert not dialog.message_box.isVisible()
    _book(qtbot, dialog)
    assert dialog.booking is not None and dialog.booking.credits_used == 0
    assert "Payment: at the desk, €110.00" in dialog.confirmation_details.text()
    assert desk.appointments() == 1 and desk.balance() == 1


def test_the_last_credit_taken_at_another_desk_books_nothing(
    qtbot: QtBot, desk: CreditDesk
) -> None:
    desk.give(1)
    dialog = desk.dialog(qtbot, at(1, 10))
    choose_client(qtbot, dialog, "sian")
    assert dialog.pay_credits.isChecked()

    desk.book(at(2, 10))  # the other desk spends it first
    dialog.confirm_button.click()
    qtbot.waitUntil(dialog.message_box.isVisible, timeout=WAIT)
    assert dialog.error_label.text().startswith(
        "Not enough credits: Siân Jones has 0 usable credits for Individual"
    )
    assert desk.appointments() == 1 and dialog.booking is None
    # The balance is read again: the desk sees why, and pays at the desk.
    qtbot.waitUntil(dialog.is_idle, timeout=WAIT)
    assert dialog.payment.note.text().startswith("Not enough credits: 0 usable, 1 needed")
    dialog.pay_at_desk.click()
    _book(qtbot, dialog)
    assert desk.appointments() == 2 and desk.balance() == 0


def test_a_partner_credit_pays_first_but_only_for_its_session_length(
    qtbot: QtBot, desk: CreditDesk
) -> None:
    desk.sell()
    desk.allocate("sian@example.test")  # one 25-minute session, until 6 Feb

    fifty = desk.dialog(qtbot, at(1, 10))
    choose_client(qtbot, fifty, "sian")
    assert not fifty.pay_partner.isEnabled()
    assert fifty.pay_partner.text().endswith("only for 25-min sessions")
    assert fifty.pay_credits.isChecked()
    assert fifty.payment.note.text().endswith(
        "this uses 1: Five sessions pack (expires 7 Jul 2030)"
    )
    fifty.reject()

    dialog = desk.dialog(qtbot, at(1, 12), service=desk.partner_service)
    choose_client(qtbot, dialog, "sian")
    assert dialog.pay_partner.isEnabled() and dialog.pay_partner.isChecked()
    assert dialog.pay_partner.text() == "Partner organisation credit — Acme Ltd"
    assert dialog.payment.note.text() == (
        "Balance 6 credits · this uses 1: Acme Ltd partner credits (expires 6 Feb 2030)"
    )
    # The client's own credits would also pay, the partner's first.
    dialog.pay_credits.click()
    assert "this uses 1: Acme Ltd partner credits" in dialog.payment.note.text()
    dialog.pay_partner.click()
    _book(qtbot, dialog)
    assert dialog.sent_commands[0].payment is PaymentChoice.PARTNER
    use = ledger.client_ledger(desk.db, desk.client)[-1]
    assert (use.kind, use.organisation_name) == (CreditEntryKind.USE, "Acme Ltd")
    assert desk.usable() == 5  # the pack untouched


def test_an_employee_registered_at_the_desk_pays_with_their_partner_credit(
    qtbot: QtBot, desk: CreditDesk
) -> None:
    desk.allocate("new.person@example.test")  # waits for a client with that address
    dialog = desk.dialog(qtbot, at(1, 12), service=desk.partner_service)
    picker = dialog.client_picker
    register = picker.open_registration()
    register.name_edit.setText("Nia Person")
    register.email_edit.setText("New.Person@example.test")
    with qtbot.waitSignal(register.accepted, timeout=WAIT):
        register.save_button.click()
    qtbot.waitUntil(dialog.is_idle, timeout=WAIT)
    client = picker.client_id
    assert client is not None

    assert dialog.pay_partner.isEnabled() and dialog.pay_partner.isChecked()
    assert dialog.payment.note.text().startswith(
        "Balance 1 credit · this uses 1: Acme Ltd partner credits (not yet credited)"
    )
    _book(qtbot, dialog)
    assert dialog.booking is not None and dialog.booking.credits_used == 1
    assert "Balance now 0 credits" in dialog.confirmation_details.text()
    kinds = [(r.kind, r.amount) for r in ledger.client_ledger(desk.db, client)]
    assert kinds == [(CreditEntryKind.PARTNER_ALLOCATION, 1), (CreditEntryKind.USE, -1)]
    with desk.db.read_sessions() as s:
        allocation = s.scalars(select(PartnerAllocation)).one()
        assert (allocation.client_id, allocation.status) == (client, AllocationStatus.USED)
