"""The status bar says how the workstation is linked to the clinic's database."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from desktop_app.bootstrap import AppContext
from desktop_app.live.status import LinkState, LinkStatus
from tests.ui.sample_clinic import create_manager, settle
from ui.shell.main_window import MainWindow


def test_live_reconnecting_and_back(qtbot: QtBot, sqlite_app: AppContext) -> None:
    manager = create_manager(sqlite_app)
    live = sqlite_app.start_live()
    window = MainWindow(sqlite_app, manager)
    qtbot.addWidget(window)
    window.show()
    indicator = window.connection
    qtbot.waitUntil(lambda: indicator.text() == "● Live", timeout=10_000)
    now = sqlite_app.clock.now()
    # Set from the feed's thread, as a lost server would.
    live.stop()
    live.status.set(LinkStatus(LinkState.RECONNECTING, now, "connection refused", 3))
    qtbot.waitUntil(lambda: "Reconnecting" in indicator.text(), timeout=10_000)
    assert "connection refused" in indicator.toolTip()
    assert "nothing can be saved" in indicator.toolTip()
    with qtbot.waitSignal(indicator.reconnected, timeout=10_000):
        live.status.set(LinkStatus(LinkState.BACK, now))
    assert indicator.text() == "● Back online — up to date"
    # A manager sees who is connected (this workstation, running again).
    sqlite_app.start_live()
    indicator.click()
    assert indicator.dialog is not None and indicator.dialog.isVisible()
    qtbot.waitUntil(
        lambda: indicator.dialog is not None and indicator.dialog.rows != [], timeout=10_000
    )
    indicator.dialog.close()
    settle(qtbot)
