"""The Calendar view: day and week columns, drag to reschedule, click to book."""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import QPoint, Qt, QThreadPool
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot
from sqlalchemy.engine import make_url

from desktop_app.booking.commands import BookAppointment, CancelAppointment
from desktop_app.bootstrap import AppContext, open_app
from desktop_app.clients.commands import RegisterClient
from desktop_app.infra.config import DatabaseChoice
from desktop_app.kernel.actor import Actor
from desktop_app.kernel.clock import FixedClock
from models import Appointment
from models.enums import Role
from tests import factories
from ui.booking.booking_dialog import BookingDialog
from ui.calendar.calendar_items import side_by_side
from ui.calendar.calendar_widget import CalendarWidget
from ui.calendar.page import CalendarData, CalendarView, Mode
from ui.kit.bus_bridge import BusBridge

WAIT_MS = 10_000
LONDON = ZoneInfo("Europe/London")
MONDAY = date(2030, 1, 7)
# Sunday noon before the week shown: every slot of that week is in the future.
NOW = datetime(2030, 1, 6, 12, 0, tzinfo=UTC)
WORKDAYS = tuple((weekday, time(9), time(17)) for weekday in range(5))


def local(day: date, hh: int, mm: int = 0) -> datetime:
    return datetime.combine(day, time(hh, mm), LONDON)


@dataclass(frozen=True)
class Clinic:
    desk: Actor
    ben_actor: Actor
    service: uuid.UUID
    ada: uuid.UUID
    ben: uuid.UUID
    moved: uuid.UUID  # Ada, Monday 10:00
    blocker: uuid.UUID  # Ada, Monday 14:00


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Clinic]:
    """Two practitioners open Monday to Friday 09:00-17:00, two bookings; built once."""
    path = tmp_path_factory.mktemp("calendar") / "template.sqlite3"
    ctx = open_app(DatabaseChoice(make_url(f"sqlite:///{path}"), "test"), clock=FixedClock(NOW))
    try:
        service = factories.service(ctx, "Individual", 50)
        _a, ada = factories.practitioner(ctx, "Ada Byrne", services=(service,), weekly=WORKDAYS)
        ben_actor, ben = factories.practitioner(
            ctx, "Ben Okafor", services=(service,), weekly=WORKDAYS
        )
        desk = factories.staff(ctx, "Dee Desk", Role.FRONT_DESK)
        ids = []
        for name, hour in (("Siân Jones", 10), ("Tom Reid", 14)):
            client = ctx.bus.handle(RegisterClient(full_name=name, phone=f"07700 9001{hour}"), desk)
            booked = ctx.bus.handle(
                BookAppointment(
                    client_id=client,
                    practitioner_id=ada,
                    service_id=service,
                    starts_at=local(MONDAY, hour),
                ),
                desk,
            )
            ids.append(booked.appointment_id)
    finally:
        ctx.close()
    return path, Clinic(desk, ben_actor, service, ada, ben, ids[0], ids[1])


@pytest.fixture
def clinic(template: tuple[Path, Clinic]) -> Clinic:
    return template[1]


@pytest.fixture
def ctx(template: tuple[Path, Clinic], tmp_path: Path) -> Iterator[AppContext]:
    path = tmp_path / "clinic.sqlite3"
    shutil.copyfile(template[0], path)
    app = open_app(DatabaseChoice(make_url(f"sqlite:///{path}"), "test"), clock=FixedClock(NOW))
    try:
        yield app
    finally:
        QThreadPool.globalInstance().waitForDone(10_000)
        app.close()


@pytest.fixture
def view(qtbot: QtBot, ctx: AppContext, clinic: Clinic) -> CalendarView:
    view = CalendarView(ctx, clinic.desk)
    qtbot.addWidget(view)
    BusBridge.for_bus(ctx.bus).event_published.connect(view.on_event)
    view.resize(1200, 860)
    view.show_day(MONDAY)
    view.show()
    qtbot.waitUntil(lambda: view.is_loaded() and view.data is not None, timeout=WAIT_MS)
    return view


def _data(view: CalendarView) -> CalendarData:
    assert view.data is not None
    return view.data


def _stored(ctx: AppContext, appointment_id: uuid.UUID) -> tuple[datetime, uuid.UUID]:
    with ctx.db.read_sessions() as s:
        a = s.get(Appointment, appointment_id)
        assert a is not None
        return a.starts_at.astimezone(UTC), a.practitioner_id


def _drag(calendar: CalendarWidget, start: QPoint, end: QPoint) -> None:
    QTest.mousePress(calendar, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start)
    QTest.mouseMove(calendar, start + QPoint(0, 12))
    QTest.mouseMove(calendar, end)
    QTest.mouseRelease(calendar, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, end)


