"""My schedule: the week grid driven with the mouse and keys, exceptions,
settings, a manager editing on someone's behalf; what was stored is read back
through the core (desktop_app.schedules.schedule_of)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from desktop_app.availability import queries as schedule_queries
from desktop_app.availability.commands import SetWeeklyRules, WeeklyBlockInput
from desktop_app.availability.queries import ScheduleView
from desktop_app.bootstrap import AppContext
from desktop_app.clinic import queries as clinic_queries
from desktop_app.kernel.actor import Actor
from models import PractitionerStatus, Role
from tests import factories
from ui.schedule.page import EXCEPTIONS_TAB, SETTINGS_TAB, MyScheduleView
from ui.schedule.week_grid import WeekGrid
from ui.shell.main_window import MainWindow

LEFT = Qt.MouseButton.LeftButton
NONE = Qt.KeyboardModifier.NoModifier
TIMEOUT = 10_000


@dataclass(frozen=True)
class Clinic:
    manager: Actor
    practitioner: Actor  # Aisha Karim
    ben: uuid.UUID
    today: date  # in the clinic's (and the practitioners') zone


@pytest.fixture
def clinic(sqlite_app: AppContext) -> Clinic:
    """A manager and three practitioners, built directly: no password hashing, so fast."""
    service = factories.service(sqlite_app, "Individual", 50)
    manager = factories.staff(sqlite_app, "Morgan Reyes", Role.MANAGER)
    aisha, _ = factories.practitioner(sqlite_app, "Aisha Karim", services=(service,))
    _, ben = factories.practitioner(
        sqlite_app, "Ben Okafor", services=(service,), weekly=((0, time(8), time(12)),)
    )
    factories.practitioner(sqlite_app, "Daniel Novak", status=PractitionerStatus.APPLIED)
    zone = ZoneInfo(clinic_queries.clinic_settings(sqlite_app.db).timezone)
    return Clinic(manager, aisha, ben, sqlite_app.clock.now().astimezone(zone).date())


def _pid(ctx: AppContext, actor: Actor) -> uuid.UUID:
    assert actor.account_id is not None
    pid = schedule_queries.practitioner_id_of_account(ctx.db, actor.account_id)
    assert pid is not None
    return pid


def _set_week(ctx: AppContext, actor: Actor, pid: uuid.UUID, *blocks: tuple[int, int, int]) -> None:
    ctx.bus.handle(
        SetWeeklyRules(
            practitioner_id=pid,
            blocks=tuple(WeeklyBlockInput(d, time(s), time(e)) for d, s, e in blocks),
        ),
        actor,
    )


def _stored(ctx: AppContext, pid: uuid.UUID) -> ScheduleView:
    return schedule_queries.schedule_of(ctx.db, pid, date.today() - timedelta(days=2))


def _week(ctx: AppContext, pid: uuid.UUID) -> list[tuple[int, time, time]]:
    return [(b.weekday, b.start, b.end) for b in _stored(ctx, pid).weekly]


def _open(qtbot: QtBot, ctx: AppContext, actor: Actor) -> MyScheduleView:
    window = MainWindow(ctx, actor)
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    view = window.show_page("my_schedule")
    assert isinstance(view, MyScheduleView)
    _settle(qtbot, view)
    return view


def _settle(qtbot: QtBot, view: MyScheduleView) -> None:
    qtbot.waitUntil(
        lambda: view.is_loaded() and view.practitioner_id() is not None, timeout=TIMEOUT
    )


def _drag(grid: WeekGrid, start: QPoint, end: QPoint) -> None:
    QTest.mousePress(grid, LEFT, NONE, start)
    QTest.mouseMove(grid, (start + end) / 2)
    QTest.mouseMove(grid, end)
    QTest.mouseRelease(grid, LEFT, NONE, end)


def _send(qtbot: QtBot, view: MyScheduleView, button: QWidget) -> bool:
    """Click a button that sends a command; True if the core accepted it."""
    with qtbot.waitSignal(view.command_finished, timeout=TIMEOUT) as blocker:
        QTest.mouseClick(button, LEFT)
    _settle(qtbot, view)
    accepted = blocker.args[0] if blocker.args else False
    return bool(accepted)


def test_drag_on_free_time_adds_a_block_and_save_stores_the_week(
    qtbot: QtBot, sqlite_app: AppContext, clinic: Clinic
) -> None:
    pid = _pid(sqlite_app, clinic.practitioner)
    _set_week(sqlite_app, clinic.practitioner, pid, (0, 9, 12))
    view = _open(qtbot, sqlite_app, clinic.practitioner)
    grid = view.grid
    assert [b.times for b in grid.blocks()] == ["09:00–12:00"]
    assert not view.save_button.isEnabled()

    # From inside the 10:00 slot to inside the 11:45 slot: 10:00–12:00 on Tuesday.
    _drag(grid, grid.point_for(1, time(10, 5)), grid.point_for(1, time(11, 55)))
    assert [(b.weekday, b.times) for b in grid.blocks()] == [(0, "09:00–12:00"), (1, "10:00–12:00")]
    assert view.save_button.isEnabled() and view.discard_button.isEnabled()
    assert "•" in view.tabs.tabText(0)
    assert _week(sqlite_app, pid) == [(0, time(9), time(12))]  # nothing stored before Save

    # A double-click on free time adds an hour from the slot under the pointer.
    QTest.mouseDClick(grid, LEFT, NONE, grid.point_for(2, time(15, 5)))
    assert (2, "15:00–16:00") in [(b.weekday, b.times) for b in grid.blocks()]

    assert _send(qtbot, view, view.save_button)
    assert _week(sqlite_app, pid) == [
        (0, time(9), time(12)),
        (1, time(10), time(12)),
        (2, time(15), time(16)),
    ]
    assert not view.save_button.isEnabled()
    assert "Weekly hours saved" in view.banner.text()


def test_move_resize_nudge_and_delete_with_the_mouse_and_keys(
    qtbot: QtBot, sqlite_app: AppContext, clinic: Clinic
) -> None:
    pid = _pid(sqlite_app, clinic.practitioner)
    _set_week(sqlite_app, clinic.practitioner, pid, (0, 9, 12))
    view = _open(qtbot, sqlite_app, clinic.practitioner)
    grid = view.grid

    # Move: grab the body at 10:30 on Monday, drop at 14:30 on Wednesday (+4 h).
    _drag(grid, grid.point_for(0, time(10, 30)), grid.point_for(2, time(14, 30)))
    assert [(b.weekday, b.times) for b in grid.blocks()] == [(2, "13:00–16:00")]
    assert grid.selected_index() == 0

    # Resize: the bottom edge from 16:00 down to 17:00.
    bottom = grid.block_rect(0).bottom()
    edge = QPoint(grid.point_for(2, time(12)).x(), round(bottom) - 1)
    _drag(grid, edge, grid.point_for(2, time(17)))
    assert [b.times for b in grid.blocks()] == ["13:00–17:00"]

    # Keys: Down moves the selected block by one slot interval (15 minutes).
    grid.setFocus()
    QTest.keyClick(grid, Qt.Key.Key_Down)
    assert [b.times for b in grid.blocks()] == ["13:15–17:15"]
    QTest.keyClick(grid, Qt.Key.Key_Up)

    assert _send(qtbot, view, view.save_button)
    assert _week(sqlite_app, pid) == [(2, time(13), time(17))]

    # Delete: click to select, then the Delete key.
    QTest.mouseClick(grid, LEFT, NONE, grid.point_for(2, time(15)))
    assert grid.selected_index() == 0
    QTest.keyClick(grid, Qt.Key.Key_Delete)
    assert grid.blocks() == ()
    assert _send(qtbot, view, view.save_button)
    assert _week(sqlite_app, pid) == []


def test_a_dragged_overlap_snaps_back_with_a_reason(
    qtbot: QtBot, sqlite_app: AppContext, clinic: Clinic
) -> None:
    pid = _pid(sqlite_app, clinic.practitioner)
    _set_week(sqlite_app, clinic.practitioner, pid, (0, 9, 12), (0, 14, 16))
    view = _open(qtbot, sqlite_app, clinic.practitioner)
    grid = view.grid
    before = grid.blocks()

    _drag(grid, grid.point_for(0, time(12, 30)), grid.point_for(0, time(14, 40)))  # onto 14–16
    _drag(grid, grid.point_for(0, time(15)), grid.point_for(0, time(11)))  # move into 9–12
    assert grid.blocks() == before
    assert "would overlap" in view.banner.text()
    assert not view.save_button.isEnabled()


def test_overlapping_and_off_grid_blocks_are_refused_by_the_core_and_kept(
    qtbot: QtBot, sqlite_app: AppContext, clinic: Clinic
) -> None:
    pid = _pid(sqlite_app, clinic.practitioner)
    _set_week(sqlite_app, clinic.practitioner, pid, (0, 9, 12))
    view = _open(qtbot, sqlite_app, clinic.practitioner)
    grid = view.grid

    # Typed exactly in the block dialog: 11:00–13:00 on Monday overlaps 09:00–12:00.
    QTest.mouseClick(view.add_block_button, LEFT)
    dialog = view.block_dialog
    assert dialog is not None
    dialog.day.setCurrentIndex(0)
    dialog.start.setTime(dialog.start.time().fromString("11:00", "HH:mm"))
    dialog.end.setTime(dialog.end.time().fromString("13:00", "HH:mm"))
    dialog.accept()
    assert len(grid.blocks()) == 2 and grid.problems() == {0, 1}

    assert not _send(qtbot, view, view.save_button)
    assert "09:00–12:00 and 11:00–13:00 overlap" in view.banner.text()
    assert view.banner.kind == "error"
    assert _week(sqlite_app, pid) == [(0, time(9), time(12))]
    assert len(grid.blocks()) == 2 and view.save_button.isEnabled()  # edits kept

    # Fixed by moving it to Tuesday, but now off the 15-minute grid (14:10).
    view.open_block_dialog(1)
    dialog = view.block_dialog
    assert dialog is not None
    dialog.day.setCurrentIndex(1)
    dialog.start.setTime(dialog.start.time().fromString("14:10", "HH:mm"))
    dialog.end.setTime(dialog.end.time().fromString("15:00", "HH:mm"))
    dialog.accept()
    assert not _send(qtbot, view, view.save_button)
    assert "14:10 is off the 15-minute slot grid" in view.banner.text()
    assert _week(sqlite_app, pid) == [(0, time(9), time(12))]
    assert [b.times for b in grid.blocks()] == ["09:00–12:00", "14:10–15:00"]


def test_end_before_start_is_refused_in_the_block_dialog(
    qtbot: QtBot, sqlite_app: AppContext, clinic: Clinic
) -> None:
    view = _open(qtbot, sqlite_app, clinic.practitioner)
    before = view.grid.blocks()
    dialog = view.open_block_dialog(None)
    assert dialog is not None
    dialog.start.setTime(dialog.start.time().fromString("12:00", "HH:mm"))
    dialog.end.setTime(dialog.end.time().fromString("09:00", "HH:mm"))
    dialog.accept()
    assert dialog.isVisible()
    assert "The end (09:00) must be after the start (12:00)" in dialog.error.text()
    dialog.reject()
    assert view.grid.blocks() == before


def test_block_dialog_limits_a_block_to_services_and_a_room(
    qtbot: QtBot, sqlite_app: AppContext, clinic: Clinic
) -> None:
    pid = _pid(sqlite_app, clinic.practitioner)
    _set_week(sqlite_app, clinic.practitioner, pid, (3, 9, 12))
    view = _open(qtbot, sqlite_app, clinic.practitioner)
    grid = view.grid
    QTest.mouseDClick(grid, LEFT, NONE, grid.point_for(3, time(10)))
    dialog = view.block_dialog
    assert dialog is not None
    dialog.some_services.setChecked(True)
    dialog.service_list.item(0).setCheckState(Qt.CheckState.Checked)
    dialog.room.setText("Room 4")
    chosen = dialog.service_list.item(0).data(Qt.ItemDataRole.UserRole)
    dialog.accept()
    assert _send(qtbot, view, view.save_button)
    stored = _stored(sqlite_app, pid).weekly
    assert [(b.service_ids, b.room) for b in stored] == [(frozenset({chosen}), "Room 4")]


def test_a_change_elsewhere_never_replaces_unsaved_edits(
    qtbot: QtBot, sqlite_app: AppContext, clinic: Clinic
) -> None:
    pid = _pid(sqlite_app, clinic.practitioner)
    _set_week(sqlite_app, clinic.practitioner, pid, (0, 9, 12))
    view = _open(qtbot, sqlite_app, clinic.practitioner)
    grid = view.grid
    _drag(grid, grid.point_for(4, time(9, 5)), grid.point_for(4, time(10, 55)))
    loads = view.load_count

    # The manager changes the stored week meanwhile (another workstation, say).
    _set_week(sqlite_app, clinic.manager, pid, (0, 8, 10))
    qtbot.waitUntil(lambda: view.load_count > loads and view.is_loaded(), timeout=TIMEOUT)
    assert [(b.weekday, b.times) for b in grid.blocks()] == [(0, "09:00–12:00"), (4, "09:00–11:00")]
    assert "changed elsewhere" in view.banner.text()
    assert view.save_button.isEnabled()

    QTest.mouseClick(view.discard_button, LEFT)
    assert [(b.weekday, b.times) for b in grid.blocks()] == [(0, "08:00–10:00")]
    assert not view.save_button.isEnabled()


def test_date_exceptions_closed_and_custom_hours_then_removed(
    qtbot: QtBot, sqlite_app: AppContext, clinic: Clinic
) -> None:
    pid = _pid(sqlite_app, clinic.practitioner)
    view = _open(qtbot, sqlite_app, clinic.practitioner)
    view.show_tab(EXCEPTIONS_TAB)
    panel = view.exceptions
    closed_day = clinic.today + timedelta(days=3)
    custom_day = clinic.today + timedelta(days=4)

    panel.select_date(closed_day)
    QTest.mouseClick(panel.closed_radio, LEFT)
    QTest.keyClicks(panel.reason, "Conference")
    assert _send(qtbot, view, panel.save_override_button)

    panel.select_date(custom_day)
    QTest.mouseClick(panel.custom_radio, LEFT)
    assert panel.hours.isVisible()
    start, end = panel.hours.row_edits(0)
    start.setTime(start.time().fromString("10:00", "HH:mm"))
    end.setTime(end.time().fromString("13:00", "HH:mm"))
    assert _send(qtbot, view, panel.save_override_button)

    overrides = [(o.day, o.blocks, o.reason) for o in _stored(sqlite_app, pid).overrides]
    assert overrides == [
        (closed_day, (), "Conference"),
        (custom_day, ((time(10), time(13)),), ""),
    ]
    assert panel.upcoming.count() == 2
    assert "Closed all day — Conference" in panel.upcoming.item(0).text()

    panel.select_date(closed_day)
    assert panel.remove_override_button.isEnabled()
    assert _send(qtbot, view, panel.remove_override_button)
    assert [o.day for o in _stored(sqlite_app, pid).overrides] == [custom_day]


def test_an_exception_in_the_past_is_refused_with_a_message(
    qtbot: QtBot, sqlite_app: AppContext, clinic: Clinic
) -> None:
    pid = _pid(sqlite_app, clinic.practitioner)
    view = _open(qtbot, sqlite_app, clinic.practitioner)
    view.show_tab(EXCEPTIONS_TAB)
    panel = view.exceptions
    yesterday = clinic.today - timedelta(days=1)
    panel.select_date(yesterday)
    assert "has passed" in panel.date_state.text()
    QTest.keyClicks(panel.reason, "Sick")
    assert not _send(qtbot, view, panel.save_override_button)
    assert f"{yesterday.isoformat()} is in the past" in view.banner.text()
    assert panel.reason.text() == "Sick"  # kept
    # schedule_of reads from two days back here: yesterday would show if stored.
    assert _stored(sqlite_app, pid).overrides == ()


def test_add_and_remove_a_repeating_exception(
    qtbot: QtBot, sqlite_app: AppContext, clinic: Clinic
) -> None:
    pid = _pid(sqlite_app, clinic.practitioner)
    view = _open(qtbot, sqlite_app, clinic.practitioner)
    view.show_tab(EXCEPTIONS_TAB)
    panel = view.exceptions
    QTest.mouseClick(panel.add_recurring_button, LEFT)
    dialog = panel.recurring_dialog
    assert dialog is not None and dialog.isVisible()
    dialog.pattern.setCurrentIndex(dialog.pattern.findData("first"))
    dialog.weekday.setCurrentIndex(0)
    dialog.reason.setText("Team meeting")
    assert "Mon" in dialog.preview.text()
    with qtbot.waitSignal(view.command_finished, timeout=TIMEOUT):
        dialog.accept()
    _settle(qtbot, view)

    stored = _stored(sqlite_app, pid).recurring
    assert [(r.rrule, r.start, r.end, r.reason) for r in stored] == [
        ("FREQ=MONTHLY;BYDAY=1MO", None, None, "Team meeting")
    ]
    assert panel.recurring_list.count() == 1
    assert (
        panel.recurring_list.item(0)
        .text()
        .startswith("Every first Monday of the month, whole day — Team meeting")
    )

    panel.recurring_list.setCurrentRow(0)
    assert _send(qtbot, view, panel.remove_recurring_button)
    assert _stored(sqlite_app, pid).recurring == ()


def test_settings_are_saved_and_an_invalid_value_is_refused(
    qtbot: QtBot, sqlite_app: AppContext, clinic: Clinic
) -> None:
    pid = _pid(sqlite_app, clinic.practitioner)
    view = _open(qtbot, sqlite_app, clinic.practitioner)
    view.show_tab(SETTINGS_TAB)
    panel = view.settings_panel
    assert not panel.save_button.isEnabled()
    panel.buffer_after.setValue(10)
    panel.max_per_day.setValue(6)
    assert _send(qtbot, view, panel.save_button)
    stored = _stored(sqlite_app, pid).settings
    assert (stored.buffer_after_min, stored.max_per_day, stored.slot_interval_min) == (10, 6, 15)

    panel.interval.setValue(7)
    assert not _send(qtbot, view, panel.save_button)
    assert "must divide the day evenly" in view.banner.text()
    assert _stored(sqlite_app, pid).settings.slot_interval_min == 15
    assert panel.interval.value() == 7 and panel.save_button.isEnabled()  # kept


def test_a_manager_picks_a_practitioner_and_edits_on_their_behalf(
    qtbot: QtBot, sqlite_app: AppContext, clinic: Clinic
) -> None:
    aisha = _pid(sqlite_app, clinic.practitioner)
    view = _open(qtbot, sqlite_app, clinic.manager)
    assert view.title_label.text() == "Schedules"
    combo = view.practitioner_combo
    assert combo.isVisible() and combo.isEnabled()
    assert [combo.itemText(i) for i in range(combo.count())] == [
        "Aisha Karim",
        "Ben Okafor",
        "Daniel Novak (applied)",
    ]
    ben = combo.itemData(1)
    assert ben == clinic.ben
    aisha_week = _week(sqlite_app, aisha)

    combo.setCurrentIndex(1)
    qtbot.waitUntil(lambda: view.practitioner_id() == ben and view.is_loaded(), timeout=TIMEOUT)
    assert "Ben Okafor" in view.subtitle_label.text()
    grid = view.grid
    assert [(b.weekday, b.times) for b in grid.blocks()] == [(0, "08:00–12:00")]
    _drag(grid, grid.point_for(6, time(10, 5)), grid.point_for(6, time(11, 55)))
    assert _send(qtbot, view, view.save_button)
    assert (6, time(10), time(12)) in _week(sqlite_app, ben)
    assert _week(sqlite_app, aisha) == aisha_week

    # Unsaved edits hold the picker: nothing typed is hidden by switching.
    QTest.mouseClick(grid, LEFT, NONE, grid.point_for(6, time(11)))
    QTest.keyClick(grid, Qt.Key.Key_Delete)
    combo.setCurrentIndex(0)
    assert combo.currentIndex() == 1 and view.practitioner_id() == ben
    assert "unsaved changes" in view.banner.text()


def test_a_manager_adds_and_removes_a_clinic_holiday(
    qtbot: QtBot, sqlite_app: AppContext, clinic: Clinic
) -> None:
    aisha = _pid(sqlite_app, clinic.practitioner)
    view = _open(qtbot, sqlite_app, clinic.manager)
    view.show_tab(EXCEPTIONS_TAB)
    panel = view.exceptions
    assert panel.add_holiday_button.isVisible()
    day = clinic.today + timedelta(days=10)
    panel.select_date(day)
    QTest.mouseClick(panel.add_holiday_button, LEFT)
    dialog = panel.holiday_dialog
    assert dialog is not None
    dialog.name.setText("Staff training day")
    with qtbot.waitSignal(view.command_finished, timeout=TIMEOUT):
        dialog.accept()
    _settle(qtbot, view)
    assert [(h.day, h.name) for h in _stored(sqlite_app, aisha).holidays] == [
        (day, "Staff training day")
    ]
    assert "Clinic holiday — Staff training day" in panel.upcoming.item(0).text()
    assert "Clinic holiday: Staff training day" in panel.date_state.text()

    assert _send(qtbot, view, panel.remove_holiday_button)
    assert _stored(sqlite_app, aisha).holidays == ()


def test_a_practitioner_sees_only_their_own_schedule(
    qtbot: QtBot, sqlite_app: AppContext, clinic: Clinic
) -> None:
    own = _pid(sqlite_app, clinic.practitioner)
    view = _open(qtbot, sqlite_app, clinic.practitioner)
    assert view.title_label.text() == "My schedule"
    assert view.practitioner_id() == own
    assert not view.practitioner_combo.isVisible()
    assert view.practitioner_combo.count() == 1  # themselves, nobody else to pick

    view.select_practitioner(clinic.ben)
    view.refresh()
    _settle(qtbot, view)
    assert view.practitioner_id() == own

    view.show_tab(EXCEPTIONS_TAB)
    assert not view.exceptions.add_holiday_button.isVisible()
