"""Notifications: what the system told the logged-in person, newest first.

Unread notifications are in bold; "Mark read" marks the selected one and
"Mark all read" the lot. Managers also get an "Outbox" tab with the e-mails
the clinic sends, their status and last error, and can retry a failed one.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_app.clinic import queries as clinic_queries
from desktop_app.infra.database import Database
from desktop_app.kernel.actor import Actor
from desktop_app.kernel.commands import Command
from desktop_app.kernel.core import Core
from desktop_app.messaging import queries as notification_queries
from desktop_app.messaging.commands import (
    MarkAllNotificationsRead,
    MarkNotificationRead,
    RetryMessage,
)
from desktop_app.messaging.events import NotificationsChanged, OutboxChanged
from desktop_app.messaging.queries import NotificationRow, OutboxRow
from models.enums import MessageStatus, Role
from ui.kit.command_dialog import error_text
from ui.kit.ops import run_in_background
from ui.kit.page import DataView
from ui.kit.table_model import ROW_ROLE
from ui.kit.widgets import fit_columns, sorting_proxy, table_view
from ui.notifications.notifications_model import NotificationTableModel, OutboxTableModel

log = logging.getLogger(__name__)

# Statuses a manager can send again.
RETRYABLE = frozenset({MessageStatus.FAILED, MessageStatus.QUEUED})


@dataclass(frozen=True)
class NotificationsPage:
    tz: ZoneInfo
    notifications: list[NotificationRow]
    unread: int
    # None: this person does not see the outbox.
    outbox: list[OutboxRow] | None


def load_notifications(
    db: Database, recipient_id: uuid.UUID | None, with_outbox: bool
) -> NotificationsPage:
    tz = ZoneInfo(clinic_queries.clinic_settings(db).timezone)
    if recipient_id is None:
        rows: list[NotificationRow] = []
        unread = 0
    else:
        rows = notification_queries.notifications_for(db, recipient_id)
        unread = notification_queries.unread_count(db, recipient_id)
    outbox = notification_queries.outbox(db) if with_outbox else None
    return NotificationsPage(tz, rows, unread, outbox)


def _selected_row(table: QTableView) -> object | None:
    index = table.selectionModel().currentIndex()
    model = table.model()
    return model.data(index, ROW_ROLE) if index.isValid() else None


class NotificationsView(DataView[NotificationsPage]):
    TITLE = "Notifications"
    SUBTITLE = "Booking changes, exchange requests and reminders addressed to you."
    REFRESH_ON = (NotificationsChanged, OutboxChanged)

    # The number of unread notifications, after each load.
    unread_changed = Signal(int)

    def __init__(self, ctx: Core, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(ctx, actor, parent)
        self.unread = 0
        self.shows_outbox = Role.MANAGER in actor.roles
        self._in_flight = 0

        self.mark_read_button = QPushButton("Mark read")
        self.mark_read_button.setObjectName("markReadButton")
        self.mark_read_button.clicked.connect(self.mark_selected_read)
        self.mark_all_button = QPushButton("Mark all read")
        self.mark_all_button.setObjectName("markAllReadButton")
        self.mark_all_button.clicked.connect(self.mark_all_read)
        self.toolbar.addWidget(self.mark_read_button)
        self.toolbar.addWidget(self.mark_all_button)

        self.model = NotificationTableModel(self)
        self.proxy = sorting_proxy(self.model, self)
        self.table = table_view(
            self.proxy,
            sort_column=NotificationTableModel.COL_TIME,
            sort_order=Qt.SortOrder.DescendingOrder,
            stretch_column=NotificationTableModel.COL_TEXT,
        )
        self.table.setObjectName("notificationsTable")
        self.table.selectionModel().currentRowChanged.connect(self._selection_changed)
        self.table.doubleClicked.connect(lambda _i: self.mark_selected_read())

        self.status = QLabel()
        self.status.setObjectName("viewSubtitle")
        self.status.setWordWrap(True)

        notifications_page = QWidget()
        layout = QVBoxLayout(notifications_page)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.addWidget(self.table, 1)

        self.outbox_model = OutboxTableModel(self)
        self.outbox_proxy = sorting_proxy(self.outbox_model, self)
        self.outbox_table = table_view(
            self.outbox_proxy,
            sort_column=OutboxTableModel.COL_TIME,
            sort_order=Qt.SortOrder.DescendingOrder,
            stretch_column=OutboxTableModel.COL_ERROR,
        )
        self.outbox_table.setObjectName("outboxTable")
        self.outbox_table.selectionModel().currentRowChanged.connect(self._selection_changed)
        self.retry_button = QPushButton("Retry")
        self.retry_button.setObjectName("retryButton")
        self.retry_button.clicked.connect(self.retry_selected)

        self.tabs: QTabWidget | None = None
        if self.shows_outbox:
            outbox_page = QWidget()
            outbox_layout = QVBoxLayout(outbox_page)
            outbox_layout.setContentsMargins(0, 8, 0, 0)
            outbox_bar = QHBoxLayout()
            self.outbox_summary = QLabel()
            self.outbox_summary.setObjectName("viewSubtitle")
            outbox_bar.addWidget(self.outbox_summary, 1)
            outbox_bar.addWidget(self.retry_button)
            outbox_layout.addLayout(outbox_bar)
            outbox_layout.addWidget(self.outbox_table, 1)
            self.tabs = QTabWidget()
            self.tabs.setObjectName("pageTabs")
            self.tabs.setDocumentMode(True)
            self.tabs.addTab(notifications_page, "Notifications")
            self.tabs.addTab(outbox_page, "Outbox")
            self.tabs.currentChanged.connect(lambda _i: self._update_actions())
            self.body.addWidget(self.tabs, 1)
        else:
            self.body.addWidget(notifications_page, 1)
        self.body.addWidget(self.status)
        self._update_actions()

    # --- loading ---------------------------------------------------------

    def fetch(self) -> Callable[[], NotificationsPage]:
        db, recipient, with_outbox = self.ctx.db, self.actor.account_id, self.shows_outbox
        return lambda: load_notifications(db, recipient, with_outbox)

    def apply(self, data: NotificationsPage) -> None:
        self.model.tz = data.tz
        self.model.set_rows(data.notifications)
        fit_columns(self.table)
        self.unread = data.unread
        if not data.notifications:
            self.set_subtitle("Nothing yet: notifications addressed to you appear here.")
        elif data.unread:
            self.set_subtitle(f"{data.unread} unread of {len(data.notifications)}")
        else:
            self.set_subtitle(f"All {len(data.notifications)} read")
        if data.outbox is not None:
            self.outbox_model.tz = data.tz
            self.outbox_model.set_rows(data.outbox)
            fit_columns(self.outbox_table)
            failed = sum(1 for m in data.outbox if m.status is MessageStatus.FAILED)
            self.outbox_summary.setText(
                f"{len(data.outbox)} messages, {failed} failed"
                if data.outbox
                else "No outgoing e-mail yet."
            )
        self._update_actions()
        self.unread_changed.emit(data.unread)

    def is_loaded(self) -> bool:
        return super().is_loaded() and self._in_flight == 0

    # --- selection -------------------------------------------------------

    def selected_notification(self) -> NotificationRow | None:
        row = _selected_row(self.table)
        return row if isinstance(row, NotificationRow) else None

    def selected_message(self) -> OutboxRow | None:
        row = _selected_row(self.outbox_table)
        return row if isinstance(row, OutboxRow) else None

    def _selection_changed(self, _current: QModelIndex, _previous: QModelIndex) -> None:
        self._update_actions()

    def _update_actions(self) -> None:
        selected = self.selected_notification()
        busy = self._in_flight > 0
        self.mark_read_button.setEnabled(not busy and selected is not None and not selected.is_read)
        self.mark_all_button.setEnabled(not busy and self.unread > 0)
        # The read buttons are about the notifications tab; on the outbox they only confuse.
        on_outbox = self.tabs is not None and self.tabs.currentIndex() == 1
        self.mark_read_button.setVisible(not on_outbox)
        self.mark_all_button.setVisible(not on_outbox)
        message = self.selected_message()
        self.retry_button.setEnabled(
            not busy and message is not None and message.status in RETRYABLE
        )

    # --- actions ---------------------------------------------------------

    def mark_selected_read(self) -> None:
        row = self.selected_notification()
        if row is not None and not row.is_read:
            self._send(MarkNotificationRead(notification_id=row.id), "Marked as read.")

    def mark_all_read(self) -> None:
        if self.unread:
            self._send(MarkAllNotificationsRead(), "All notifications marked as read.")

    def retry_selected(self) -> None:
        message = self.selected_message()
        if message is not None and message.status in RETRYABLE:
            self._send(
                RetryMessage(message_id=message.id), f"Sending again to {message.recipient}."
            )

    def _send(self, command: Command, done_text: str) -> None:
        bus, actor = self.ctx.bus, self.actor
        self._in_flight += 1
        self._update_actions()

        def done(_result: object) -> None:
            self._in_flight -= 1
            self.status.setText(done_text)
            # The bus's event reloads the list; this covers a missed one.
            self.refresh()

        def failed(exc: BaseException) -> None:
            self._in_flight -= 1
            log.warning("%s failed", command.kind(), exc_info=exc)
            self.status.setText(f"Not saved: {error_text(exc)}")
            self._update_actions()

        run_in_background(self, lambda: bus.handle(command, actor), done, failed)