def test_week_shows_one_practitioner_monday_to_sunday_and_day_shows_everyone(
    qtbot: QtBot, view: CalendarView, clinic: Clinic
) -> None:
    calendar = view.calendar
    assert view.mode is Mode.WEEK
    assert calendar.column_titles() == [
        "Mon 7 Jan",
        "Tue 8 Jan",
        "Wed 9 Jan",
        "Thu 10 Jan",
        "Fri 11 Jan",
        "Sat 12 Jan",
        "Sun 13 Jan",
    ]
    assert {c.practitioner_ids for c in calendar.columns} == {(clinic.ada,)}
    assert calendar.hours() == (7, 20)
    assert {r.id for r in calendar.appointments()} == {clinic.moved, clinic.blocker}
    assert view.range_label.text() == "7–13 January 2030"
    assert view.picker.checked_ids() == [clinic.ada]

    view.day_button.click()
    qtbot.waitUntil(lambda: view.is_loaded() and _data(view).mode is Mode.DAY, timeout=WAIT_MS)
    assert calendar.column_titles() == ["Ada Byrne", "Ben Okafor"]
    assert [c.day for c in calendar.columns] == [MONDAY, MONDAY]
    assert view.range_label.text() == "Monday 7 January 2030"

    view.step(1)
    qtbot.waitUntil(lambda: view.is_loaded() and _data(view).day == MONDAY + timedelta(1))
    assert calendar.appointments() == []

    # Several practitioners in a week: each day has a lane per practitioner.
    view.week_button.click()
    qtbot.waitUntil(lambda: view.is_loaded() and _data(view).mode is Mode.WEEK, timeout=WAIT_MS)
    view.set_practitioners([clinic.ada, clinic.ben])
    qtbot.waitUntil(lambda: view.is_loaded() and len(_data(view).shown) == 2, timeout=WAIT_MS)
    assert len(calendar.columns) == 7
    assert calendar.columns[0].practitioner_ids == (clinic.ada, clinic.ben)
    assert calendar.lane_rect(0, 1).left() > calendar.lane_rect(0, 0).left()


def test_dragging_a_block_to_free_time_reschedules_it(
    qtbot: QtBot, view: CalendarView, ctx: AppContext, clinic: Clinic
) -> None:
    calendar = view.calendar
    start = calendar.point_for(0, local(MONDAY, 10))
    block = calendar.block_rect(clinic.moved)
    assert block is not None and block.contains(start.toPointF())
    target = calendar.point_for(1, local(MONDAY + timedelta(1), 11, 15))

    QTest.mousePress(calendar, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start)
    QTest.mouseMove(calendar, start + QPoint(0, 12))
    QTest.mouseMove(calendar, target)
    # The ghost shows where it would land, snapped to the quarter hour.
    assert calendar.ghost() == (1, clinic.ada, 11 * 60 + 15)
    with qtbot.waitSignal(view.move_finished, timeout=WAIT_MS) as finished:
        QTest.mouseRelease(
            calendar, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, target
        )
    assert finished.args == [True]
    assert _stored(ctx, clinic.moved) == (local(MONDAY + timedelta(1), 11, 15), clinic.ada)
    assert view.banner.kind == "success" and "Tue 8 Jan, 11:15" in view.banner.text()
    # Refreshed from the database: the block is drawn in its new place.
    qtbot.waitUntil(lambda: view.is_loaded() and not calendar.pending(), timeout=WAIT_MS)
    moved = next(r for r in calendar.appointments() if r.id == clinic.moved)
    assert moved.starts_at == local(MONDAY + timedelta(1), 11, 15)
    rect = calendar.block_rect(clinic.moved)
    assert rect is not None
    assert rect.contains(target.toPointF())


def test_dropping_on_a_taken_slot_says_why_and_changes_nothing(
    qtbot: QtBot, view: CalendarView, ctx: AppContext, clinic: Clinic
) -> None:
    calendar = view.calendar
    with qtbot.waitSignal(view.move_finished, timeout=WAIT_MS) as finished:
        _drag(
            calendar,
            calendar.point_for(0, local(MONDAY, 10)),
            calendar.point_for(0, local(MONDAY, 14)),
        )
    assert finished.args == [False]
    assert view.banner.kind == "error"
    assert "taken" in view.banner.text()
    assert "stays where it was" in view.banner.text()
    assert _stored(ctx, clinic.moved) == (local(MONDAY, 10), clinic.ada)
    assert calendar.pending() == {}
    # Back in its place (the banner made the grid shorter: compare times, not pixels).
    rect = calendar.block_rect(clinic.moved)
    assert rect is not None and rect.contains(calendar.point_for(0, local(MONDAY, 10)).toPointF())

    # Outside the practitioner's hours: the core's reason, the block back.
    with qtbot.waitSignal(view.move_finished, timeout=WAIT_MS) as finished:
        _drag(
            calendar,
            calendar.point_for(0, local(MONDAY, 10)),
            calendar.point_for(5, local(MONDAY + timedelta(5), 10)),
        )
    assert finished.args == [False]
    assert "not an open slot" in view.banner.text()
    assert _stored(ctx, clinic.moved) == (local(MONDAY, 10), clinic.ada)


