"""The idle lock, and the login dialog slowing down repeated failures."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QApplication, QDialog
from pytestqt.qtbot import QtBot

from desktop_app.bootstrap import AppContext
from desktop_app.clinic.commands import UpdateClinicSettings
from desktop_app.kernel.actor import Actor
from desktop_app.staff import auth
from tests.ui.sample_clinic import MANAGER_EMAIL, MANAGER_PASSWORD, delete_closed_widgets
from ui.shell.idle_lock import MINUTE_MS, LockCover, LockDialog
from ui.shell.login import LoginDialog
from ui.shell.main_window import MainWindow
from ui.staff.password_dialogs import ChangePasswordDialog

WAIT = 10_000


@pytest.fixture(autouse=True)
def _no_closed_windows_left() -> Iterator[None]:
    yield
    delete_closed_widgets()


def _window(qtbot: QtBot, ctx: AppContext, actor: Actor, idle_ms: int | None) -> MainWindow:
    window = MainWindow(ctx, actor, idle_timeout_ms=idle_ms)
    qtbot.addWidget(window)
    window.resize(1100, 700)
    window.show()
    return window


def _covers() -> list[LockCover]:
    found: dict[int, LockCover] = {}
    for top in QApplication.topLevelWidgets():
        # A dialog is a child of the window as well as a window: count each cover once.
        found.update({id(w): w for w in top.findChildren(LockCover) if w.isVisible()})
    return list(found.values())


def test_locks_when_idle_and_opens_only_for_the_same_password(
    qtbot: QtBot, sqlite_app: AppContext, manager: Actor
) -> None:
    window = _window(qtbot, sqlite_app, manager, idle_ms=120)
    qtbot.waitUntil(lambda: window.idle_lock.locked, timeout=WAIT)
    lock = window.idle_lock.dialog
    assert isinstance(lock, LockDialog)
    assert lock.isVisible() and lock.isModal()
    assert "Morgan Reyes is logged in" in lock.who_label.text()
    # Nothing of the window shows: one opaque cover over all of it.
    assert len(_covers()) == 1
    assert _covers()[0].geometry() == window.rect()

    lock.password.setText("not my password")
    lock.unlock_button.click()
    qtbot.waitUntil(lambda: lock.error_label.isVisible(), timeout=WAIT)
    assert "not Morgan's password" in lock.error_label.text()
    assert lock.password.text() == ""
    assert window.idle_lock.locked
    # Escape does not open it either.
    lock.reject()
    assert lock.isVisible()

    window.idle_lock.set_timeout_ms(0)  # no second lock while the test looks
    lock.password.setText(MANAGER_PASSWORD)
    lock.unlock_button.click()
    qtbot.waitUntil(lambda: not window.idle_lock.locked, timeout=WAIT)
    qtbot.waitUntil(lambda: not _covers())
    assert window.idle_lock.dialog is None
    assert not window.logged_out


def test_someone_else_closes_the_session_and_its_dialogs(
    qtbot: QtBot, sqlite_app: AppContext, manager: Actor
) -> None:
    window = _window(qtbot, sqlite_app, manager, idle_ms=0)
    window.change_password()
    dialog = window.password_dialog
    assert isinstance(dialog, ChangePasswordDialog) and dialog.isVisible()
    dialog.current.setText("half typed")

    window.idle_lock.lock()  # as "Lock now" (Ctrl+L) does
    lock = window.idle_lock.dialog
    assert lock is not None and lock.isVisible()
    # The dialog left open is covered too.
    assert len(_covers()) == 2

    with qtbot.waitSignal(window.logout_requested, timeout=WAIT):
        lock.switch_button.click()
    assert window.logged_out
    assert not dialog.isVisible()
    assert dialog.result() == QDialog.DialogCode.Rejected
    assert not window.idle_lock.locked
    assert not _covers()


def test_the_timeout_follows_the_clinic_setting(
    qtbot: QtBot, sqlite_app: AppContext, manager: Actor
) -> None:
    window = _window(qtbot, sqlite_app, manager, idle_ms=None)
    watcher = window.idle_lock.watcher
    qtbot.waitUntil(lambda: watcher.timeout_ms == 5 * MINUTE_MS, timeout=WAIT)
    sqlite_app.bus.handle(UpdateClinicSettings(values={"idle_lock_minutes": 0}), manager)
    qtbot.waitUntil(lambda: watcher.timeout_ms == 0, timeout=WAIT)


def test_login_shows_the_wait_after_repeated_failures(
    qtbot: QtBot, sqlite_app: AppContext, manager: Actor
) -> None:
    for _ in range(auth.FREE_ATTEMPTS):
        with pytest.raises(auth.LoginFailed):
            auth.login(sqlite_app.db, MANAGER_EMAIL, "wrong guess")
    dialog = LoginDialog(sqlite_app, email=MANAGER_EMAIL)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.password.setText(MANAGER_PASSWORD)
    dialog.login_button.click()
    qtbot.waitUntil(lambda: dialog.error_label.isVisible(), timeout=WAIT)
    assert "Too many failed attempts" in dialog.error_label.text()
    assert "Try again in" in dialog.error_label.text()
    # Nothing typed is lost, and the button says how long to wait.
    assert dialog.email.text() == MANAGER_EMAIL
    assert dialog.password.text() == MANAGER_PASSWORD
    assert not dialog.login_button.isEnabled()
    assert dialog.login_button.text().startswith("Wait ")
    assert dialog.actor is None
