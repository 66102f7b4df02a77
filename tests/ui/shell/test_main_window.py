"""The main window: role-aware navigation, header, status bar, live views."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from desktop_app.bootstrap import AppContext
from desktop_app.clinic.commands import UpdateClinicSettings
from desktop_app.kernel.actor import Actor
from desktop_app.staff.commands import CreateStaffAccount
from models.enums import Role
from tests.ui.sample_clinic import CLINIC_NAME, DAY_PLAN, SampleClinic
from ui.audit.page import AuditLogView
from ui.clients.page import ClientsView
from ui.credits.page import CreditsView
from ui.kit.page import View
from ui.practitioners.page import PractitionersView
from ui.settings.page import SettingsView
from ui.shell.main_window import MainWindow
from ui.today.appointments_model import AppointmentTableModel
from ui.today.page import TodayView

MANAGER_ONLY = {"Practitioners", "Audit log", "Settings", "Staff"}


def _window(qtbot: QtBot, ctx: AppContext, actor: Actor) -> MainWindow:
    window = MainWindow(ctx, actor)
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    return window


def _loaded(qtbot: QtBot, view: View) -> None:
    qtbot.waitUntil(view.is_loaded, timeout=10_000)


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (
            Role.FRONT_DESK,
            ["Today", "Calendar", "Clients", "Credits & partners", "Reports", "Notifications"],
        ),
        (
            Role.PRACTITIONER,
            ["My schedule", "Calendar", "My sessions", "My profile", "Reports", "Notifications"],
        ),
        (
            Role.MANAGER,
            [
                "Today",
                "Schedules",
                "Calendar",
                "Clients",
                "Credits & partners",
                "Practitioners",
                "Reports",
                "Notifications",
                "Audit log",
                "Settings",
                "Staff",
            ],
        ),
    ],
)
def test_navigation_follows_the_roles(
    qtbot: QtBot, sqlite_app: AppContext, role: Role, expected: list[str]
) -> None:
    actor = Actor(None, "Someone", frozenset({role}), "test")
    window = _window(qtbot, sqlite_app, actor)
    titles = [window.navigation.item(i).text() for i in range(window.navigation.count())]
    assert titles == expected
    assert window.page_titles() == expected
    if role is not Role.MANAGER:
        assert not MANAGER_ONLY & set(titles)


def test_several_roles_see_the_union_once(qtbot: QtBot, sqlite_app: AppContext) -> None:
    actor = Actor(None, "Both", frozenset({Role.PRACTITIONER, Role.FRONT_DESK}), "test")
    titles = _window(qtbot, sqlite_app, actor).page_titles()
    assert titles == [
        "Today",
        "My schedule",
        "Calendar",
        "Clients",
        "My sessions",
        "My profile",
        "Credits & partners",
        "Reports",
        "Notifications",
    ]


def test_header_and_status_bar(qtbot: QtBot, sqlite_app: AppContext, clinic: SampleClinic) -> None:
    window = _window(qtbot, sqlite_app, clinic.desk)
    assert sqlite_app.database_label in window.database_label.text()
    assert window.statusBar().isAncestorOf(window.database_label)
    assert window.database_label.isVisible()
    assert window.clock_label.text()
    assert window.person_label.text() == "Dana Whitfield"
    assert window.roles_label.text() == "Front desk"
    qtbot.waitUntil(lambda: window.clinic_label.text() == CLINIC_NAME)
    assert CLINIC_NAME in window.windowTitle()


def test_ctrl_number_switches_pages(qtbot: QtBot, sqlite_app: AppContext) -> None:
    actor = Actor(None, "Boss", frozenset({Role.MANAGER}), "test")
    window = _window(qtbot, sqlite_app, actor)
    # Window shortcuts only fire in the active window.
    with qtbot.waitActive(window):
        window.activateWindow()
    assert window.navigation.currentRow() == 0
    QTest.keyClick(window, Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)
    assert window.navigation.currentRow() == 3
    assert isinstance(window.current_view(), ClientsView)
    QTest.keyClick(window, Qt.Key.Key_9, Qt.KeyboardModifier.ControlModifier)
    assert isinstance(window.current_view(), AuditLogView)
    # Pages beyond the ninth have no shortcut: Settings is the tenth here.
    assert window.page_titles()[9] == "Settings"


def test_log_out(qtbot: QtBot, sqlite_app: AppContext) -> None:
    window = _window(qtbot, sqlite_app, Actor(None, "Boss", frozenset({Role.MANAGER}), "t"))
    with qtbot.waitSignals([window.logout_requested, window.closed]):
        window.logout_button.click()
    assert window.logged_out
    assert not window.isVisible()


def test_today_lists_the_days_appointments(
    qtbot: QtBot, sqlite_app: AppContext, clinic: SampleClinic
) -> None:
    window = _window(qtbot, sqlite_app, clinic.desk)
    view = window.current_view()
    assert isinstance(view, TodayView)
    _loaded(qtbot, view)
    assert view.model.rowCount() == len(DAY_PLAN)
    assert view.title_label.text() == "Today"
    assert "12 appointments" in view.summary.text()
    assert "1 no-show" in view.summary.text()
    first = view.proxy.index(0, AppointmentTableModel.COL_PRACTITIONER)
    assert view.proxy.data(first) == "Aisha Karim"

    view.findChild(type(view.today_button), "")  # the toolbar exists
    view.step_days(1)
    qtbot.waitUntil(lambda: view.is_loaded() and view.model.rowCount() == 0, timeout=10_000)
    assert view.pages.currentWidget() is view.empty
    assert view.today_button.isEnabled()
    view.today_button.click()
    qtbot.waitUntil(lambda: view.model.rowCount() == len(DAY_PLAN), timeout=10_000)


def test_clients_and_practitioners_show_the_clinic(
    qtbot: QtBot, sqlite_app: AppContext, clinic: SampleClinic
) -> None:
    window = _window(qtbot, sqlite_app, clinic.manager)
    clients = window.show_page("clients")
    assert isinstance(clients, ClientsView)
    _loaded(qtbot, clients)
    assert clients.model.rowCount() == 12
    clients.search.setText("petrova")
    assert clients.proxy.rowCount() == 1

    practitioners = window.show_page("practitioners")
    assert isinstance(practitioners, PractitionersView)
    _loaded(qtbot, practitioners)
    assert practitioners.model.rowCount() == 4
    assert "1 applied" in practitioners.subtitle_label.text()


def test_the_desk_opens_credits_and_partners_read_only(
    qtbot: QtBot, sqlite_app: AppContext
) -> None:
    actor = Actor(None, "Pat", frozenset({Role.FRONT_DESK}), "test")
    window = _window(qtbot, sqlite_app, actor)
    view = window.show_page("credits")
    assert isinstance(view, CreditsView)
    _loaded(qtbot, view)
    assert "Read-only" in view.subtitle_label.text()
    assert not view.new_button.isVisible()


def test_a_command_on_the_bus_refreshes_the_visible_view(
    qtbot: QtBot, sqlite_app: AppContext, manager: Actor
) -> None:
    window = _window(qtbot, sqlite_app, manager)
    view = window.show_page("audit_log")
    assert isinstance(view, AuditLogView)
    _loaded(qtbot, view)
    before = view.model.rowCount()
    assert before >= 1

    sqlite_app.bus.handle(
        CreateStaffAccount(
            email="desk@clinic.example",
            name="Dee Desk",
            roles=frozenset({Role.FRONT_DESK}),
            password="desk-password",
        ),
        manager,
    )
    qtbot.waitUntil(lambda: view.model.rowCount() == before + 1, timeout=10_000)
    newest = view.proxy.index(0, view.model.COL_COMMAND)
    assert view.proxy.data(newest) == "Create staff account"

    # A change made on another thread (a background command, the scheduler) too.
    worker = threading.Thread(
        target=sqlite_app.bus.handle,
        args=(UpdateClinicSettings(values={"clinic_name": "Harbour Dental"}), manager),
    )
    worker.start()
    worker.join()
    qtbot.waitUntil(lambda: view.model.rowCount() == before + 2, timeout=10_000)
    qtbot.waitUntil(lambda: window.clinic_label.text() == "Harbour Dental", timeout=10_000)


def test_a_hidden_view_reloads_when_shown(
    qtbot: QtBot, sqlite_app: AppContext, manager: Actor
) -> None:
    window = _window(qtbot, sqlite_app, manager)
    settings = window.show_page("settings")
    assert isinstance(settings, SettingsView)
    _loaded(qtbot, settings)
    loads = settings.load_count
    window.show_page("today")

    sqlite_app.bus.handle(UpdateClinicSettings(values={"clinic_name": "Harbour Dental"}), manager)
    qtbot.waitUntil(lambda: not settings.is_loaded())
    assert settings.load_count == loads  # hidden: only marked stale

    window.show_page("settings")
    qtbot.waitUntil(lambda: settings.fields["clinic_name"].text() == "Harbour Dental")
    assert settings.load_count == loads + 1
