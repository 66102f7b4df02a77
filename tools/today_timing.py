"""Timing a day switch in the Today view, for bench/today_switch.py.

Times, on the GUI thread, from the day step (what ← / → do) to the new day
painted: the background load of the appointments and the free times, the
layout, and one full paint of the grid.

- cold: nothing fetched ahead (the view's cache emptied before every step);
- ahead: the usual case, the neighbouring days fetched while the desk looks
  at the current one (the view does this by itself after every switch).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QDeadlineTimer, QEventLoop, QTimer
from PySide6.QtWidgets import QApplication

from desktop_app.bootstrap import AppContext
from desktop_app.kernel.actor import Actor, workstation_name
from desktop_app.staff import queries as staff_queries
from models.enums import Role
from ui.kit.ops import pending_operations
from ui.shell.app import ensure_application
from ui.shell.main_window import MainWindow
from ui.today.page import TodayView


@dataclass(frozen=True)
class SwitchTimes:
    columns: int
    appointments: int
    free_times: int
    day: str
    cold_ms: list[float]
    ahead_ms: list[float]
    repaint_ms: list[float]


def _settle(condition: Callable[[], bool], timeout_ms: int = 60_000) -> None:
    """Between measurements only: let the view finish whatever it does."""
    app = QApplication.instance()
    assert app is not None
    deadline = QDeadlineTimer(timeout_ms)
    while not condition():
        if deadline.hasExpired():
            raise TimeoutError("the Today view did not load in time")
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        time.sleep(0.005)


def _switch(view: TodayView, step: int) -> float:
    # A real event loop, idle until the view says it has loaded: it sleeps in
    # Qt without the GIL, as the application's does, leaving the workers free.
    # (A Python loop polling processEvents would hold the GIL they need.)
    loop = QEventLoop()
    view.loaded.connect(loop.quit)
    QTimer.singleShot(60_000, loop.quit)
    started = time.perf_counter()
    view.step_days(step)
    if not view.is_loaded():
        loop.exec()
    view.loaded.disconnect(loop.quit)
    view.grid.viewport().repaint()
    return (time.perf_counter() - started) * 1000


def time_day_switches(ctx: AppContext, steps: int, service_prefix: str) -> SwitchTimes:
    """Step back and forth between tomorrow and the day after, `steps` times each way."""
    ensure_application()
    desk = next(s for s in staff_queries.staff_accounts(ctx.db) if Role.FRONT_DESK in s.roles)
    window = MainWindow(ctx, Actor(desk.id, desk.name, desk.roles, workstation_name()))
    window.resize(1280, 800)
    window.show()
    try:
        view = window.show_page("today")
        assert isinstance(view, TodayView)
        _settle(lambda: view.is_loaded() and pending_operations() == 0)
        combo = view.service_combo
        wanted = next(
            (i for i in range(combo.count()) if combo.itemText(i).startswith(service_prefix)), 0
        )
        combo.setCurrentIndex(wanted)
        _settle(lambda: view.is_loaded() and pending_operations() == 0)

        view.prefetch = False
        cold = []
        for i in range(steps):
            view.forget_loaded_days()
            cold.append(_switch(view, 1 if i % 2 == 0 else -1))

        view.prefetch = True
        view.forget_loaded_days()
        _switch(view, 1)
        ahead = []
        for i in range(steps):
            # The desk looks at a day for a moment; the neighbours arrive meanwhile.
            _settle(lambda: pending_operations() == 0)
            ahead.append(_switch(view, 1 if i % 2 == 0 else -1))

        repaint = []
        for _ in range(steps):
            started = time.perf_counter()
            view.grid.viewport().repaint()
            repaint.append((time.perf_counter() - started) * 1000)
        data, layout = view.data, view.day_layout
        assert data is not None and layout is not None
        return SwitchTimes(
            len(layout.columns),
            len(data.rows),
            len(data.slots),
            f"{data.day} ({data.service.name if data.service else 'no service'})",
            cold,
            ahead,
            repaint,
        )
    finally:
        window.close()
        _settle(lambda: pending_operations() == 0)
        window.deleteLater()
