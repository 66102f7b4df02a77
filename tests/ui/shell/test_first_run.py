"""The first-run wizard creates the manager and the clinic settings, or nothing."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from desktop_app.audit import queries as audit_queries
from desktop_app.bootstrap import AppContext
from desktop_app.clinic import queries as clinic_queries
from desktop_app.kernel.actor import Actor
from desktop_app.staff import queries as staff_queries
from models.enums import Role
from ui.shell.first_run import FirstRunWizard, default_timezone, timezone_names


def _wizard(qtbot: QtBot, ctx: AppContext) -> FirstRunWizard:
    wizard = FirstRunWizard(ctx)
    qtbot.addWidget(wizard)
    wizard.show()
    return wizard


def _fill(wizard: FirstRunWizard, *, again: str = "long-enough-pw") -> None:
    wizard.clinic_name.setText("Harbour Dental")
    wizard.timezone.setCurrentText("Europe/Berlin")
    wizard.name.setText("Mina Park")
    wizard.email.setText("Mina@Harbour.example")
    wizard.password.setText("long-enough-pw")
    wizard.password_again.setText(again)


def test_creates_the_manager_and_the_clinic_settings(qtbot: QtBot, sqlite_app: AppContext) -> None:
    wizard = _wizard(qtbot, sqlite_app)
    _fill(wizard)
    with qtbot.waitSignal(wizard.accepted, timeout=10_000):
        wizard.create_button.click()

    assert staff_queries.has_manager(sqlite_app.db)
    [account] = staff_queries.staff_accounts(sqlite_app.db)
    assert (account.email, account.name, account.roles) == (
        "mina@harbour.example",
        "Mina Park",
        frozenset({Role.MANAGER}),
    )
    settings = clinic_queries.clinic_settings(sqlite_app.db)
    assert (settings.clinic_name, settings.timezone) == ("Harbour Dental", "Europe/Berlin")
    assert wizard.manager is not None and wizard.manager.account_id == account.id
    assert wizard.manager_email == "mina@harbour.example"
    # The settings were changed by the new manager, the account by the wizard itself.
    audit = audit_queries.recent_audit(sqlite_app.db)
    assert [(a.command, a.actor_name) for a in audit] == [
        ("UpdateClinicSettings", "Mina Park"),
        ("CreateFirstManager", None),
    ]


def test_mismatched_passwords_are_shown_inline_and_nothing_is_created(
    qtbot: QtBot, sqlite_app: AppContext
) -> None:
    wizard = _wizard(qtbot, sqlite_app)
    _fill(wizard, again="long-enough-pW")
    wizard.create_button.click()

    error = wizard.field_errors["password_again"]
    assert error.isVisible()
    assert "differ" in error.text()
    assert wizard.result() != QDialog.DialogCode.Accepted
    assert wizard.create_button.isEnabled()
    assert not staff_queries.has_manager(sqlite_app.db)
    assert audit_queries.recent_audit(sqlite_app.db) == []
    # Nothing typed is lost.
    assert wizard.email.text() == "Mina@Harbour.example"
    assert wizard.password.text() == "long-enough-pw"


def test_every_invalid_field_gets_its_own_message(qtbot: QtBot, sqlite_app: AppContext) -> None:
    wizard = _wizard(qtbot, sqlite_app)
    wizard.timezone.setCurrentText("Mars/Olympus")
    wizard.email.setText("not an address")
    wizard.password.setText("short")
    wizard.create_button.click()
    shown = {key for key, label in wizard.field_errors.items() if label.isVisible()}
    assert shown == {"clinic_name", "timezone", "name", "email", "password"}
    wizard.clinic_name.setText("Harbour Dental")
    wizard.create_button.click()
    assert not wizard.field_errors["clinic_name"].isVisible()


def test_an_error_from_the_core_is_shown_and_keeps_the_form(
    qtbot: QtBot, sqlite_app: AppContext, manager: Actor
) -> None:
    # Another workstation finished the setup meanwhile: the core refuses a second one.
    wizard = _wizard(qtbot, sqlite_app)
    _fill(wizard)
    wizard.create_button.click()
    qtbot.waitUntil(lambda: wizard.error_label.isVisible(), timeout=10_000)
    assert "already has a manager" in wizard.error_label.text()
    assert "Nothing was created" in wizard.error_label.text()
    assert wizard.create_button.isEnabled()
    assert wizard.clinic_name.text() == "Harbour Dental"
    assert wizard.name.text() == "Mina Park"
    assert [s.name for s in staff_queries.staff_accounts(sqlite_app.db)] == [manager.name]


def test_default_time_zone_is_a_real_place() -> None:
    zone = default_timezone()
    assert zone in timezone_names()
    assert "UTC" not in zone
