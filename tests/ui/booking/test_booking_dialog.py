"""The booking dialog and its client picker, against a real database and a fixed clock."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QGuiApplication
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QDialog, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from desktop_app.booking import queries as booking_queries
from desktop_app.booking.commands import BookAppointment
from desktop_app.booking.errors import SlotTaken
from desktop_app.booking.results import BookingResult
from desktop_app.bootstrap import AppContext
from desktop_app.clients import queries as client_queries
from desktop_app.clients.commands import RegisterClient
from desktop_app.kernel.clock import FixedClock
from models import Appointment, Client, Role, Service, SlotHold
from tests import factories
from tests.ui.sample_clinic import (
    SampleClinic,
    open_sample_hours,
    seed_sample_clinic,
    settle,
    with_fixed_clock,
)
from ui.booking.booking_dialog import BookingDialog
from ui.booking.slot_picker import qdate
from ui.clients.client_picker import ClientPicker, QuickRegisterDialog

# Monday 6 January 2025, 08:40 in London (UTC in winter). In the past on
# purpose: the database's overlap trigger judges hold expiry by the database's
# own clock, so a hold placed at this fixed time has expired for it, and the
# app's clock alone (which the test moves) decides whether the hold counts.
NOW = datetime(2025, 1, 6, 8, 40, tzinfo=UTC)
TUESDAY = date(2025, 1, 7)
WAIT = 10_000


@dataclass
class Desk:
    ctx: AppContext
    clock: FixedClock
    clinic: SampleClinic
    ids: dict[str, uuid.UUID]
    # Held until the test's background operations are over (see the fixture).
    widgets: list[QWidget] = field(default_factory=list)

    def dialog(self, qtbot: QtBot, **kw: object) -> BookingDialog:
        dialog = BookingDialog(self.ctx, self.clinic.desk, **kw)  # type: ignore[arg-type]
        qtbot.addWidget(dialog)
        self.widgets.append(dialog)
        dialog.show()
        qtbot.waitUntil(dialog.is_idle, timeout=WAIT)
        return dialog

    def picker(self, qtbot: QtBot) -> ClientPicker:
        picker = ClientPicker(self.ctx, self.clinic.desk)
        qtbot.addWidget(picker)
        self.widgets.append(picker)
        picker.show()
        return picker

    def appointments(self) -> int:
        with self.ctx.db.read_sessions() as s:
            return s.scalar(select(func.count()).select_from(Appointment)) or 0

    def holds(self) -> int:
        with self.ctx.db.read_sessions() as s:
            return s.scalar(select(func.count()).select_from(SlotHold)) or 0


@pytest.fixture
def desk(qtbot: QtBot, sqlite_app: AppContext) -> Iterator[Desk]:
    ctx, clock = with_fixed_clock(sqlite_app, NOW)
    clinic = seed_sample_clinic(ctx)
    desk = Desk(ctx, clock, clinic, open_sample_hours(ctx, clinic))
    yield desk
    settle(qtbot)
    desk.widgets.clear()


def _choose_client(qtbot: QtBot, picker: ClientPicker, typed: str) -> None:
    picker.search_edit.setFocus()
    QTest.keyClicks(picker.search_edit, typed)
    QTest.keyClick(picker.search_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: picker.client_id is not None, timeout=WAIT)


def _pick_day_and_slot(qtbot: QtBot, dialog: BookingDialog, day: date, hhmm: str) -> None:
    dialog.slots.calendar.setSelectedDate(qdate(day))
    qtbot.waitUntil(dialog.slots.is_idle, timeout=WAIT)
    button = dialog.slots.button_for(
        lambda s: s.start.astimezone(dialog.meta.tz).strftime("%H:%M") == hhmm  # type: ignore[union-attr]
    )
    assert button is not None, f"no free {hhmm} on {day}"
    button.click()
    qtbot.waitUntil(lambda: dialog.hold_id is not None, timeout=WAIT)


def test_search_as_you_type_finds_accented_names(qtbot: QtBot, desk: Desk) -> None:
    desk.ctx.bus.handle(
        RegisterClient(full_name="Zoë Ångström", email="zoe@mail.example"), desk.clinic.desk
    )
    desk.ctx.bus.handle(
        RegisterClient(full_name="Ángel Ruiz", phone="+34 600 123 456"), desk.clinic.desk
    )
    picker = desk.picker(qtbot)
    chosen: list[uuid.UUID] = []
    picker.client_chosen.connect(chosen.append)

    with qtbot.waitSignal(picker.results_shown, timeout=WAIT):
        QTest.keyClicks(picker.search_edit, "angs")
    assert picker.result_names() == ["Zoë Ångström"]

    # Typing on replaces the results; arrows move, Enter chooses.
    picker.search_edit.clear()
    with qtbot.waitSignal(picker.results_shown, timeout=WAIT):
        QTest.keyClicks(picker.search_edit, "ANG")
    assert sorted(picker.result_names()) == ["Zoë Ångström", "Ángel Ruiz"]
    second = picker.result_names()[1]
    QTest.keyClick(picker.search_edit, Qt.Key.Key_Down)
    QTest.keyClick(picker.search_edit, Qt.Key.Key_Return)
    assert picker.chosen is not None and picker.chosen.full_name == second
    assert chosen == [picker.chosen.id]
    assert picker.chosen_card.isVisible()

    # No match says so, and points at registering.
    picker.clear()
    with qtbot.waitSignal(picker.results_shown, timeout=WAIT):
        QTest.keyClicks(picker.search_edit, "nobody-like-this")
    assert picker.result_names() == []
    assert "New client" in picker.status.text()


def test_enter_before_the_results_arrive_takes_the_first_match(qtbot: QtBot, desk: Desk) -> None:
    picker = desk.picker(qtbot)
    QTest.keyClicks(picker.search_edit, "petrov")
    # No waiting for the debounce or the query: Enter at once.
    QTest.keyClick(picker.search_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: picker.chosen is not None, timeout=WAIT)
    assert picker.chosen is not None and picker.chosen.full_name == "Elena Petrova"


def test_new_client_with_a_duplicate_flagged_then_registered_anyway(
    qtbot: QtBot, desk: Desk
) -> None:
    dialog = desk.dialog(qtbot)
    picker = dialog.client_picker
    QTest.keyClicks(picker.search_edit, "Amelia Hughes-Smith")
    register = picker.open_registration()
    assert isinstance(register, QuickRegisterDialog)
    assert register.name_edit.text() == "Amelia Hughes-Smith"  # what was typed is kept
    # Same phone as Amelia Hughes, written differently.
    register.phone_edit.setText("+44 (0)20 7946 0100".replace("(0)", ""))
    register.save_button.click()
    qtbot.waitUntil(register.duplicates_box.isVisible, timeout=WAIT)
    assert len(register.duplicate_buttons) == 1
    assert "Amelia Hughes" in register.duplicate_buttons[0].toolTip()
    assert register.anyway_button.isVisible() and not register.save_button.isVisible()
    with desk.ctx.db.read_sessions() as s:
        assert s.scalar(select(func.count()).select_from(Client)) == 12  # nothing saved yet

    with qtbot.waitSignal(register.accepted, timeout=WAIT):
        register.anyway_button.click()
    assert picker.chosen is not None and picker.chosen.full_name == "Amelia Hughes-Smith"
    found = client_queries.search_clients(desk.ctx.db, "hughes")
    assert sorted(c.full_name for c in found) == ["Amelia Hughes", "Amelia Hughes-Smith"]
    assert picker.client_id in {c.id for c in found}


def test_a_duplicate_can_be_taken_instead_of_registering(qtbot: QtBot, desk: Desk) -> None:
    dialog = desk.dialog(qtbot)
    register = dialog.client_picker.open_registration()
    register.name_edit.setText("Elena P.")
    register.email_edit.setText("ELENA.PETROVA@mail.example")
    register.save_button.click()
    qtbot.waitUntil(lambda: bool(register.duplicate_buttons), timeout=WAIT)
    with qtbot.waitSignal(register.accepted, timeout=WAIT):
        register.duplicate_buttons[0].click()
    chosen = dialog.client_picker.chosen
    assert chosen is not None and chosen.full_name == "Elena Petrova"
    with desk.ctx.db.read_sessions() as s:
        assert s.scalar(select(func.count()).select_from(Client)) == 12


def test_book_a_day_with_room_and_a_slot_and_a_double_confirm_books_once(
    qtbot: QtBot, desk: Desk
) -> None:
    dialog = desk.dialog(qtbot, service_id=desk.ids["Individual session"])
    assert dialog.service is not None and dialog.service.name == "Individual session"
    assert dialog.practitioner_combo.currentText() == "Anyone"
    # Until the client is known, nothing says their credits would pay.
    assert dialog.pay_at_desk.isChecked() and dialog.pay_credits.isEnabled()

    # The calendar marks weekdays (open) bold, the weekend not.
    qtbot.waitUntil(lambda: bool(dialog.slots.room_days), timeout=WAIT)
    assert TUESDAY in dialog.slots.room_days
    assert date(2025, 1, 11) not in dialog.slots.room_days  # a Saturday
    fmt = dialog.slots.calendar.dateTextFormat(qdate(TUESDAY))
    assert fmt.fontWeight() == QFont.Weight.Bold

    _choose_client(qtbot, dialog.client_picker, "amelia")
    qtbot.waitUntil(dialog.is_idle, timeout=WAIT)
    # Amelia holds six credits: the session is paid with one of them.
    assert dialog.pay_credits.isChecked()
    assert dialog.payment.note.text() == "Balance 6 credits · this uses 1: Opening balance"
    _pick_day_and_slot(qtbot, dialog, TUESDAY, "10:15")
    slot = dialog.chosen_slot
    assert slot is not None and slot.start == datetime(2025, 1, 7, 10, 15, tzinfo=UTC)
    # The hold keeps the slot from the other desks while this one finishes.
    assert desk.holds() == 1
    assert "held for you until 08:45" in dialog.summary.text()

    with qtbot.waitSignal(dialog.booked, timeout=WAIT) as booked:
        dialog.confirm_button.click()
        dialog.confirm_button.click()  # a nervous double click
        dialog.confirm()
    result = booked.args[0]
    assert isinstance(result, BookingResult)
    assert desk.appointments() == len_plan() + 1
    assert desk.holds() == 0  # consumed by the booking
    assert len(dialog.sent_commands) == 1
    # A retry of the very same command (the network dropped the answer) books nothing new.
    again = desk.ctx.bus.handle(dialog.sent_commands[0], desk.clinic.desk)
    assert again == result and desk.appointments() == len_plan() + 1

    # The confirmation: reference, time, practitioner, service; Copy; closing is Accepted.
    assert dialog.pages.currentWidget() is dialog.done_page
    assert dialog.reference_label.text() == result.reference
    details = dialog.confirmation_details.text()
    assert "10:15–11:05" in details and "Individual session with" in details
    assert "Amelia Hughes" in details
    assert "Payment: 1 credit from Opening balance\nBalance now 5 credits" in details
    dialog.copy_button.click()
    assert result.reference in QGuiApplication.clipboard().text()
    rows = booking_queries.appointments_on(desk.ctx.db, TUESDAY, desk.clinic.tz)
    assert [(r.reference, r.client_name) for r in rows] == [(result.reference, "Amelia Hughes")]
    dialog.reject()  # Esc on the confirmation
    assert dialog.result() == QDialog.DialogCode.Accepted


def len_plan() -> int:
    from tests.ui.sample_clinic import DAY_PLAN

    return len(DAY_PLAN)


def test_a_slot_taken_meanwhile_offers_the_alternatives(qtbot: QtBot, desk: Desk) -> None:
    aisha = desk.ids["Aisha Karim"]
    dialog = desk.dialog(qtbot, service_id=desk.ids["Individual session"], practitioner_id=aisha)
    _choose_client(qtbot, dialog.client_picker, "carla")
    _pick_day_and_slot(qtbot, dialog, TUESDAY, "09:00")
    taken = dialog.chosen_slot
    assert taken is not None and taken.practitioner_id == aisha

    # Another desk cannot have it while our hold lasts...
    other_desk = factories.staff(desk.ctx, "Other Desk", Role.FRONT_DESK)
    stranger = factories.client(desk.ctx, "Someone Else")
    direct = BookAppointment(
        client_id=stranger,
        practitioner_id=aisha,
        service_id=desk.ids["Individual session"],
        starts_at=taken.start,
    )
    with pytest.raises(SlotTaken):
        desk.ctx.bus.handle(direct, other_desk)
    # ...but six minutes later (we were on the phone) the hold has expired.
    desk.clock.advance(timedelta(minutes=6))
    other = desk.ctx.bus.handle(replace(direct, command_id=uuid.uuid4()), other_desk)
    assert other.starts_at == taken.start

    dialog.confirm_button.click()
    qtbot.waitUntil(lambda: bool(dialog.alternative_buttons), timeout=WAIT)
    assert "That slot was just taken" in dialog.error_label.text()
    assert dialog.client_picker.chosen is not None  # nothing typed is lost
    assert dialog.client_picker.chosen.full_name == "Carla Jensen"
    assert dialog.chosen_slot is None
    first = dialog.alternative_buttons[0].text()
    assert "Aisha Karim" in first

    dialog.alternative_buttons[0].click()
    qtbot.waitUntil(lambda: dialog.hold_id is not None, timeout=WAIT)
    with qtbot.waitSignal(dialog.booked, timeout=WAIT) as booked:
        dialog.confirm_button.click()
    result = booked.args[0]
    assert result.starts_at > taken.start
    assert desk.appointments() == len_plan() + 2


def test_choosing_another_time_or_closing_releases_the_hold(qtbot: QtBot, desk: Desk) -> None:
    dialog = desk.dialog(qtbot, service_id=desk.ids["Intake"])
    _pick_day_and_slot(qtbot, dialog, TUESDAY, "09:00")
    first = dialog.hold_id
    _pick_day_and_slot(qtbot, dialog, TUESDAY, "13:00")
    assert dialog.hold_id != first
    qtbot.waitUntil(lambda: desk.holds() == 1, timeout=WAIT)
    dialog.reject()
    qtbot.waitUntil(lambda: desk.holds() == 0, timeout=WAIT)
    assert dialog.result() == QDialog.DialogCode.Rejected


def test_errors_are_shown_in_the_dialog_and_nothing_is_lost(qtbot: QtBot, desk: Desk) -> None:
    dialog = desk.dialog(qtbot, service_id=desk.ids["Intake"])
    dialog.confirm()
    assert "Choose the client" in dialog.error_label.text()
    _choose_client(qtbot, dialog.client_picker, "bruno")
    dialog.confirm()
    assert "Choose a free time" in dialog.error_label.text()
    # A preset time that is not free is said so, not silently dropped.
    late = desk.dialog(
        qtbot,
        service_id=desk.ids["Intake"],
        practitioner_id=desk.ids["Aisha Karim"],
        starts_at=datetime(2025, 1, 7, 17, 30, tzinfo=UTC),
    )
    assert "17:30 on Tue 7 Jan is not a free time for Intake with Aisha Karim" in (
        late.error_label.text()
    )
    assert late.chosen_slot is None


def test_a_time_picked_without_a_service_gets_a_service_that_fits(qtbot: QtBot, desk: Desk) -> None:
    # As the calendar opens it: a practitioner and a free time, no service.
    # Chloé offers Couples (80 min, listed first) and Individual; at 17:00
    # only the 50-minute session fits before 18:00.
    chloe = desk.ids["Chloé Martin"]
    starts = datetime(2025, 1, 7, 17, 0, tzinfo=UTC)
    dialog = desk.dialog(qtbot, practitioner_id=chloe, starts_at=starts)
    assert dialog.service is not None and dialog.service.name == "Individual session"
    assert dialog.chosen_slot is not None
    assert (dialog.chosen_slot.start, dialog.chosen_slot.practitioner_id) == (starts, chloe)


def test_an_online_session_confirms_with_its_meeting_link(qtbot: QtBot, desk: Desk) -> None:
    with desk.ctx.db.write_sessions.begin() as s:
        service = s.get(Service, desk.ids["Intake"])
        assert service is not None
        service.is_online = True
    dialog = desk.dialog(qtbot, service_id=desk.ids["Intake"])
    _choose_client(qtbot, dialog.client_picker, "hiro")
    _pick_day_and_slot(qtbot, dialog, TUESDAY, "11:00")
    with qtbot.waitSignal(dialog.booked, timeout=WAIT) as booked:
        dialog.confirm_button.click()
    link = booked.args[0].video_link
    assert link and dialog.meeting_label.isVisible() and link in dialog.meeting_label.text()
    assert link in dialog.confirmation_text()
