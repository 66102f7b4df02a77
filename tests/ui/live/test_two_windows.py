"""Two workstations' windows over one database: what one books, the other shows.

Each window has its own core (engine, bus, live feed), as two PCs or two
processes would; the only way from one to the other is the change feed in
the database (SQLite: the data version poller).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from pytestqt.qtbot import QtBot

from desktop_app.availability.slot_engine import Slot
from desktop_app.booking.commands import BookAppointment
from desktop_app.bootstrap import AppContext, open_app
from desktop_app.kernel.clock import FixedClock
from desktop_app.live.status import LinkState
from tests.ui.sample_clinic import (
    DAY_PLAN,
    SampleClinic,
    open_sample_hours,
    seed_sample_clinic,
    settle,
    with_fixed_clock,
)
from ui.booking.booking_dialog import BookingDialog, combo_index
from ui.shell.main_window import MainWindow
from ui.today.page import TodayView

NOW = datetime(2025, 1, 6, 8, 40, tzinfo=UTC)
WAIT = 10_000


@dataclass
class Workstation:
    ctx: AppContext
    clock: FixedClock
    window: MainWindow
    today: TodayView


@dataclass
class Clinic:
    a: Workstation
    b: Workstation
    clinic: SampleClinic
    ids: dict[str, object]


def _open_window(
    qtbot: QtBot, ctx: AppContext, clinic: SampleClinic, service: object
) -> MainWindow:
    window = MainWindow(ctx, clinic.desk)
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    view = window.current_view()
    assert isinstance(view, TodayView)
    qtbot.waitUntil(view.is_loaded, timeout=WAIT)
    view.service_combo.setCurrentIndex(combo_index(view.service_combo, service))
    qtbot.waitUntil(
        lambda: view.is_loaded() and view.data is not None and view.data.service_id == service,
        timeout=WAIT,
    )
    return window


@pytest.fixture
def two(qtbot: QtBot, sqlite_app: AppContext) -> Iterator[Clinic]:
    ctx_a, clock_a = with_fixed_clock(sqlite_app, NOW)
    clinic = seed_sample_clinic(ctx_a)
    ids = open_sample_hours(ctx_a, clinic)
    # The second workstation: its own engine over the same file.
    other = open_app(sqlite_app.choice, migrate=False)
    ctx_b, clock_b = with_fixed_clock(other, NOW)
    for ctx in (ctx_a, ctx_b):
        live = ctx.start_live(poll_interval_s=0.05)
        qtbot.waitUntil(lambda live=live: live.status.value.state is LinkState.CONNECTED)
    service = ids["Individual session"]
    window_a = _open_window(qtbot, ctx_a, clinic, service)
    window_b = _open_window(qtbot, ctx_b, clinic, service)
    a = Workstation(ctx_a, clock_a, window_a, window_a.current_view())  # type: ignore[arg-type]
    b = Workstation(ctx_b, clock_b, window_b, window_b.current_view())  # type: ignore[arg-type]
    try:
        yield Clinic(a, b, clinic, ids)  # type: ignore[arg-type]
    finally:
        settle(qtbot)
        ctx_a.stop_live()
        ctx_b.stop_live()
        other.db.dispose()


def _free(view: TodayView) -> set[Slot]:
    assert view.day_layout is not None
    return {b.slot for b in view.day_layout.free_blocks() if b.slot is not None}


def test_a_booking_at_one_desk_appears_at_the_other(qtbot: QtBot, two: Clinic) -> None:
    a, b = two.a, two.b
    service = two.ids["Individual session"]
    slot = sorted(_free(a.today), key=lambda s: s.start)[0]
    assert slot in _free(b.today)

    # The other desk has the booking dialog open on that practitioner's day.
    dialog = BookingDialog(
        b.ctx,
        two.clinic.desk,
        service_id=service,  # type: ignore[arg-type]
        practitioner_id=slot.practitioner_id,
    )
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(dialog.is_idle, timeout=WAIT)
    dialog.slots.set_day(slot.start.astimezone(two.clinic.tz).date())
    qtbot.waitUntil(lambda: dialog.slots.is_idle() and slot in dialog.slots.day_slots, timeout=WAIT)
    typed = "Someone on the phone"
    dialog.client_picker.search_edit.setText(typed)

    before = b.today.load_count
    a.ctx.bus.handle(
        BookAppointment(
            client_id=_client(a),  # type: ignore[arg-type]
            practitioner_id=slot.practitioner_id,
            service_id=service,  # type: ignore[arg-type]
            starts_at=slot.start,
        ),
        two.clinic.desk,
    )
    # The other window's day shows the appointment; its free time is gone.
    qtbot.waitUntil(
        lambda: b.today.load_count > before and b.today.is_loaded() and slot not in _free(b.today),
        timeout=WAIT,
    )
    assert b.today.model.rowCount() == len(DAY_PLAN) + 1
    # The dialog's free times lose it too; what the desk typed is still there.
    qtbot.waitUntil(
        lambda: dialog.slots.is_idle() and slot not in dialog.slots.day_slots, timeout=WAIT
    )
    assert dialog.slots.button_for(lambda s: s == slot) is None
    assert dialog.client_picker.search_edit.text() == typed
    assert b.window.connection.text() == "● Live"
    dialog.close()


def _client(ws: Workstation) -> object:
    from desktop_app.clients import queries as client_queries

    return client_queries.search_clients(ws.ctx.db, "Bruno")[0].id
