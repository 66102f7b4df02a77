"""The Staff page: accounts with several roles, passwords, deactivation."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from PySide6.QtTest import QAbstractItemModelTester
from pytestqt.qtbot import QtBot

from desktop_app.bootstrap import AppContext
from desktop_app.kernel.actor import Actor
from desktop_app.staff import auth
from desktop_app.staff.queries import StaffRow
from models.enums import Role
from tests.ui.sample_clinic import MANAGER_EMAIL, MANAGER_PASSWORD, delete_closed_widgets
from ui.kit.bus_bridge import BusBridge
from ui.kit.command_dialog import ReasonDialog
from ui.shell.main_window import MainWindow
from ui.staff.page import StaffView
from ui.staff.password_dialogs import ChangePasswordDialog, ResetPasswordDialog
from ui.staff.staff_dialogs import StaffAccountDialog
from ui.staff.staff_model import StaffTableModel

WAIT = 10_000


@pytest.fixture(autouse=True)
def _no_closed_windows_left() -> Iterator[None]:
    yield
    delete_closed_widgets()


EMAIL = "sam@riverside.example"


def _view(qtbot: QtBot, ctx: AppContext, actor: Actor) -> StaffView:
    view = StaffView(ctx, actor)
    qtbot.addWidget(view)
    # As the main window does: the page refreshes on the core's events.
    BusBridge.for_bus(ctx.bus).event_published.connect(view.on_event)
    view.resize(1000, 640)
    view.show()
    qtbot.waitUntil(view.is_loaded, timeout=WAIT)
    return view


def _row(view: StaffView, email: str) -> StaffRow | None:
    return next((r for r in view.model.rows if r.email == email), None)


def _create(qtbot: QtBot, view: StaffView) -> uuid.UUID:
    view.new_button.click()
    dialog = view.dialog
    assert isinstance(dialog, StaffAccountDialog) and dialog.isVisible()
    dialog.name.setText("Sam Carter")
    dialog.email.setText(EMAIL)
    dialog.roles.boxes[Role.FRONT_DESK].setChecked(True)
    dialog.roles.boxes[Role.MANAGER].setChecked(True)
    assert dialog.password is not None and dialog.password_again is not None
    dialog.password.setText("sam-pass-123")
    dialog.password_again.setText("sam-pass-123")
    dialog.ok_button.click()
    qtbot.waitUntil(lambda: not dialog.isVisible() or dialog.error_label.isVisible(), timeout=WAIT)
    assert not dialog.error_label.isVisible(), dialog.error_label.text()
    qtbot.waitUntil(lambda: _row(view, EMAIL) is not None and view.is_loaded(), timeout=WAIT)
    row = _row(view, EMAIL)
    assert row is not None
    return row.id


def test_create_an_account_with_two_roles_then_deactivate_it(
    qtbot: QtBot, sqlite_app: AppContext, manager: Actor
) -> None:
    view = _view(qtbot, sqlite_app, manager)
    assert view.model.rowCount() == 1
    account_id = _create(qtbot, view)
    row = _row(view, EMAIL)
    assert row is not None and row.roles == {Role.FRONT_DESK, Role.MANAGER}
    assert view.selected() == row  # the new account is selected
    assert auth.login(sqlite_app.db, EMAIL, "sam-pass-123").roles == {
        Role.FRONT_DESK,
        Role.MANAGER,
    }

    view.deactivate_button.click()
    dialog = view.dialog
    assert isinstance(dialog, ReasonDialog) and dialog.objectName() == "deactivateDialog"
    dialog.ok_button.click()
    assert "reason" in dialog.error_label.text()  # a reason is required
    dialog.reason.setPlainText("Left the clinic")
    dialog.ok_button.click()
    qtbot.waitUntil(lambda: (r := _row(view, EMAIL)) is not None and not r.is_active, timeout=WAIT)
    with pytest.raises(auth.LoginFailed):
        auth.login(sqlite_app.db, EMAIL, "sam-pass-123")
    # Still listed, with its history; and it can come back.
    assert "deactivated" in view.subtitle_label.text()
    view.select_account(account_id)
    assert view.reactivate_button.isVisible() and view.reactivate_button.isEnabled()
    view.reactivate_button.click()
    qtbot.waitUntil(lambda: (r := _row(view, EMAIL)) is not None and r.is_active, timeout=WAIT)
    auth.login(sqlite_app.db, EMAIL, "sam-pass-123")


def test_edit_roles_reset_password_and_no_self_deactivation(
    qtbot: QtBot, sqlite_app: AppContext, manager: Actor
) -> None:
    view = _view(qtbot, sqlite_app, manager)
    account_id = _create(qtbot, view)

    view.select_account(account_id)
    view.edit_button.click()
    # The edit dialog opens once the account's phone has been read.
    qtbot.waitUntil(
        lambda: isinstance(view.dialog, StaffAccountDialog) and view.dialog.row is not None,
        timeout=WAIT,
    )
    edit = view.dialog
    assert isinstance(edit, StaffAccountDialog)
    assert edit.email.isReadOnly()
    edit.roles.boxes[Role.MANAGER].setChecked(False)
    edit.roles.boxes[Role.FRONT_DESK].setChecked(False)
    edit.ok_button.click()
    assert "at least one role" in edit.error_label.text()
    edit.roles.boxes[Role.FRONT_DESK].setChecked(True)
    edit.ok_button.click()
    qtbot.waitUntil(
        lambda: (r := _row(view, EMAIL)) is not None and r.roles == {Role.FRONT_DESK},
        timeout=WAIT,
    )

    view.select_account(account_id)
    view.reset_button.click()
    reset = view.dialog
    assert isinstance(reset, ResetPasswordDialog)
    reset.new.setText("fresh-pass-9")
    reset.again.setText("fresh-pass-9")
    reset.ok_button.click()
    qtbot.waitUntil(lambda: not reset.isVisible(), timeout=WAIT)
    auth.login(sqlite_app.db, EMAIL, "fresh-pass-9")

    assert manager.account_id is not None
    view.select_account(manager.account_id)
    assert not view.deactivate_button.isEnabled()


def test_change_your_own_password_from_the_header_menu(
    qtbot: QtBot, sqlite_app: AppContext, manager: Actor
) -> None:
    window = MainWindow(sqlite_app, manager, idle_timeout_ms=0)
    qtbot.addWidget(window)
    window.show()
    assert "Change password…" in [a.text() for a in window.account_menu.actions()]
    window.change_password_action.trigger()
    dialog = window.password_dialog
    assert isinstance(dialog, ChangePasswordDialog)
    dialog.current.setText("not it")
    dialog.new.setText("brand-new-pass")
    dialog.again.setText("brand-new-pass")
    dialog.ok_button.click()
    qtbot.waitUntil(lambda: dialog.error_label.isVisible(), timeout=WAIT)
    assert "current password is not right" in dialog.error_label.text()
    assert dialog.new.text() == "brand-new-pass"  # nothing typed is lost
    dialog.current.setText(MANAGER_PASSWORD)
    dialog.ok_button.click()
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=WAIT)
    auth.login(sqlite_app.db, MANAGER_EMAIL, "brand-new-pass")


def test_staff_model_is_sound(qtbot: QtBot) -> None:
    model = StaffTableModel()
    QAbstractItemModelTester(model, QAbstractItemModelTester.FailureReportingMode.Fatal)
    rows = [
        StaffRow(
            uuid.UUID(int=i), f"p{i}@x.example", f"P {i}", frozenset({Role.MANAGER}), i % 2 == 0
        )
        for i in range(4)
    ]
    model.set_rows(rows)
    assert model.rowCount() == 4
    assert model.index(1, StaffTableModel.COL_ACTIVE).data() == "Deactivated"
    assert model.index(0, StaffTableModel.COL_ROLES).data() == "Manager"
    model.set_rows(rows[::-1])
    model.set_rows([])
