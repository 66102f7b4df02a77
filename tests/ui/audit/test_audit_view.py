"""The audit log page: filters, the selected entry's changes, CSV export."""

from __future__ import annotations

import csv
import datetime as dt
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtTest import QAbstractItemModelTester
from PySide6.QtWidgets import QFileDialog
from pytestqt.qtbot import QtBot

from desktop_app.audit.queries import AuditLine
from desktop_app.bootstrap import AppContext
from desktop_app.clients.commands import RegisterClient, UpdateClient
from desktop_app.kernel.actor import Actor
from desktop_app.staff.commands import CreateStaffAccount
from models.enums import Role
from tests.ui.sample_clinic import delete_closed_widgets
from ui.audit.audit_model import AuditLineTableModel, target_text
from ui.audit.page import AuditLogView
from ui.kit.bus_bridge import BusBridge

WAIT = 10_000


@pytest.fixture(autouse=True)
def _no_closed_windows_left() -> Iterator[None]:
    yield
    delete_closed_widgets()


def _seed(ctx: AppContext, manager: Actor) -> tuple[uuid.UUID, uuid.UUID]:
    desk_id = ctx.bus.handle(
        CreateStaffAccount(
            email="dana@riverside.example",
            name="Dana Whitfield",
            roles=frozenset({Role.FRONT_DESK}),
            password="desk-pass-123",
        ),
        manager,
    )
    ctx.bus.handle(
        CreateStaffAccount(
            email="pat@riverside.example",
            name="Pat Doyle",
            roles=frozenset({Role.PRACTITIONER}),
            password="pat-pass-1234",
        ),
        manager,
    )
    client_id = ctx.bus.handle(
        RegisterClient(full_name="Amelia Hughes", phone="+44 20 7946 0101"), manager
    )
    ctx.bus.handle(
        UpdateClient(client_id=client_id, full_name="Amelia Hughes", phone="+44 20 7946 0199"),
        manager,
    )
    ctx.bus.handle(RegisterClient(full_name="Bruno Silva", phone="+44 20 7946 0102"), manager)
    assert isinstance(desk_id, uuid.UUID) and isinstance(client_id, uuid.UUID)
    return desk_id, client_id


def _view(qtbot: QtBot, ctx: AppContext, manager: Actor) -> AuditLogView:
    view = AuditLogView(ctx, manager)
    qtbot.addWidget(view)
    BusBridge.for_bus(ctx.bus).event_published.connect(view.on_event)
    view.resize(1100, 700)
    view.show()
    qtbot.waitUntil(view.is_loaded, timeout=WAIT)
    return view


def _commands(view: AuditLogView) -> list[str]:
    return [line.command for line in view.model.rows]


def _settles_on(qtbot: QtBot, view: AuditLogView, count: int) -> None:
    qtbot.waitUntil(lambda: view.is_loaded() and view.model.rowCount() == count, timeout=WAIT)


def test_filters_narrow_the_list(qtbot: QtBot, sqlite_app: AppContext, manager: Actor) -> None:
    _seed(sqlite_app, manager)
    view = _view(qtbot, sqlite_app, manager)
    everything = view.model.rowCount()
    # The first manager, their login, two accounts, two clients, one edit.
    assert everything == 7
    assert _commands(view)[0] == "RegisterClient"  # newest first

    view.set_action("CreateStaffAccount")
    _settles_on(qtbot, view, 2)
    assert set(_commands(view)) == {"CreateStaffAccount"}
    assert view.action.currentText() == "Create staff account"

    view.set_action(None)
    view.set_person(manager.account_id)
    # Not the system's CreateFirstManager.
    _settles_on(qtbot, view, everything - 1)

    view.set_person(None)
    view.client.setFocus()
    view.client.setText("amel")
    view.client.textEdited.emit("amel")
    qtbot.waitUntil(lambda: bool(view.client._matches), timeout=WAIT)
    label = next(iter(view.client._matches))
    assert label.startswith("Amelia Hughes")
    view.client._completer.activated.emit(label)
    _settles_on(qtbot, view, 2)
    assert set(_commands(view)) == {"RegisterClient", "UpdateClient"}
    qtbot.waitUntil(lambda: view.client.text() == "Amelia Hughes")

    tomorrow = dt.date.today() + timedelta(days=1)
    view.set_period(tomorrow, tomorrow + timedelta(days=3))
    _settles_on(qtbot, view, 0)
    assert "No entry matches" in view.status.text()

    view.clear_filters()
    _settles_on(qtbot, view, everything)
    assert view.client.client_id is None and not view.period.isChecked()


def test_the_selected_entry_shows_its_changes_and_the_list_exports(
    qtbot: QtBot,
    sqlite_app: AppContext,
    manager: Actor,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    desk_id, _client = _seed(sqlite_app, manager)
    view = _view(qtbot, sqlite_app, manager)
    view.set_action("CreateStaffAccount")
    _settles_on(qtbot, view, 2)
    view.table.selectRow(view.proxy.rowCount() - 1)  # the older one: Dana's account
    entry = view.selected_entry()
    assert entry is not None and entry.command == "CreateStaffAccount"
    assert '"name": "Dana Whitfield"' in view.changes.toPlainText()
    assert "password" not in view.changes.toPlainText()  # secrets never reach the log
    assert "by Morgan Reyes" in view.detail_title.text()
    about = view.proxy.index(view.proxy.rowCount() - 1, AuditLineTableModel.COL_TARGET)
    assert view.proxy.data(about) == "Dana Whitfield"
    assert str(desk_id) in view.detail_meta.text()

    target = tmp_path / "audit"
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *_a, **_k: (str(target), ""))
    )
    view.export_button.click()
    qtbot.waitUntil(lambda: view.last_export is not None and view.is_loaded(), timeout=WAIT)
    written = tmp_path / "audit.csv"
    assert view.last_export == written
    with written.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0][:3] == ["seq", "at (UTC)", "person"]
    # Only what the filters match, every one of them.
    assert [r[4] for r in rows[1:]] == ["CreateStaffAccount", "CreateStaffAccount"]
    assert "Exported 2 entries" in view.status.text()


def test_audit_line_model_is_sound(qtbot: QtBot) -> None:
    model = AuditLineTableModel()
    QAbstractItemModelTester(model, QAbstractItemModelTester.FailureReportingMode.Fatal)
    t0 = datetime(2025, 3, 30, 8, 0, tzinfo=UTC)
    who = uuid.UUID(int=7)
    lines = [
        AuditLine(i, t0 + timedelta(minutes=i), None, "desk-1", "CreateStaffAccount", None, {})
        for i in range(1, 5)
    ]
    model.set_rows(lines)
    model.set_context(UTC, {f"staff:{who}": "Dana"})
    assert model.index(0, AuditLineTableModel.COL_ACTOR).data() == "System"
    assert model.index(0, AuditLineTableModel.COL_COMMAND).data() == "Create staff account"
    model.set_rows(lines[::-1])
    model.set_rows([])
    assert target_text(f"staff:{who}", {f"staff:{who}": "Dana"}) == "Dana"
    assert target_text(f"client:{who}", {}) == f"Client {str(who)[:8]}"
    assert target_text("login:a@b.example", {}) == "Login a@b.example"
    assert target_text(None, {}) == ""
