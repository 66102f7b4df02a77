"""run_gui end to end: first run, login, main window, log out, quit."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from desktop_app.bootstrap import AppContext
from desktop_app.clinic import queries as clinic_queries
from desktop_app.kernel.actor import Actor
from desktop_app.staff import queries as staff_queries
from tests.ui.sample_clinic import MANAGER_EMAIL, MANAGER_PASSWORD
from ui.shell.app import run_gui
from ui.shell.first_run import FirstRunWizard
from ui.shell.login import LoginDialog
from ui.shell.main_window import MainWindow


@pytest.fixture
def driver(qapp: QApplication) -> Iterator[Callable[[Callable[[], None]], None]]:
    """Calls `step` every few milliseconds while run_gui's loops run."""
    timer = QTimer()
    timer.setInterval(10)

    def start(step: Callable[[], None]) -> None:
        timer.timeout.connect(step)
        timer.start()

    yield start
    timer.stop()
    qapp.setQuitOnLastWindowClosed(True)


def _visible(kind: type[QWidget]) -> QWidget | None:
    return next(
        (w for w in QApplication.topLevelWidgets() if isinstance(w, kind) and w.isVisible()),
        None,
    )


def test_first_run_then_login_then_log_out_then_quit(
    qtbot: QtBot, sqlite_app: AppContext, driver: Callable[[Callable[[], None]], None]
) -> None:
    seen: list[str] = []

    def step() -> None:
        wizard = _visible(FirstRunWizard)
        login = _visible(LoginDialog)
        window = _visible(MainWindow)
        if isinstance(wizard, FirstRunWizard) and "wizard" not in seen:
            seen.append("wizard")
            wizard.clinic_name.setText("Harbour Dental")
            wizard.name.setText("Mina Park")
            wizard.email.setText("mina@harbour.example")
            wizard.password.setText("long-enough-pw")
            wizard.password_again.setText("long-enough-pw")
            wizard.create_button.click()
        elif isinstance(login, LoginDialog) and login.login_button.isEnabled():
            if "main" in seen:
                # Back at the login after logging out: quit from here.
                seen.append("quit")
                login.reject()
                return
            seen.append(f"login:{login.email.text()}")
            login.password.setText("long-enough-pw")
            login.login_button.click()
        elif isinstance(window, MainWindow) and "main" not in seen:
            seen.append("main")
            window.log_out()

    driver(step)
    assert run_gui(sqlite_app) == 0
    # The login came with the new manager's e-mail already typed.
    assert seen == ["wizard", "login:mina@harbour.example", "main", "quit"]
    assert clinic_queries.clinic_settings(sqlite_app.db).clinic_name == "Harbour Dental"


def test_closing_the_main_window_ends_the_program(
    qtbot: QtBot,
    sqlite_app: AppContext,
    manager: Actor,
    driver: Callable[[Callable[[], None]], None],
) -> None:
    seen: list[str] = []

    def step() -> None:
        login = _visible(LoginDialog)
        window = _visible(MainWindow)
        if isinstance(login, LoginDialog) and not seen:
            seen.append("login")
            login.email.setText(MANAGER_EMAIL)
            login.password.setText(MANAGER_PASSWORD)
            login.login_button.click()
        elif isinstance(window, MainWindow) and seen == ["login"]:
            seen.append("main")
            assert window.actor.name == manager.name
            window.close()

    driver(step)
    assert run_gui(sqlite_app) == 0
    assert seen == ["login", "main"]


def test_quitting_the_wizard_creates_nothing(
    qtbot: QtBot, sqlite_app: AppContext, driver: Callable[[Callable[[], None]], None]
) -> None:
    def step() -> None:
        wizard = _visible(FirstRunWizard)
        if wizard is not None:
            wizard.close()

    driver(step)
    assert run_gui(sqlite_app) == 0
    assert not staff_queries.has_manager(sqlite_app.db)
