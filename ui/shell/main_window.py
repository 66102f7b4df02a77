"""The main window: header, role-aware navigation over the pages, status bar."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMenu,
    QPushButton,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.clinic import queries as clinic_queries
from desktop_app.clinic.events import ClinicSettingsChanged
from desktop_app.clinic.settings import ClinicSettings
from desktop_app.kernel.actor import Actor
from desktop_app.kernel.core import Core
from desktop_app.kernel.events import Event
from desktop_app.messaging import queries as notification_queries
from desktop_app.messaging.events import NotificationsChanged
from ui.assistant.bar import AssistantBar
from ui.kit.bus_bridge import BusBridge
from ui.kit.command_dialog import open_in_place
from ui.kit.formatting import roles_text
from ui.kit.ops import run_in_background
from ui.kit.page import View
from ui.kit.resources import app_icon
from ui.shell.connection import ConnectionIndicator, reload_failed_views
from ui.shell.idle_lock import MINUTE_MS, IdleLock
from ui.shell.navigation import Page, pages_for
from ui.staff.password_dialogs import ChangePasswordDialog

NAVIGATION_WIDTH = 220


class MainWindow(QMainWindow):
    logout_requested = Signal()
    closed = Signal()

    def __init__(
        self,
        ctx: Core,
        actor: Actor,
        parent: QWidget | None = None,
        *,
        idle_timeout_ms: int | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.actor = actor
        self.logged_out = False
        # Tests lock after milliseconds; otherwise the clinic setting decides.
        self._idle_timeout_override = idle_timeout_ms
        self.idle_lock = IdleLock(self, ctx, actor, idle_timeout_ms or 0)
        self.idle_lock.switch_user.connect(self.log_out)
        self.password_dialog: ChangePasswordDialog | None = None
        self.pages: list[Page] = pages_for(actor)
        self.views: dict[str, View] = {}
        self._tz = ZoneInfo("UTC")
        self.clinic_settings: ClinicSettings | None = None

        self.setWindowTitle("Clinicdesk")
        self.setWindowIcon(app_icon())
        self.setMinimumSize(QSize(960, 600))

        central = QWidget()
        central.setObjectName("central")
        outer = QVBoxLayout(central)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        outer.addWidget(self._build_header())

        body = QHBoxLayout()
        body.setContentsMargins(0, 0, 0, 0)
        body.setSpacing(0)
        self.navigation = QListWidget()
        self.navigation.setObjectName("navigation")
        self.navigation.setFixedWidth(NAVIGATION_WIDTH)
        self.navigation.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.navigation.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.stack = QStackedWidget()
        self.stack.setObjectName("pages")
        for number, page in enumerate(self.pages, start=1):
            view = page.factory(ctx, actor, None)
            self.views[page.key] = view
            self.stack.addWidget(view)
            item = QListWidgetItem(page.title)
            item.setData(Qt.ItemDataRole.UserRole, page.key)
            if number <= 9:
                item.setToolTip(f"{page.title} (Ctrl+{number})")
            self.navigation.addItem(item)
        self.navigation.currentRowChanged.connect(self.stack.setCurrentIndex)
        body.addWidget(self.navigation)
        body.addWidget(self.stack, 1)
        outer.addLayout(body, 1)
        self.setCentralWidget(central)

        for number in range(1, min(len(self.pages), 9) + 1):
            shortcut = QShortcut(QKeySequence(f"Ctrl+{number}"), self)
            shortcut.activated.connect(lambda row=number - 1: self.navigation.setCurrentRow(row))
        # The booking assistant, from anywhere in the window.
        self.assistant_bar: AssistantBar | None = None
        QShortcut(QKeySequence("Ctrl+K"), self).activated.connect(self.open_assistant)

        self.database_label = QLabel(f"Database: {ctx.database_label}")
        self.database_label.setObjectName("databaseLabel")
        self.clock_label = QLabel()
        self.clock_label.setObjectName("clockLabel")
        self.connection = ConnectionIndicator(ctx, actor)
        self.connection.reconnected.connect(lambda: reload_failed_views(self.views.values()))
        self.statusBar().addWidget(self.database_label, 1)
        self.statusBar().addPermanentWidget(self.connection)
        self.statusBar().addPermanentWidget(self.clock_label)
        if ctx.live is not None:
            ctx.live.set_user(actor.name)
        self._clock_timer = QTimer(self)
        self._clock_timer.setInterval(1000)
        self._clock_timer.timeout.connect(self._update_clock)
        self._clock_timer.start()
        self._update_clock()

        BusBridge.for_bus(ctx.bus).event_published.connect(self._on_event)
        self._load_settings()
        self._load_unread()
        if self.pages:
            self.navigation.setCurrentRow(0)

    def _build_header(self) -> QFrame:
        header = QFrame()
        header.setObjectName("header")
        layout = QHBoxLayout(header)
        layout.setContentsMargins(18, 10, 18, 10)
        layout.setSpacing(12)
        icon = QLabel()
        icon.setPixmap(app_icon().pixmap(QSize(30, 30)))
        self.clinic_label = QLabel("Clinicdesk")
        self.clinic_label.setObjectName("clinicName")
        layout.addWidget(icon)
        layout.addWidget(self.clinic_label)
        layout.addStretch(1)

        person = QVBoxLayout()
        person.setSpacing(0)
        self.person_label = QLabel(self.actor.name)
        self.person_label.setObjectName("personName")
        self.person_label.setAlignment(Qt.AlignmentFlag.AlignRight)
        # An applicant, or a suspended practitioner, acts in no role for now.
        self.roles_label = QLabel(
            roles_text(self.actor.roles) if self.actor.roles else "No active role"
        )
        self.roles_label.setObjectName("personRoles")
        self.roles_label.setAlignment(Qt.AlignmentFlag.AlignRight)
        person.addWidget(self.person_label)
        person.addWidget(self.roles_label)
        layout.addLayout(person)

        self.account_button = QToolButton()
        self.account_button.setObjectName("accountButton")
        self.account_button.setText("Account")
        self.account_button.setToolTip("Change your password, lock the screen")
        self.account_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.account_menu = QMenu(self.account_button)
        self.change_password_action = QAction("Change password…", self)
        self.change_password_action.triggered.connect(self.change_password)
        self.lock_action = QAction("Lock now", self)
        self.lock_action.setShortcut(QKeySequence("Ctrl+L"))
        self.lock_action.triggered.connect(self.idle_lock.lock)
        self.addAction(self.lock_action)
        self.account_menu.addAction(self.change_password_action)
        self.account_menu.addAction(self.lock_action)
        self.account_button.setMenu(self.account_menu)
        layout.addWidget(self.account_button)

        self.logout_button = QPushButton("Log out")
        self.logout_button.setObjectName("logoutButton")
        self.logout_button.setToolTip("Log out and return to the login screen")
        self.logout_button.clicked.connect(self.log_out)
        layout.addWidget(self.logout_button)
        return header

    # --- pages -----------------------------------------------------------

    def page_titles(self) -> list[str]:
        return [page.title for page in self.pages]

    def current_view(self) -> View:
        widget = self.stack.currentWidget()
        assert isinstance(widget, View)
        return widget

    def show_page(self, key: str) -> View:
        keys = [page.key for page in self.pages]
        self.navigation.setCurrentRow(keys.index(key))
        return self.views[key]

    # --- data ------------------------------------------------------------

    def _load_settings(self) -> None:
        db = self.ctx.db
        run_in_background(self, lambda: clinic_queries.clinic_settings(db), self._settings_loaded)

    def _settings_loaded(self, settings: ClinicSettings) -> None:
        self.clinic_settings = settings
        self._tz = ZoneInfo(settings.timezone)
        self.clinic_label.setText(settings.clinic_name)
        self.setWindowTitle(f"{settings.clinic_name} — Clinicdesk")
        self.clock_label.setToolTip(f"Clinic time ({settings.timezone})")
        self.connection.set_timezone(self._tz)
        self._update_clock()
        self.idle_lock.clinic = settings.clinic_name
        if self._idle_timeout_override is None:
            self.idle_lock.set_timeout_ms(settings.idle_lock_minutes * MINUTE_MS)

    def _load_unread(self) -> None:
        """The unread count on the Notifications entry, even while its page is hidden."""
        recipient = self.actor.account_id
        if recipient is None or "notifications" not in self.views:
            return
        db = self.ctx.db
        run_in_background(
            self,
            lambda: notification_queries.unread_count(db, recipient),
            self._show_unread,
            lambda _exc: None,
        )

    def _show_unread(self, count: int) -> None:
        row = [page.key for page in self.pages].index("notifications")
        title = self.pages[row].title
        self.navigation.item(row).setText(f"{title} ({count})" if count else title)

    def _on_event(self, event: Event) -> None:
        if isinstance(event, ClinicSettingsChanged):
            self._load_settings()
        if isinstance(event, NotificationsChanged) and self.actor.account_id in event.recipient_ids:
            self._load_unread()
        for view in self.views.values():
            view.on_event(event)

    def _update_clock(self) -> None:
        now = self.ctx.clock.now().astimezone(self._tz)
        self.clock_label.setText(f"{now:%a} {now.day} {now:%b %Y}   {now:%H:%M}")

    # --- account ---------------------------------------------------------

    def open_assistant(self) -> AssistantBar:
        bar = AssistantBar(self.ctx, self.actor, self)
        bar.message.connect(lambda text: self.statusBar().showMessage(text, 8000))
        self.assistant_bar = bar
        bar.open()
        return bar

    def change_password(self) -> None:
        dialog = ChangePasswordDialog(self.ctx, self.actor, self)
        dialog.succeeded.connect(
            lambda _r: self.statusBar().showMessage("Your password was changed.", 6000)
        )
        self.password_dialog = open_in_place(self.password_dialog, dialog)

    # --- leaving ---------------------------------------------------------

    def log_out(self) -> None:
        self.logged_out = True
        self.logout_requested.emit()
        self.close()

    def closeEvent(self, event: QCloseEvent) -> None:
        self._clock_timer.stop()
        if self.ctx.live is not None:
            self.ctx.live.set_user(None)
        super().closeEvent(event)
        self.closed.emit()
