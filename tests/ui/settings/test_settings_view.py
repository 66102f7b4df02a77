"""The settings page: clinic settings, the e-mail server with a test e-mail sent to
a real SMTP server on loopback, and the template editor with its live preview."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QTextCursor
from PySide6.QtWidgets import QBoxLayout, QLineEdit, QScrollArea
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from desktop_app.bootstrap import AppContext
from desktop_app.clinic import queries as clinic_queries
from desktop_app.clinic.commands import UpdateClinicSettings
from desktop_app.kernel.actor import Actor
from desktop_app.kernel.errors import ValidationError
from desktop_app.messaging import queries as notification_queries
from desktop_app.messaging.commands import UpdateEmailSettings
from desktop_app.messaging.mailer import KEYRING_SERVICE
from desktop_app.messaging.templates import DEFAULT_TEMPLATES, PLACEHOLDERS
from models import ClinicSetting
from tests.scheduler_support import MemoryKeyring, free_port, mail_server, memory_keyring
from tests.ui.sample_clinic import MANAGER_EMAIL, delete_closed_widgets
from tools.screenshots.settings import render_settings_screens
from ui.kit.bus_bridge import BusBridge
from ui.settings.clinic_tab import ClinicSettingsTab
from ui.settings.email_tab import format_reminders, parse_reminders
from ui.settings.page import CLINIC_TAB, EMAIL_TAB, TEMPLATES_TAB, SettingsView

WAIT = 10_000


@pytest.fixture(autouse=True)
def _no_closed_windows_left() -> Iterator[None]:
    yield
    delete_closed_widgets()


@pytest.fixture
def ring() -> Iterator[MemoryKeyring]:
    with memory_keyring() as keyring:
        yield keyring


def _view(qtbot: QtBot, ctx: AppContext, actor: Actor, tab: int) -> SettingsView:
    view = SettingsView(ctx, actor)
    qtbot.addWidget(view)
    BusBridge.for_bus(ctx.bus).event_published.connect(view.on_event)
    view.resize(1100, 760)
    view.show()
    qtbot.waitUntil(view.is_loaded, timeout=WAIT)
    view.tabs.setCurrentIndex(tab)
    return view


def _stored(ctx: AppContext) -> dict[str, Any]:
    with ctx.db.read_sessions() as s:
        return {row.key: row.value for row in s.scalars(select(ClinicSetting))}


def _edit(tab: ClinicSettingsTab, key: str) -> QLineEdit:
    edit = tab.editors[key]
    assert isinstance(edit, QLineEdit)
    return edit


def _fill_server(view: SettingsView, port: int, *, user: str = "", password: str = "") -> None:
    tab = view.email_tab
    tab.host.setText("127.0.0.1")
    tab.security.setCurrentIndex(tab.security.findData("none"))
    tab.port.setValue(port)
    tab.user.setText(user)
    tab.password.setText(password)
    tab.sender_address.setText("Desk@Clinic.test")


# --- e-mail --------------------------------------------------------------------------


def test_smtp_settings_are_saved_the_password_in_the_keyring_and_a_test_email_arrives(
    qtbot: QtBot, sqlite_app: AppContext, manager: Actor, ring: MemoryKeyring
) -> None:
    with mail_server(password="s3cret-pw") as (inbox, port):
        view = _view(qtbot, sqlite_app, manager, EMAIL_TAB)
        tab = view.email_tab
        assert "No e-mail server is set up" in tab.readiness_label.text()
        assert tab.reminders.text() == "24 h, 2 h"
        assert tab.confirmations.isChecked()
        assert tab.test_to.text() == MANAGER_EMAIL
        assert not tab.save_button.isEnabled()

        _fill_server(view, port, user="desk", password="s3cret-pw")
        tab.reminders.setText("1 d, 30 min, 2 h")
        tab.confirmations.setChecked(False)
        assert view.tabs.tabText(EMAIL_TAB) == "E-mail •"
        qtbot.mouseClick(tab.save_button, Qt.MouseButton.LeftButton)

        qtbot.waitUntil(
            lambda: notification_queries.email_settings(sqlite_app.db).smtp_host == "127.0.0.1",
            timeout=WAIT,
        )
        settings = notification_queries.email_settings(sqlite_app.db)
        assert (settings.smtp_port, settings.smtp_tls, settings.smtp_user) == (port, "none", "desk")
        assert settings.smtp_from == "desk@clinic.test"
        assert settings.reminder_offsets_min == (1440, 120, 30)
        assert not settings.send_confirmations
        # The password is in this computer's keyring and nowhere in the database.
        assert ring.passwords == {(KEYRING_SERVICE, "desk@127.0.0.1"): "s3cret-pw"}
        assert "s3cret-pw" not in repr(_stored(sqlite_app))

        # The page shows what was stored: the password only as "stored", e-mail on.
        qtbot.waitUntil(lambda: "E-mail is on" in tab.readiness_label.text(), timeout=WAIT)
        assert tab.password.text() == ""
        assert "password is stored" in tab.password_status.text()
        assert tab.sender_address.text() == "desk@clinic.test"
        assert tab.reminders.text() == "24 h, 2 h, 30 min"
        assert not tab.is_dirty() and view.tabs.tabText(EMAIL_TAB) == "E-mail"
        assert "saved" in view.banner.text()

        tab.test_to.setText("boss@example.test")
        qtbot.mouseClick(tab.test_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: "accepted" in tab.test_result.text(), timeout=WAIT)
        assert inbox.wait_for(1)
        received = inbox.received()[0]
        assert received["To"] == "boss@example.test"
        assert received["From"] == "desk@clinic.test"
        assert str(received["Subject"]) == "Clinicdesk test e-mail"
        assert "e-mail from Clinicdesk works" in received.get_content()
        assert inbox.logins == [("desk", "s3cret-pw")]
        assert tab.test_result.property("kind") == "success"


def test_a_test_email_the_server_refuses_or_cannot_get_shows_why(
    qtbot: QtBot, sqlite_app: AppContext, manager: Actor, ring: MemoryKeyring
) -> None:
    view = _view(qtbot, sqlite_app, manager, EMAIL_TAB)
    tab = view.email_tab
    before = _stored(sqlite_app)

    # Nothing listens on this port: the form's (unsaved) server is tried, and fails.
    _fill_server(view, free_port())
    qtbot.mouseClick(tab.test_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tab.test_button.isEnabled(), timeout=WAIT)
    assert "not sent" in tab.test_result.text()
    assert "Cannot reach the e-mail server" in tab.test_result.text()
    assert tab.test_result.property("kind") == "error"

    with mail_server() as (inbox, port):
        inbox.replies["nobody@example.test"] = "550 5.1.1 No such user here"
        tab.port.setValue(port)
        tab.test_to.setText("nobody@example.test")
        qtbot.mouseClick(tab.test_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: "No such user here" in tab.test_result.text(), timeout=WAIT)
        assert "refused the recipient" in tab.test_result.text()
        assert inbox.received() == []

    # A recipient that is not an address is caught before anything is sent.
    tab.test_to.setText("not an address")
    qtbot.mouseClick(tab.test_button, Qt.MouseButton.LeftButton)
    assert "not a valid e-mail address" in tab.test_result.text()
    # Trying sent nothing to the database: the form is still unsaved.
    assert _stored(sqlite_app) == before
    assert tab.is_dirty()


def test_bad_email_settings_are_shown_by_their_field_and_nothing_is_saved(
    qtbot: QtBot, sqlite_app: AppContext, manager: Actor, ring: MemoryKeyring
) -> None:
    view = _view(qtbot, sqlite_app, manager, EMAIL_TAB)
    tab = view.email_tab
    before = _stored(sqlite_app)
    tab.host.setText("smtp.example.org")
    tab.sender_address.setText("reception at clinic")
    tab.reminders.setText("24 h, tomorrow")
    tab.password.setText("pw")
    qtbot.mouseClick(tab.save_button, Qt.MouseButton.LeftButton)

    assert "not a valid e-mail address" in tab.fields["smtp_from"].error.text()
    assert "'tomorrow' is not a reminder time" in tab.fields["reminder_offsets_min"].error.text()
    assert tab.fields["smtp_from"].widget.property("invalid") is True
    assert not tab.fields["smtp_host"].error.isVisible()
    assert "Nothing was saved" in tab.error_label.text()
    tab.reminders.setText("24 h, 2 h, 1 h, 30 min, 15 min, 5 min")
    tab.sender_address.setText("reception@clinic.example")
    qtbot.mouseClick(tab.save_button, Qt.MouseButton.LeftButton)
    assert "at most five" in tab.fields["reminder_offsets_min"].error.text()

    # A password needs a user name: the core says so, and keeps everything as it was.
    tab.reminders.setText("24 h")
    qtbot.mouseClick(tab.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "user name the password" in tab.error_label.text(), timeout=WAIT)
    assert _stored(sqlite_app) == before
    assert ring.passwords == {}
    assert tab.host.text() == "smtp.example.org" and tab.password.text() == "pw"


def test_the_stored_password_can_be_removed(
    qtbot: QtBot, sqlite_app: AppContext, manager: Actor, ring: MemoryKeyring
) -> None:
    sqlite_app.bus.handle(
        UpdateEmailSettings(
            smtp_host="smtp.example.org",
            smtp_user="desk",
            smtp_from="desk@clinic.test",
            smtp_password="old-pw",
        ),
        manager,
    )
    view = _view(qtbot, sqlite_app, manager, EMAIL_TAB)
    tab = view.email_tab
    assert "password is stored" in tab.password_status.text()
    assert "old-pw" not in tab.password.text() + tab.password_status.text()
    assert "E-mail is on" in tab.readiness_label.text()

    qtbot.mouseClick(tab.remove_button, Qt.MouseButton.LeftButton)
    assert "will be removed" in tab.password_status.text()
    assert ring.passwords  # only when saved
    qtbot.mouseClick(tab.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: ring.passwords == {}, timeout=WAIT)
    qtbot.waitUntil(lambda: "No password stored" in tab.password_status.text(), timeout=WAIT)
    assert not tab.remove_button.isVisible()
    assert "has no password for desk" in tab.readiness_label.text()


@pytest.mark.parametrize(
    ("typed", "minutes"),
    [("24 h, 2 h", [1440, 120]), ("1.5 hours; 30 min", [90, 30]), ("2 days", [2880]), ("", [])],
)
def test_reminder_times_are_read_as_typed(typed: str, minutes: list[int]) -> None:
    assert parse_reminders(typed) == minutes


def test_reminder_times_are_written_back_readably() -> None:
    assert format_reminders([120, 1440, 30]) == "24 h, 2 h, 30 min"
    assert format_reminders([2880]) == "2 d"
    with pytest.raises(ValidationError):
        parse_reminders("0.5 min")


# --- templates -----------------------------------------------------------------------


def test_the_preview_follows_the_template_as_it_is_typed(
    qtbot: QtBot, sqlite_app: AppContext, manager: Actor
) -> None:
    view = _view(qtbot, sqlite_app, manager, TEMPLATES_TAB)
    tab = view.templates_tab
    assert tab.kind == "booked"
    assert tab.subject.text() == DEFAULT_TEMPLATES["booked"].subject
    assert "Siân Jones" in tab.preview_body.toPlainText()
    # The clinic's own name, not the sample's.
    clinic_name = clinic_queries.clinic_settings(sqlite_app.db).clinic_name
    assert clinic_name in tab.preview_body.toPlainText()

    tab.subject.clear()
    qtbot.keyClicks(tab.subject, "Booked: {service} on {date}")
    assert tab.preview_subject.text() == "Booked: Individual therapy on Monday 7 January 2030"

    # A placeholder clicked in the list goes where the cursor is.
    tab.body.setFocus()
    tab.body.moveCursor(QTextCursor.MoveOperation.End)
    qtbot.keyClicks(tab.body, "P.S. Your therapist is ")
    item = tab.placeholder_list.item(list(PLACEHOLDERS).index("practitioner"))
    assert item.text() == "{practitioner}"
    rect = tab.placeholder_list.visualItemRect(item)
    qtbot.mouseClick(tab.placeholder_list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert tab.body.toPlainText().endswith("P.S. Your therapist is {practitioner}")
    assert tab.preview_body.toPlainText().endswith("P.S. Your therapist is Dr Ada Lovelace")
    assert tab.kind_list.item(0).text() == "Booked (unsaved)"
    assert view.tabs.tabText(TEMPLATES_TAB) == "E-mail templates •"


def test_a_template_with_an_unknown_placeholder_is_not_saved(
    qtbot: QtBot, sqlite_app: AppContext, manager: Actor
) -> None:
    view = _view(qtbot, sqlite_app, manager, TEMPLATES_TAB)
    tab = view.templates_tab
    before = _stored(sqlite_app)
    tab.subject.setText("Hello {client_nmae}")
    assert tab.problems_label.isVisible()
    assert "{client_nmae}" in tab.problems_label.text()
    # Shown as typed in the preview, with the known ones filled in.
    tab.body.setPlainText("See you on {date}.")
    assert tab.preview_subject.text() == "Hello {client_nmae}"
    assert tab.preview_body.toPlainText() == "See you on Monday 7 January 2030."

    qtbot.mouseClick(tab.save_button, Qt.MouseButton.LeftButton)
    assert tab.error_label.isVisible()
    assert "Nothing was saved" in tab.error_label.text()
    assert _stored(sqlite_app) == before
    assert notification_queries.email_templates(sqlite_app.db) == DEFAULT_TEMPLATES


def test_templates_are_saved_per_kind_without_losing_drafts(
    qtbot: QtBot, sqlite_app: AppContext, manager: Actor
) -> None:
    view = _view(qtbot, sqlite_app, manager, TEMPLATES_TAB)
    tab = view.templates_tab
    tab.subject.setText("  You are booked: {date}  ")
    # Another kind, then another tab: the first draft waits where it was.
    tab.kind_list.setCurrentRow(3)
    assert tab.kind == "reminder"
    tab.body.setPlainText("Dear {client_name}, see you at {time}.")
    view.tabs.setCurrentIndex(CLINIC_TAB)
    view.tabs.setCurrentIndex(TEMPLATES_TAB)
    tab.kind_list.setCurrentRow(0)
    assert tab.subject.text() == "  You are booked: {date}  "
    assert [tab.kind_list.item(r).text() for r in range(4)] == [
        "Booked (unsaved)",
        "Rescheduled",
        "Cancelled",
        "Reminder (unsaved)",
    ]

    qtbot.mouseClick(tab.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not tab.is_dirty() and not tab.sending, timeout=WAIT)
    stored = notification_queries.email_templates(sqlite_app.db)
    assert stored["booked"].subject == "You are booked: {date}"
    assert stored["booked"].body == DEFAULT_TEMPLATES["booked"].body
    assert stored["reminder"].body == "Dear {client_name}, see you at {time}."
    assert stored["cancelled"] == DEFAULT_TEMPLATES["cancelled"]
    assert tab.subject.text() == "You are booked: {date}"
    assert tab.state_label.text() == "The clinic's own text."
    assert view.tabs.tabText(TEMPLATES_TAB) == "E-mail templates"

    # Back to the default text: stored as "not edited".
    qtbot.mouseClick(tab.default_button, Qt.MouseButton.LeftButton)
    assert tab.subject.text() == DEFAULT_TEMPLATES["booked"].subject
    qtbot.mouseClick(tab.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: (
            notification_queries.email_templates(sqlite_app.db)["booked"]
            == DEFAULT_TEMPLATES["booked"]
        ),
        timeout=WAIT,
    )
    qtbot.waitUntil(lambda: tab.state_label.text() == "The default text.", timeout=WAIT)
    assert not tab.default_button.isEnabled()


# --- clinic --------------------------------------------------------------------------


def test_clinic_settings_are_saved_and_bad_values_refused_by_field(
    qtbot: QtBot, sqlite_app: AppContext, manager: Actor
) -> None:
    view = _view(qtbot, sqlite_app, manager, CLINIC_TAB)
    tab = view.clinic_tab
    assert _edit(tab, "cancellation_free_hours").text() == "24"
    assert sqlite_app.database_label in tab.database_label.text()

    _edit(tab, "clinic_name").setText("Harbour Dental")
    _edit(tab, "currency").setText("gbp")
    _edit(tab, "cancellation_free_hours").setText("48")
    qtbot.mouseClick(tab.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: clinic_queries.clinic_settings(sqlite_app.db).clinic_name == "Harbour Dental",
        timeout=WAIT,
    )
    settings = clinic_queries.clinic_settings(sqlite_app.db)
    assert (settings.currency, settings.cancellation_free_hours) == ("GBP", 48)
    qtbot.waitUntil(lambda: not tab.is_dirty(), timeout=WAIT)
    assert _edit(tab, "currency").text() == "GBP"
    assert view.tabs.tabText(CLINIC_TAB) == "Clinic"

    before = _stored(sqlite_app)
    _edit(tab, "cancellation_free_hours").setText("400")
    tab.fields["timezone"].set("Mars/Olympus_Mons")
    qtbot.mouseClick(tab.save_button, Qt.MouseButton.LeftButton)
    hours = tab.fields["cancellation_free_hours"]
    assert hours.error.isVisible() and "0 to 336 hours" in hours.error.text()
    assert hours.widget.property("invalid") is True
    assert "Mars/Olympus_Mons" in tab.fields["timezone"].error.text()
    assert "Nothing was saved" in tab.error_label.text()
    assert _stored(sqlite_app) == before
    assert _edit(tab, "cancellation_free_hours").text() == "400"

    # Discard puts back what is stored.
    qtbot.mouseClick(tab.discard_button, Qt.MouseButton.LeftButton)
    assert _edit(tab, "cancellation_free_hours").text() == "48"
    assert not hours.error.isVisible() and not tab.is_dirty()


def test_a_change_elsewhere_keeps_what_is_being_typed(
    qtbot: QtBot, sqlite_app: AppContext, manager: Actor
) -> None:
    view = _view(qtbot, sqlite_app, manager, CLINIC_TAB)
    tab = view.clinic_tab
    loads = view.load_count
    _edit(tab, "clinic_name").setText("Being typed")
    # Another workstation changes the currency.
    sqlite_app.bus.handle(UpdateClinicSettings(values={"currency": "CHF"}), manager)
    qtbot.waitUntil(lambda: view.load_count > loads and view.is_loaded(), timeout=WAIT)
    assert _edit(tab, "currency").text() == "CHF"
    assert _edit(tab, "clinic_name").text() == "Being typed"
    assert tab.changed() == {"clinic_name": "Being typed"}


# --- screenshots ---------------------------------------------------------------------


def test_the_settings_screenshots_write_nothing(
    qtbot: QtBot, sqlite_app: AppContext, manager: Actor, ring: MemoryKeyring, tmp_path: Path
) -> None:
    before = _stored(sqlite_app)
    paths = render_settings_screens(sqlite_app, manager, tmp_path)
    assert [p.name for p in paths] == ["60-settings-email.png", "61-settings-templates.png"]
    for path in paths:
        image = QImage(str(path))
        assert (image.width(), image.height()) == (1280, 800)
    assert _stored(sqlite_app) == before
    assert ring.passwords == {}


def test_a_narrow_window_stacks_the_columns_instead_of_cutting_them(
    qtbot: QtBot, sqlite_app: AppContext, manager: Actor
) -> None:
    view = _view(qtbot, sqlite_app, manager, TEMPLATES_TAB)
    tab = view.templates_tab
    assert tab.columns.direction() == QBoxLayout.Direction.LeftToRight
    view.resize(700, 600)
    qtbot.waitUntil(
        lambda: tab.columns.direction() == QBoxLayout.Direction.TopToBottom, timeout=WAIT
    )
    scroll = view.tabs.currentWidget()
    assert isinstance(scroll, QScrollArea)
    qtbot.waitUntil(lambda: scroll.widget().width() <= scroll.viewport().width(), timeout=WAIT)
    assert tab.preview_body.isVisible() and tab.save_button.isVisible()
