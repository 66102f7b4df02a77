"""The assistant bar, from typed text to a booking (pytest-qt, offscreen)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from desktop_app.assistant.request import Action, Ask
from desktop_app.bootstrap import AppContext
from desktop_app.kernel.clock import FixedClock
from models import Appointment, AppointmentSource
from tests import factories
from tests.ui.sample_clinic import (
    SampleClinic,
    open_sample_hours,
    seed_sample_clinic,
    settle,
    with_fixed_clock,
)
from ui.assistant.bar import AssistantBar
from ui.booking.booking_dialog import BookingDialog
from ui.clients.client_dialogs import ClientDialog
from ui.shell.main_window import MainWindow

# Monday 6 January 2025, 08:40 in London (UTC in winter).
NOW = datetime(2025, 1, 6, 8, 40, tzinfo=UTC)
FRIDAY = datetime(2025, 1, 10, 8, 40, tzinfo=UTC)
WAIT = 10_000


@dataclass
class Desk:
    ctx: AppContext
    clock: FixedClock
    clinic: SampleClinic
    widgets: list[QWidget] = field(default_factory=list)

    def bar(self, qtbot: QtBot) -> AssistantBar:
        bar = AssistantBar(self.ctx, self.clinic.desk)
        qtbot.addWidget(bar)
        self.widgets.append(bar)
        bar.show()
        qtbot.waitUntil(bar.is_idle, timeout=WAIT)
        return bar


@pytest.fixture
def desk(qtbot: QtBot, sqlite_app: AppContext) -> Iterator[Desk]:
    ctx, clock = with_fixed_clock(sqlite_app, NOW)
    clinic = seed_sample_clinic(ctx)
    open_sample_hours(ctx, clinic)
    factories.client(ctx, "Ana Silva")
    factories.client(ctx, "Ana Silva")
    desk = Desk(ctx, clock, clinic)
    yield desk
    settle(qtbot)
    desk.widgets.clear()


def type_text(qtbot: QtBot, bar: AssistantBar, text: str) -> None:
    bar.input.clear()
    QTest.keyClicks(bar.input, text)
    qtbot.waitUntil(lambda: bar.is_idle() and bar.understanding is not None, timeout=WAIT)
    qtbot.waitUntil(
        lambda: bar.understanding is not None and bar.understanding.request.text == text,
        timeout=WAIT,
    )


def test_text_to_a_booking_with_source_assistant(qtbot: QtBot, desk: Desk) -> None:
    bar = desk.bar(qtbot)
    type_text(qtbot, bar, "Amelia Hughes individual session with Aisha tomorrow after 3pm")
    u = bar.understanding
    assert u is not None and u.request.action is Action.BOOK
    assert bar.client_combo.currentText() == "Amelia Hughes"
    assert bar.service_combo.currentText().startswith("Individual session")
    assert bar.practitioner_combo.currentText() == "Aisha Karim"
    assert bar.times_edit.text() == "after 15:00"
    assert 1 <= bar.proposals.count() <= 5
    assert bar.proposals.item(0).text().startswith("Tue 7 Jan  15:00–15:50")
    assert not bar.question_box.isVisible()

    QTest.keyClick(bar.input, Qt.Key.Key_Return)
    dialog = bar.dialog
    assert isinstance(dialog, BookingDialog)
    desk.widgets.append(dialog)
    qtbot.waitUntil(lambda: dialog.is_idle() and dialog.chosen_slot is not None, timeout=WAIT)
    assert dialog.chosen_slot is not None
    assert dialog.chosen_slot.start == datetime(2025, 1, 7, 15, tzinfo=UTC)
    assert dialog.source_combo.currentData() == AppointmentSource.ASSISTANT
    with qtbot.waitSignal(bar.booked, timeout=WAIT) as booked:
        dialog.confirm()
    with desk.ctx.db.read_sessions() as s:
        source = s.scalar(
            select(Appointment.source).where(Appointment.id == booked.args[0].appointment_id)
        )
    assert source is AppointmentSource.ASSISTANT


def test_two_clients_of_one_name_are_asked_about(qtbot: QtBot, desk: Desk, tmp_path: Path) -> None:
    bar = desk.bar(qtbot)
    type_text(qtbot, bar, "Ana Silva individual session tomorrow morning")
    assert bar.question_box.isVisible()
    assert bar.question_label.text() == "2 clients are called Ana Silva: which one?"
    assert len(bar.answer_buttons) == 2
    # Enter does not guess: it says what is missing.
    QTest.keyClick(bar.input, Qt.Key.Key_Return)
    assert bar.dialog is None
    assert "Ana Silva" in bar.status.text()
    bar.answer_buttons[1].click()
    qtbot.waitUntil(bar.is_idle, timeout=WAIT)
    assert not bar.question_box.isVisible()
    assert bar.understanding is not None and bar.understanding.request.client is not None
    assert bar.proposals.count() == 5


def test_friday_on_a_friday_is_a_question(qtbot: QtBot, desk: Desk) -> None:
    desk.clock.set(FRIDAY)
    bar = desk.bar(qtbot)
    type_text(qtbot, bar, "Bruno Silva intake friday")
    assert bar.understanding is not None and bar.understanding.request.asks(Ask.DAY)
    assert bar.proposals.count() == 0
    assert [b.text() for b in bar.answer_buttons] == ["Fri 10 Jan", "Fri 17 Jan"]
    bar.answer_buttons[1].click()
    qtbot.waitUntil(lambda: bar.is_idle() and bar.proposals.count() > 0, timeout=WAIT)
    assert bar.proposals.item(0).text().startswith("Fri 17 Jan")


def test_a_field_edited_by_hand_wins(qtbot: QtBot, desk: Desk) -> None:
    bar = desk.bar(qtbot)
    type_text(qtbot, bar, "Amelia Hughes individual session tomorrow")
    index = bar.practitioner_combo.findText("Chloé Martin")
    bar.practitioner_combo.setCurrentIndex(index)
    qtbot.waitUntil(bar.is_idle, timeout=WAIT)
    u = bar.understanding
    assert u is not None and u.proposals
    assert {p.practitioner.name for p in u.proposals} == {"Chloé Martin"}


@pytest.mark.parametrize("text", ["asdfgh", "   "])
def test_nonsense_gets_a_message_and_enter_does_nothing(
    qtbot: QtBot, desk: Desk, text: str
) -> None:
    bar = desk.bar(qtbot)
    type_text(qtbot, bar, text)
    assert bar.question_box.isVisible()
    assert "Could not make sense" in bar.question_label.text() or "Type what" in (
        bar.question_label.text()
    )
    QTest.keyClick(bar.input, Qt.Key.Key_Return)
    assert bar.dialog is None and bar.proposals.count() == 0


def test_a_client_not_found_is_offered_registration(qtbot: QtBot, desk: Desk) -> None:
    bar = desk.bar(qtbot)
    type_text(qtbot, bar, "book Zelda Quux intake tomorrow")
    assert bar.client_combo.currentText() == "Zelda Quux (new)"
    assert [b.text() for b in bar.answer_buttons] == ["Register…"]
    QTest.keyClick(bar.input, Qt.Key.Key_Return)
    assert isinstance(bar.dialog, ClientDialog)
    desk.widgets.append(bar.dialog)


def test_ctrl_k_opens_the_bar(qtbot: QtBot, desk: Desk) -> None:
    window = MainWindow(desk.ctx, desk.clinic.desk, idle_timeout_ms=0)
    qtbot.addWidget(window)
    desk.widgets.append(window)
    window.show()
    key = next(s for s in window.findChildren(QShortcut) if s.key() == QKeySequence("Ctrl+K"))
    key.activated.emit()
    qtbot.waitUntil(lambda: window.assistant_bar is not None, timeout=WAIT)
    bar = window.assistant_bar
    assert bar is not None
    desk.widgets.append(bar)
    qtbot.waitUntil(bar.is_idle, timeout=WAIT)
    assert bar.isVisible()
