"""The Today view: the resource day view, the keyboard walk-in, the live cycle."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from desktop_app.availability import slot_queries
from desktop_app.availability.slot_engine import Slot
from desktop_app.booking import queries as booking_queries
from desktop_app.booking.queries import AppointmentRow
from desktop_app.bootstrap import AppContext
from desktop_app.kernel.clock import FixedClock
from desktop_app.staff.queries import PractitionerRow
from models import Appointment, AppointmentStatus, PractitionerStatus
from tests.ui.sample_clinic import (
    DAY_PLAN,
    SampleClinic,
    open_sample_hours,
    seed_sample_clinic,
    settle,
    with_fixed_clock,
)
from ui.booking.appointment_actions import CancelDialog, RescheduleDialog
from ui.booking.booking_dialog import combo_index
from ui.shell.main_window import MainWindow
from ui.today.day_layout import BlockKind, assign_lanes, build_layout, free_spans, local_minutes
from ui.today.page import HELP_TEXT, TodayView

# Monday 6 January 2025, 08:40 in London (UTC in winter); see test_booking_dialog
# for why a date in the past.
NOW = datetime(2025, 1, 6, 8, 40, tzinfo=UTC)
LONDON = ZoneInfo("Europe/London")
WAIT = 10_000


@dataclass
class Desk:
    ctx: AppContext
    clock: FixedClock
    clinic: SampleClinic
    ids: dict[str, uuid.UUID]
    window: MainWindow
    view: TodayView

    def row(self, client: str) -> AppointmentRow:
        rows = booking_queries.appointments_on(self.ctx.db, self.clinic.today, self.clinic.tz)
        return next(r for r in rows if r.client_name == client)

    def status(self, appointment_id: uuid.UUID) -> AppointmentStatus:
        with self.ctx.db.read_sessions() as s:
            a = s.get(Appointment, appointment_id)
            assert a is not None
            return a.status

    def select(self, qtbot: QtBot, client: str) -> AppointmentRow:
        row = self.row(client)
        assert self.view.grid.select_key(("appointment", row.id)) is not None
        return row


@pytest.fixture
def desk(qtbot: QtBot, sqlite_app: AppContext) -> Iterator[Desk]:
    ctx, clock = with_fixed_clock(sqlite_app, NOW)
    clinic = seed_sample_clinic(ctx)
    ids = open_sample_hours(ctx, clinic)
    window = MainWindow(ctx, clinic.desk)
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    with qtbot.waitActive(window):
        window.activateWindow()
    view = window.current_view()
    assert isinstance(view, TodayView)
    qtbot.waitUntil(view.is_loaded, timeout=WAIT)
    # The free times shown are for the service chosen at the top.
    view.service_combo.setCurrentIndex(combo_index(view.service_combo, ids["Individual session"]))
    qtbot.waitUntil(
        lambda: (
            view.is_loaded()
            and view.data is not None
            and view.data.service_id == ids["Individual session"]
        ),
        timeout=WAIT,
    )
    yield Desk(ctx, clock, clinic, ids, window, view)
    # The window outlives the background operations (see sample_clinic.settle).
    settle(qtbot)


def test_the_day_as_columns_blocks_free_cells_and_a_now_line(qtbot: QtBot, desk: Desk) -> None:
    view = desk.view
    layout = view.day_layout
    assert layout is not None and layout.day == date(2025, 1, 6)
    # Bookable practitioners are columns; the applicant is not.
    assert [c.name for c in layout.columns] == ["Aisha Karim", "Ben Okafor", "Chloé Martin"]
    assert [c.appointments for c in layout.columns] == [4, 4, 3]
    appointments = [b for column in layout.blocks for b in column if b.appointment]
    assert len(appointments) == len(DAY_PLAN)  # cancelled shown (faded) by default
    assert view.title_label.text() == "Today"
    assert "12 appointments" in view.summary.text() and "1 no-show" in view.summary.text()
    # Free times for Individual session, from the slot engine, drawn as cells.
    slots = slot_queries.open_slots(
        desk.ctx.db, desk.ids["Individual session"], desk.clinic.today, desk.clinic.today, NOW
    )
    free = layout.free_blocks()
    assert {b.slot for b in free} == set(slots) and free
    assert view.free_caption.text() == f"{len(slots)} free times for"
    # Hiding cancelled leaves the free time it left visible.
    view.cancelled_check.setChecked(False)
    assert view.day_layout is not None
    assert len([b for c in view.day_layout.blocks for b in c if b.appointment]) == 11
    # The grid paints (the current time is today, 08:40: the line is drawn).
    view.grid.viewport().repaint()
    assert view.grid.paint_count > 0
    assert view.grid._now_minutes(view.day_layout) == 8 * 60 + 40
    # The keys are written down where the desk sees them.
    help_text = view.help_line.text().replace("\u00a0", " ")
    assert help_text == HELP_TEXT.replace("\u00a0", " ")
    assert "W walk-in (name, Enter, Enter)" in help_text and "C check in" in help_text


def test_keyboard_walk_in_books_the_next_free_slot_with_anyone(qtbot: QtBot, desk: Desk) -> None:
    expected = slot_queries.next_free_slot(desk.ctx.db, desk.ids["Individual session"], NOW)
    assert expected is not None

    # 1. W (wherever the focus is: here still on the navigation list).
    desk.window.navigation.setFocus()
    QTest.keyClick(desk.window.navigation, Qt.Key.Key_W)
    dialog = desk.view.booking_dialog
    assert dialog is not None and dialog.isVisible()
    qtbot.waitUntil(lambda: dialog.hold_id is not None, timeout=WAIT)
    assert dialog.chosen_slot == expected
    assert dialog.practitioner_combo.currentText() == "Anyone"
    assert QApplication.focusWidget() is dialog.client_picker.search_edit

    # Type the name, 2. Enter takes the first match...
    QTest.keyClicks(dialog.client_picker.search_edit, "amelia")
    QTest.keyClick(dialog.client_picker.search_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.client_picker.client_id is not None, timeout=WAIT)
    focused = QApplication.focusWidget()
    assert focused is dialog.confirm_button
    # ...3. Enter books.
    with qtbot.waitSignal(dialog.booked, timeout=WAIT) as booked:
        QTest.keyClick(focused, Qt.Key.Key_Return)
    result = booked.args[0]
    assert dialog.reference_label.text() == result.reference
    assert (result.starts_at, result.practitioner_id) == (expected.start, expected.practitioner_id)

    rows = booking_queries.appointments_on(desk.ctx.db, desk.clinic.today, desk.clinic.tz)
    mine = next(r for r in rows if r.reference == result.reference)
    assert (mine.client_name, mine.service_name) == ("Amelia Hughes", "Individual session")
    # Closing the confirmation leaves the view showing and selecting the booking.
    QTest.keyClick(dialog.done_button, Qt.Key.Key_Return)
    qtbot.waitUntil(
        lambda: (
            desk.view.grid.selected_block() is not None
            and desk.view.grid.selected_block().appointment is not None  # type: ignore[union-attr]
            and desk.view.grid.selected_block().appointment.reference  # type: ignore[union-attr]
            == result.reference
        ),
        timeout=WAIT,
    )
    assert "Booked" in desk.view.banner.text()


def test_next_free_then_enter_opens_the_dialog_on_it(qtbot: QtBot, desk: Desk) -> None:
    expected = slot_queries.next_free_slot(desk.ctx.db, desk.ids["Individual session"], NOW)
    assert expected is not None
    QTest.keyClick(desk.window, Qt.Key.Key_N)
    qtbot.waitUntil(
        lambda: (
            (block := desk.view.grid.selected_block()) is not None and block.kind is BlockKind.FREE
        ),
        timeout=WAIT,
    )
    block = desk.view.grid.selected_block()
    assert block is not None and block.slot == expected
    assert desk.view.grid.hasFocus()
    QTest.keyClick(desk.view.grid, Qt.Key.Key_Return)
    dialog = desk.view.booking_dialog
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.hold_id is not None, timeout=WAIT)
    assert dialog.chosen_slot == expected
    dialog.reject()


def test_check_in_and_an_illegal_move_gets_the_cores_message(qtbot: QtBot, desk: Desk) -> None:
    row = desk.select(qtbot, "Liam Byrne")  # cancelled this morning
    assert row.status is AppointmentStatus.CANCELLED
    QTest.keyClick(desk.window, Qt.Key.Key_C)
    qtbot.waitUntil(desk.view.banner.isVisible, timeout=WAIT)
    assert desk.view.banner.text().startswith(f"Cannot check in {row.reference}")
    assert desk.view.banner.property("kind") == "error"

    row = desk.select(qtbot, "Elena Petrova")
    assert desk.view.step_buttons["check_in"].isEnabled()
    assert desk.view.step_buttons["complete"].isEnabled()
    QTest.keyClick(desk.window, Qt.Key.Key_C)
    qtbot.waitUntil(lambda: desk.status(row.id) is AppointmentStatus.CHECKED_IN, timeout=WAIT)
    # The bus refreshes the view; the block keeps its selection with its new status.
    qtbot.waitUntil(
        lambda: (
            (b := desk.view.grid.selected_block()) is not None
            and b.appointment is not None
            and b.appointment.status is AppointmentStatus.CHECKED_IN
        ),
        timeout=WAIT,
    )
    assert desk.view.banner.text() == f"Checked in Elena Petrova ({row.reference})."
    assert not desk.view.step_buttons["check_in"].isEnabled()


def test_cancel_needs_a_reason(qtbot: QtBot, desk: Desk) -> None:
    row = desk.select(qtbot, "Isla Murray")
    QTest.keyClick(desk.window, Qt.Key.Key_Delete)
    dialog = desk.view.appointment_actions.dialog
    assert isinstance(dialog, CancelDialog)
    assert not dialog.cancel_button.isEnabled()
    QTest.keyClicks(dialog.reason, "Client phoned: car broke down")
    assert dialog.cancel_button.isEnabled()
    with qtbot.waitSignal(dialog.cancelled, timeout=WAIT):
        dialog.cancel_button.click()
    with desk.ctx.db.read_sessions() as s:
        a = s.get(Appointment, row.id)
        assert a is not None
        assert (a.status, a.cancel_reason) == (
            AppointmentStatus.CANCELLED,
            "Client phoned: car broke down",
        )
        assert a.cancelled_by_id == desk.clinic.desk.account_id


def test_reschedule_from_the_day_view(qtbot: QtBot, desk: Desk) -> None:
    row = desk.select(qtbot, "Isla Murray")  # Aisha, 14:00 today
    QTest.keyClick(desk.window, Qt.Key.Key_R)
    dialog = desk.view.appointment_actions.dialog
    assert isinstance(dialog, RescheduleDialog)
    qtbot.waitUntil(dialog.is_idle, timeout=WAIT)
    assert dialog.slots.query is not None
    assert dialog.slots.query.practitioner_id == row.practitioner_id
    # Tomorrow at 10:00 with the same practitioner.
    tomorrow = desk.clinic.today + timedelta(days=1)
    dialog.slots.set_day(tomorrow)
    qtbot.waitUntil(dialog.is_idle, timeout=WAIT)
    target = datetime.combine(tomorrow, time(10, 0), LONDON)
    button = dialog.slots.button_for(lambda s: s.start == target)
    assert button is not None
    button.click()
    with qtbot.waitSignal(dialog.moved, timeout=WAIT):
        dialog.move_button.click()
    with desk.ctx.db.read_sessions() as s:
        a = s.scalar(select(Appointment).where(Appointment.id == row.id))
        assert a is not None
        assert a.starts_at == target and a.practitioner_id == row.practitioner_id
        assert a.ends_at == target + timedelta(minutes=50)
    # Gone from today's grid (after the bus-driven refresh).
    qtbot.waitUntil(
        lambda: (
            desk.view.day_layout is not None
            and desk.view.day_layout.find(("appointment", row.id)) is None
        ),
        timeout=WAIT,
    )


def test_left_right_and_t_move_through_the_days(qtbot: QtBot, desk: Desk) -> None:
    view = desk.view
    QTest.keyClick(desk.window, Qt.Key.Key_Right)
    qtbot.waitUntil(lambda: view.is_loaded() and view.title_label.text() == "Tomorrow")
    assert view.data is not None and view.data.day == date(2025, 1, 7)
    assert view.model.rowCount() == 0 and view.pages.currentWidget() is view.empty
    QTest.keyClick(desk.window, Qt.Key.Key_Right)
    qtbot.waitUntil(lambda: view.is_loaded() and view.data.day == date(2025, 1, 8))  # type: ignore[union-attr]
    QTest.keyClick(desk.window, Qt.Key.Key_T)
    qtbot.waitUntil(lambda: view.is_loaded() and view.title_label.text() == "Today")
    assert view.model.rowCount() == len(DAY_PLAN)
    QTest.keyClick(desk.window, Qt.Key.Key_Left)
    qtbot.waitUntil(lambda: view.is_loaded() and view.title_label.text() == "Yesterday")
    # Nothing is bookable in the past: no free cells, no engine call.
    assert view.day_layout is not None and not view.day_layout.free_blocks()


def test_a_booking_elsewhere_refreshes_the_view(qtbot: QtBot, desk: Desk) -> None:
    from desktop_app.booking.commands import BookAppointment

    view = desk.view
    before = view.load_count
    slot = view.day_layout.free_blocks()[0].slot  # type: ignore[union-attr]
    assert slot is not None
    desk.ctx.bus.handle(
        BookAppointment(
            client_id=desk.row("Bruno Silva").client_id,  # type: ignore[arg-type]
            practitioner_id=slot.practitioner_id,
            service_id=desk.ids["Individual session"],
            starts_at=slot.start,
        ),
        desk.clinic.desk,
    )
    qtbot.waitUntil(lambda: view.load_count > before and view.is_loaded(), timeout=WAIT)
    assert view.model.rowCount() == len(DAY_PLAN) + 1
    assert slot not in {b.slot for b in view.day_layout.free_blocks()}  # type: ignore[union-attr]


# --- the layout, without a window ----------------------------------------------


def _row(
    practitioner: uuid.UUID, start: str, end: str, status: AppointmentStatus, name: str = "P"
) -> AppointmentRow:
    day = date(2025, 3, 3)
    s = datetime.combine(day, time.fromisoformat(start), LONDON)
    e = datetime.combine(day, time.fromisoformat(end), LONDON)
    return AppointmentRow(
        uuid.uuid4(), "REF", s, e, status, "Client", practitioner, name, "Service", "#888888"
    )


def test_layout_columns_lanes_and_free_cells() -> None:
    a, b, c = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    people = [
        PractitionerRow(b, "Zed", "z@x", "", PractitionerStatus.APPROVED, "#111111", ()),
        PractitionerRow(a, "Amy", "a@x", "", PractitionerStatus.APPROVED, "#222222", ()),
    ]
    rows = [
        _row(a, "09:00", "10:00", AppointmentStatus.CANCELLED, "Amy"),
        _row(a, "09:00", "09:50", AppointmentStatus.BOOKED, "Amy"),
        _row(a, "06:30", "07:15", AppointmentStatus.COMPLETED, "Amy"),
        # Suspended since, but the appointment is still shown in its own column.
        _row(c, "12:00", "13:00", AppointmentStatus.BOOKED, "Old Hand"),
    ]
    day = date(2025, 3, 3)

    def slot(who: uuid.UUID, hhmm: str) -> Slot:
        start = datetime.combine(day, time.fromisoformat(hhmm), LONDON)
        return Slot(who, start.astimezone(UTC), (start + timedelta(minutes=30)).astimezone(UTC))

    slots = [slot(b, "10:00"), slot(b, "10:15"), slot(b, "11:00"), slot(uuid.uuid4(), "10:00")]
    layout = build_layout(day, LONDON, people, rows, slots, duration_min=30)

    assert [c.name for c in layout.columns] == ["Amy", "Old Hand", "Zed"]
    assert [c.bookable for c in layout.columns] == [True, False, True]
    assert [c.appointments for c in layout.columns] == [2, 1, 0]  # cancelled not counted
    assert [c.free for c in layout.columns] == [0, 0, 3]
    # The grid widens to the early appointment, on whole hours.
    assert (layout.first_min, layout.last_min) == (6 * 60, 20 * 60)
    amy = layout.blocks[0]
    overlapping = [bl for bl in amy if bl.start_min == 9 * 60]
    assert sorted((bl.lane, bl.lanes) for bl in overlapping) == [(0, 2), (1, 2)]
    early = next(bl for bl in amy if bl.start_min == 6 * 60 + 30)
    assert (early.lane, early.lanes) == (0, 1)
    # Free cells: a step of the grid each (15 minutes here), the last one too.
    zed = layout.blocks[2]
    assert [(bl.kind, bl.start_min, bl.end_min) for bl in zed] == [
        (BlockKind.FREE, 600, 615),
        (BlockKind.FREE, 615, 630),
        (BlockKind.FREE, 660, 675),
    ]
    # Up/Down walk the appointments by time, then column.
    assert [bl.start_min for bl in layout.appointment_order] == [390, 540, 540, 720]

    hidden = build_layout(day, LONDON, people, rows, slots, show_cancelled=False)
    assert len([bl for bl in hidden.blocks[0] if bl.appointment]) == 2
    assert layout.find(("free", b, slots[0].start)) is not None


def test_lanes_free_spans_and_local_minutes() -> None:
    assert assign_lanes([]) == []
    assert assign_lanes([(0, 10), (5, 15), (20, 30), (12, 18)]) == [
        (0, 2),
        (1, 2),
        (0, 1),
        (0, 2),
    ]
    # Touching is not overlapping.
    assert assign_lanes([(0, 10), (10, 20)]) == [(0, 1), (0, 1)]
    assert free_spans([540, 555, 570, 660], 50) == [(540, 555), (555, 570), (570, 585), (660, 675)]
    assert free_spans([540, 600], 20) == [(540, 560), (600, 620)]
    # Wall-clock minutes, across the spring-forward night in London.
    day = date(2025, 3, 30)
    # 01:30 UTC is 02:30 BST: the wall clock jumped from 01:00 to 02:00.
    assert local_minutes(datetime(2025, 3, 30, 1, 30, tzinfo=UTC), day, LONDON) == 150
    assert local_minutes(datetime(2025, 3, 30, 0, 30, tzinfo=UTC), day, LONDON) == 30
    assert local_minutes(datetime(2025, 3, 31, 0, 30, tzinfo=UTC), day, LONDON) == 24 * 60 + 90
