"""What every series of screenshots shares: the application, waiting for a
screen to load, saving it, the main window at the screenshots' size, and a
dialog drawn over its window.

The per-area modules (accounts, booking, credits, partners, settings) use
these; only `render` imports the per-area modules, so nothing here imports
any of them.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QDeadlineTimer, QEventLoop, QPoint, QRect, QSize
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QApplication, QDialog, QWidget

from desktop_app.bootstrap import AppContext
from desktop_app.kernel.actor import Actor, workstation_name
from desktop_app.staff.queries import StaffRow
from ui.kit.ops import pending_operations
from ui.kit.page import View
from ui.shell.main_window import MainWindow

WINDOW_SIZE = QSize(1280, 800)
LOAD_TIMEOUT_MS = 30_000


def application() -> QApplication:
    """The running application, made offscreen when there is no display."""
    if QApplication.instance() is None and not _has_display():
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from ui.shell.app import ensure_application

    return ensure_application()


def _has_display() -> bool:
    if sys.platform != "linux":
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def wait_until(condition: Callable[[], bool], timeout_ms: int = LOAD_TIMEOUT_MS) -> None:
    """Process events until `condition()` holds (background results arrive as events)."""
    app = QApplication.instance()
    assert app is not None
    deadline = QDeadlineTimer(timeout_ms)
    while not condition():
        if deadline.hasExpired():
            raise TimeoutError("the screen did not finish loading in time")
        app.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents, 50)
    # Let layouts settle on what was just loaded.
    app.processEvents()


def settled(view: View) -> Callable[[], bool]:
    """A condition for `wait_until`: the page has loaded and nothing is in flight."""
    return lambda: view.is_loaded() and pending_operations() == 0


def save(widget: QWidget, path: Path) -> Path:
    """Grab `widget` into a PNG file at `path`."""
    if not widget.grab().save(str(path)):
        raise OSError(f"could not write {path}")
    return path


def actor_for(row: StaffRow) -> Actor:
    """The staff member as the actor of the screens they see."""
    # Rendering only reads; no password is needed to look at the screens.
    return Actor(row.id, row.name, row.roles, workstation_name())


def open_window(ctx: AppContext, actor: Actor) -> MainWindow:
    """The main window for `actor`, at the screenshots' size, shown and loaded."""
    window = MainWindow(ctx, actor)
    window.resize(WINDOW_SIZE)
    window.show()
    wait_until(lambda: window.clinic_settings is not None)
    return window


def close(window: QWidget) -> None:
    window.close()
    window.deleteLater()


def centre_over(dialog: QWidget, window: QWidget, dx: int = 0) -> None:
    """Move `dialog` to the middle of `window` (`dx` pixels to the right)."""
    centre = window.mapToGlobal(window.rect().center())
    dialog.move(centre.x() - dialog.width() // 2 + dx, centre.y() - dialog.height() // 2)


def save_with_dialog(window: QWidget, dialog: QWidget, path: Path) -> Path:
    """The window with a dialog drawn where it is (an offscreen grab has no dialogs)."""
    shot = window.grab()
    offset = dialog.mapToGlobal(QPoint(0, 0)) - window.mapToGlobal(QPoint(0, 0))
    painter = QPainter(shot)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    frame = QRect(offset, dialog.size())
    # A soft shadow and a frame stand in for the window manager's decoration.
    for spread, alpha in ((6, 10), (3, 16), (1, 24)):
        painter.fillRect(
            frame.adjusted(-spread, -spread + 3, spread, spread + 3), QColor(0, 0, 0, alpha)
        )
    painter.drawPixmap(offset, dialog.grab())
    painter.setPen(QPen(QColor("#9aa5b1"), 1))
    painter.drawRect(frame.adjusted(0, 0, -1, -1))
    painter.end()
    if not shot.save(str(path)):
        raise OSError(f"could not write {path}")
    return path


def show_dialog(window: QWidget, dialog: QDialog, path: Path) -> Path:
    """Once `dialog` is up and loaded, centre it over `window` and save both."""
    wait_until(lambda: dialog.isVisible())
    wait_until(lambda: getattr(dialog, "is_loaded", lambda: True)() and pending_operations() == 0)
    centre_over(dialog, window)
    wait_until(lambda: True)
    return save_with_dialog(window, dialog, path)
