"""The notification centre: a person's notifications, mark read, mark all read."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from pytestqt.qtbot import QtBot

from desktop_app.bootstrap import AppContext
from desktop_app.kernel.actor import Actor
from desktop_app.messaging import queries as notification_queries
from models import MessageChannel, MessageStatus, OutgoingMessage
from tests.ui.sample_clinic import delete_closed_widgets, submit_sample_application
from ui.kit.bus_bridge import BusBridge
from ui.notifications.notifications_model import NotificationTableModel, OutboxTableModel
from ui.notifications.page import NotificationsView
from ui.shell.main_window import MainWindow

WAIT = 10_000


@pytest.fixture(autouse=True)
def _no_closed_windows_left() -> Iterator[None]:
    yield
    delete_closed_widgets()


def _view(qtbot: QtBot, ctx: AppContext, actor: Actor) -> NotificationsView:
    view = NotificationsView(ctx, actor)
    qtbot.addWidget(view)
    BusBridge.for_bus(ctx.bus).event_published.connect(view.on_event)
    view.resize(1000, 600)
    view.show()
    qtbot.waitUntil(view.is_loaded, timeout=WAIT)
    return view


def _unread(ctx: AppContext, actor: Actor) -> int:
    assert actor.account_id is not None
    return notification_queries.unread_count(ctx.db, actor.account_id)


def _is_bold(view: NotificationsView, row: int) -> bool:
    font = view.proxy.index(row, NotificationTableModel.COL_TEXT).data(Qt.ItemDataRole.FontRole)
    return isinstance(font, QFont) and font.bold()


def test_notifications_appear_and_are_marked_read(
    qtbot: QtBot, sqlite_app: AppContext, manager: Actor
) -> None:
    view = _view(qtbot, sqlite_app, manager)
    assert view.model.rowCount() == 0
    assert not view.mark_all_button.isEnabled()

    # Each application notifies every manager; the open view reloads on the event.
    submit_sample_application(sqlite_app, email="ada@applicant.example", name="Dr Ada Lovelace")
    submit_sample_application(sqlite_app, email="bo@applicant.example", name="Dr Bo Chen")
    qtbot.waitUntil(lambda: view.is_loaded() and view.model.rowCount() == 2, timeout=WAIT)
    assert _unread(sqlite_app, manager) == 2
    assert view.unread == 2
    assert "2 unread" in view.subtitle_label.text()
    # Newest first, unread in bold.
    shown = [view.proxy.index(r, 0).data(Qt.ItemDataRole.UserRole + 2) for r in range(2)]
    assert shown[0].created_at >= shown[1].created_at
    assert _is_bold(view, 0) and _is_bold(view, 1)
    assert not view.mark_read_button.isEnabled()

    view.table.selectRow(0)
    assert view.mark_read_button.isEnabled()
    view.mark_read_button.click()
    qtbot.waitUntil(lambda: _unread(sqlite_app, manager) == 1, timeout=WAIT)
    qtbot.waitUntil(lambda: view.is_loaded() and view.unread == 1, timeout=WAIT)
    first = view.selected_notification()
    assert first is not None and first.is_read
    assert not _is_bold(view, 0) and _is_bold(view, 1)

    view.mark_all_button.click()
    qtbot.waitUntil(lambda: _unread(sqlite_app, manager) == 0, timeout=WAIT)
    qtbot.waitUntil(lambda: view.is_loaded() and view.unread == 0, timeout=WAIT)
    assert not _is_bold(view, 0) and not _is_bold(view, 1)
    assert not view.mark_all_button.isEnabled()
    assert "All 2 read" in view.subtitle_label.text()


def test_navigation_shows_the_unread_count(
    qtbot: QtBot, sqlite_app: AppContext, manager: Actor
) -> None:
    submit_sample_application(sqlite_app)
    window = MainWindow(sqlite_app, manager)
    qtbot.addWidget(window)
    window.show()
    row = [page.key for page in window.pages].index("notifications")
    item = window.navigation.item(row)
    qtbot.waitUntil(lambda: item.text() == "Notifications (1)", timeout=WAIT)

    view = window.show_page("notifications")
    assert isinstance(view, NotificationsView)
    qtbot.waitUntil(lambda: view.is_loaded() and view.unread == 1, timeout=WAIT)
    view.mark_all_read()
    qtbot.waitUntil(lambda: item.text() == "Notifications", timeout=WAIT)
    assert window.page_titles()[row] == "Notifications"


def test_a_failed_email_shows_its_reason_in_the_outbox_and_is_retried(
    qtbot: QtBot, sqlite_app: AppContext, manager: Actor
) -> None:
    now = sqlite_app.clock.now()
    with sqlite_app.db.write_sessions.begin() as s:
        failed = OutgoingMessage(
            channel=MessageChannel.EMAIL,
            kind="reminder",
            recipient="sian.jones@example.net",
            subject="Reminder: Individual session tomorrow",
            body="…",
            status=MessageStatus.FAILED,
            attempts=1,
            last_error="The server refused sian.jones@example.net: 550 5.1.1 No such user here",
            created_at=now,
        )
        s.add(failed)
    view = _view(qtbot, sqlite_app, manager)
    assert view.tabs is not None
    view.tabs.setCurrentIndex(1)
    # On the outbox, only what applies to e-mails.
    assert view.retry_button.isVisible() and not view.mark_all_button.isVisible()
    assert view.outbox_model.rowCount() == 1
    reason = view.outbox_proxy.index(0, OutboxTableModel.COL_ERROR).data()
    assert "550 5.1.1 No such user here" in reason
    assert view.outbox_proxy.index(0, OutboxTableModel.COL_STATUS).data() == "Failed"
    assert not view.retry_button.isEnabled()

    view.outbox_table.setCurrentIndex(view.outbox_proxy.index(0, 0))
    assert view.retry_button.isEnabled()
    view.retry_button.click()
    qtbot.waitUntil(
        lambda: view.outbox_proxy.index(0, OutboxTableModel.COL_STATUS).data() == "Queued",
        timeout=WAIT,
    )
    with sqlite_app.db.read_sessions() as s:
        stored = s.get(OutgoingMessage, failed.id)
        assert stored is not None and stored.status is MessageStatus.QUEUED
    view.tabs.setCurrentIndex(0)
    assert view.mark_all_button.isVisible()
