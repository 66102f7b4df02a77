"""The login dialog."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from desktop_app.bootstrap import AppContext
from desktop_app.kernel.actor import Actor
from models.enums import Role
from tests.ui.sample_clinic import MANAGER_EMAIL, MANAGER_PASSWORD
from ui.shell.login import LoginDialog


def _dialog(qtbot: QtBot, ctx: AppContext, email: str = "") -> LoginDialog:
    dialog = LoginDialog(ctx, email=email)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_enter_logs_in(qtbot: QtBot, sqlite_app: AppContext, manager: Actor) -> None:
    dialog = _dialog(qtbot, sqlite_app)
    QTest.keyClicks(dialog.email, "  Morgan@Riverside.example ")
    QTest.keyClicks(dialog.password, MANAGER_PASSWORD)
    with qtbot.waitSignal(dialog.accepted, timeout=10_000):
        QTest.keyClick(dialog.password, Qt.Key.Key_Return)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.actor is not None
    assert dialog.actor.account_id == manager.account_id
    assert dialog.actor.roles == {Role.MANAGER}


def test_wrong_password_shows_a_message_and_keeps_the_email(
    qtbot: QtBot, sqlite_app: AppContext, manager: Actor
) -> None:
    dialog = _dialog(qtbot, sqlite_app, email=MANAGER_EMAIL)
    dialog.password.setText("not-the-password")
    dialog.login_button.click()
    qtbot.waitUntil(lambda: dialog.error_label.isVisible(), timeout=10_000)
    assert "Wrong e-mail or password" in dialog.error_label.text()
    assert dialog.email.text() == MANAGER_EMAIL
    assert dialog.password.text() == ""
    assert dialog.login_button.isEnabled()
    assert dialog.actor is None
    assert dialog.isVisible()

    # The second try, with the right password, goes through.
    dialog.password.setText(MANAGER_PASSWORD)
    with qtbot.waitSignal(dialog.accepted, timeout=10_000):
        dialog.login_button.click()
    assert dialog.actor is not None


def test_empty_fields_are_pointed_out_without_asking_the_database(
    qtbot: QtBot, sqlite_app: AppContext
) -> None:
    dialog = _dialog(qtbot, sqlite_app)
    dialog.login_button.click()
    assert dialog.error_label.text() == "Enter your e-mail address."
    dialog.email.setText("someone@clinic.example")
    dialog.login_button.click()
    assert dialog.error_label.text() == "Enter your password."
    assert dialog.login_button.isEnabled()


def test_shows_the_clinic_name(qtbot: QtBot, sqlite_app: AppContext, manager: Actor) -> None:
    from desktop_app.clinic.commands import UpdateClinicSettings

    sqlite_app.bus.handle(UpdateClinicSettings(values={"clinic_name": "Harbour Dental"}), manager)
    dialog = _dialog(qtbot, sqlite_app)
    qtbot.waitUntil(lambda: dialog.clinic_label.text() == "Harbour Dental")