def test_in_day_view_a_block_moves_to_another_practitioner(
    qtbot: QtBot, view: CalendarView, ctx: AppContext, clinic: Clinic
) -> None:
    view.set_mode(Mode.DAY)
    qtbot.waitUntil(lambda: view.is_loaded() and _data(view).mode is Mode.DAY, timeout=WAIT_MS)
    calendar = view.calendar
    with qtbot.waitSignal(view.move_finished, timeout=WAIT_MS) as finished:
        _drag(
            calendar,
            calendar.point_for(0, local(MONDAY, 10)),
            calendar.point_for(1, local(MONDAY, 9, 30)),
        )
    assert finished.args == [True]
    assert _stored(ctx, clinic.moved) == (local(MONDAY, 9, 30), clinic.ben)
    qtbot.waitUntil(lambda: view.is_loaded() and not calendar.pending(), timeout=WAIT_MS)
    rect = calendar.block_rect(clinic.moved)
    assert rect is not None and calendar.column_at(rect.center().x()) == (1, 0)


def test_clicking_free_time_opens_the_booking_dialog_there(
    qtbot: QtBot, view: CalendarView, clinic: Clinic
) -> None:
    calendar = view.calendar
    wednesday = MONDAY + timedelta(2)
    QTest.mouseClick(
        calendar,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
        calendar.point_for(2, local(wednesday, 15)),
    )
    dialog = view.booking_dialog
    assert isinstance(dialog, BookingDialog)
    qtbot.waitUntil(lambda: dialog.meta is not None, timeout=WAIT_MS)
    assert dialog.practitioner_id == clinic.ada
    qtbot.waitUntil(lambda: dialog.chosen_slot is not None and dialog.is_idle(), timeout=WAIT_MS)
    assert dialog.chosen_slot is not None
    assert dialog.chosen_slot.start == local(wednesday, 15)
    dialog.reject()
    qtbot.waitUntil(lambda: view.booking_dialog is None, timeout=WAIT_MS)


def test_a_booking_elsewhere_appears_and_cancelled_ones_can_be_hidden(
    qtbot: QtBot, view: CalendarView, ctx: AppContext, clinic: Clinic
) -> None:
    calendar = view.calendar
    client = ctx.bus.handle(RegisterClient(full_name="Ana Lima", phone="07700 900777"), clinic.desk)
    booked = ctx.bus.handle(
        BookAppointment(
            client_id=client,
            practitioner_id=clinic.ada,
            service_id=clinic.service,
            starts_at=local(MONDAY + timedelta(3), 9),
        ),
        clinic.desk,
    )
    qtbot.waitUntil(
        lambda: booked.appointment_id in {r.id for r in calendar.appointments()}, timeout=WAIT_MS
    )
    ctx.bus.handle(
        CancelAppointment(appointment_id=booked.appointment_id, reason="Unwell"), clinic.desk
    )
    qtbot.waitUntil(
        lambda: any(
            r.id == booked.appointment_id and r.status.value == "cancelled"
            for r in calendar.appointments()
        ),
        timeout=WAIT_MS,
    )
    view.show_cancelled.setChecked(False)
    assert booked.appointment_id not in {r.id for r in calendar.appointments()}


def test_a_click_in_the_past_does_not_open_a_booking(
    qtbot: QtBot, view: CalendarView, ctx: AppContext
) -> None:
    view.step(-1)
    qtbot.waitUntil(lambda: view.is_loaded() and _data(view).day < MONDAY, timeout=WAIT_MS)
    calendar = view.calendar
    QTest.mouseClick(
        calendar,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
        calendar.point_for(0, time(10)),
    )
    assert view.booking_dialog is None
    assert "passed" in view.banner.text()


def test_side_by_side_shares_the_width_of_overlapping_blocks() -> None:
    assert side_by_side([(0, 60), (30, 90), (90, 120), (100, 110)]) == [
        (0, 2),
        (1, 2),
        (0, 2),
        (1, 2),
    ]
    assert side_by_side([(0, 30), (30, 60)]) == [(0, 1), (0, 1)]
    assert side_by_side([]) == []


def test_point_for_and_column_at_agree(view: CalendarView) -> None:
    calendar = view.calendar
    for column in range(7):
        point = calendar.point_for(column, time(12, 30))
        assert calendar.column_at(point.x()) == (column, 0)
        assert 12 * 60 + 30 <= calendar.minutes_at(point.y()) < 12 * 60 + 45


def test_a_practitioner_sees_their_own_week_first(
    qtbot: QtBot, ctx: AppContext, clinic: Clinic
) -> None:
    view = CalendarView(ctx, clinic.ben_actor)
    qtbot.addWidget(view)
    view.show_day(MONDAY)
    view.show()
    qtbot.waitUntil(lambda: view.is_loaded() and view.data is not None, timeout=WAIT_MS)
    assert [p.id for p in _data(view).shown] == [clinic.ben]
    assert view.calendar.appointments() == []
    assert "Ben Okafor" in view.subtitle_label.text()
