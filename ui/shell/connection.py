"""The status bar's connection indicator and the manager's list of connected workstations.

Connected (live), reconnecting (what cannot be done meanwhile), back (caught
up). The live feed's thread sets the state; `LinkBridge` brings it to the GUI
thread. Clicking the indicator shows which workstations are connected now
(managers only: it names who is logged in where).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, tzinfo
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.kernel.actor import Actor
from desktop_app.kernel.core import Core
from desktop_app.live import presence
from desktop_app.live.presence import WorkstationRow
from desktop_app.live.status import LinkState, LinkStatus
from models.enums import Role
from ui.kit.formatting import AMBER, BLUE, GREEN, GREY
from ui.kit.link_bridge import LinkBridge
from ui.kit.ops import run_in_background
from ui.kit.page import DataView, View

UNAVAILABLE = (
    "Meanwhile nothing can be saved and nothing is looked up afresh: booking, "
    "check-in, cancelling and moving appointments, registering clients and selling "
    "credits wait until the server is back. What you have typed stays where it is."
)


def describe(status: LinkStatus, tz: tzinfo, database: str) -> tuple[str, str, tuple[str, str]]:
    """(label, tooltip, colours) for a link status."""
    since = status.since.astimezone(tz)
    if status.state is LinkState.RECONNECTING:
        tries = f" (attempt {status.attempts})" if status.attempts > 1 else ""
        return (
            "Reconnecting… changes cannot be saved",
            f"The database ({database}) cannot be reached since {since:%H:%M:%S}{tries}: "
            f"{status.reason}\nClinicdesk keeps trying by itself. {UNAVAILABLE}",
            AMBER,
        )
    if status.state is LinkState.BACK:
        return (
            "Back online — up to date",
            f"Reconnected at {since:%H:%M:%S} and caught up with the changes made meanwhile.",
            BLUE,
        )
    if status.state is LinkState.CONNECTING:
        return ("Connecting…", f"Connecting to {database}.", GREY)
    if not status.live:
        return ("Connected", f"Connected to {database}.", GREEN)
    return (
        "Live",
        f"Connected to {database} since {since:%H:%M}. Changes made at other "
        "workstations appear here as they happen.",
        GREEN,
    )


class ConnectionIndicator(QToolButton):
    # The link came back: what failed to load meanwhile can be loaded again.
    reconnected = Signal()

    def __init__(self, ctx: Core, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.actor = actor
        self.setObjectName("connectionIndicator")
        self.setAutoRaise(True)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.tz: tzinfo = ZoneInfo("UTC")
        self.status: LinkStatus | None = None
        self.dialog: WorkstationsDialog | None = None
        self.bridge: LinkBridge | None = None
        live = ctx.live
        if live is None:
            self.setVisible(False)
            return
        self.bridge = LinkBridge(live.status, self)
        self.bridge.changed.connect(self.show_status)
        self.show_status(live.status.value)
        if actor.has_any(frozenset({Role.MANAGER})):
            self.clicked.connect(self.show_workstations)

    def set_timezone(self, tz: tzinfo) -> None:
        self.tz = tz
        if self.status is not None:
            self.show_status(self.status)

    def show_status(self, status: LinkStatus) -> None:
        was = self.status
        self.status = status
        if status.state is LinkState.BACK and (was is None or was.state is not LinkState.BACK):
            self.reconnected.emit()
        label, tooltip, (background, colour) = describe(status, self.tz, self.ctx.database_label)
        if self.actor.has_any(frozenset({Role.MANAGER})):
            tooltip += "\nClick to see the workstations connected now."
        self.setText(f"● {label}")
        self.setToolTip(tooltip)
        self.setStyleSheet(
            f"QToolButton#connectionIndicator {{ background: {background}; color: {colour};"
            " border: none; border-radius: 9px; padding: 1px 10px; font-size: 9pt; }"
        )

    def show_workstations(self) -> None:
        if self.dialog is None:
            self.dialog = WorkstationsDialog(self.ctx, self.tz, self.window())
        self.dialog.reload()
        self.dialog.show()
        self.dialog.raise_()


def reload_failed_views(views: Iterable[View]) -> None:
    """Views showing "could not load" (the server was away) load again. Everything
    else catches up from the change feed's events, which arrive on reconnection."""
    for view in views:
        if isinstance(view, DataView) and not view.error_banner.isHidden():
            view.refresh()


class WorkstationsDialog(QDialog):
    """Who is connected now: workstation, user, since when."""

    COLUMNS = ("Workstation", "Logged in", "Connected since", "Last heard from")

    def __init__(self, ctx: Core, tz: tzinfo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.tz = tz
        self.rows: list[WorkstationRow] = []
        self.setWindowTitle("Connected workstations")
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        self.caption = QLabel("Workstations running Clinicdesk over this database now.")
        self.caption.setObjectName("cardCaption")
        self.caption.setWordWrap(True)
        layout.addWidget(self.caption)
        self.table = QTableWidget(0, len(self.COLUMNS))
        self.table.setHorizontalHeaderLabels(list(self.COLUMNS))
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        layout.addWidget(self.table, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self._timer = QTimer(self)
        self._timer.setInterval(int(presence.HEARTBEAT_S * 1000))
        self._timer.timeout.connect(self.reload)
        self._timer.start()

    def reload(self) -> None:
        db, now = self.ctx.db, self.ctx.clock.now()
        run_in_background(
            self,
            lambda: presence.connected_workstations(db, now),
            self.show_rows,
            lambda exc: self.caption.setText(f"Could not read the list: {exc}"),
        )

    def show_rows(self, rows: list[WorkstationRow]) -> None:
        self.rows = rows
        live = self.ctx.live
        here = live.origin if live is not None else None
        self.caption.setText(
            f"{len(rows)} workstation{'s' if len(rows) != 1 else ''} running Clinicdesk "
            "over this database now."
        )
        self.table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            name = row.name + (" (this one)" if row.id == here else "")
            values = (
                name,
                row.user_name or "Nobody (login screen)",
                self._when(row.started_at),
                self._when(row.last_seen),
            )
            for c, value in enumerate(values):
                self.table.setItem(r, c, QTableWidgetItem(value))

    def _when(self, at: datetime) -> str:
        local = at.astimezone(self.tz)
        today = self.ctx.clock.now().astimezone(self.tz).date()
        return f"{local:%H:%M}" if local.date() == today else f"{local:%d %b %H:%M}"
