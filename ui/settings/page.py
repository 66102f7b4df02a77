"""Settings (manager): the clinic, the e-mail server and the e-mail templates, as tabs.

Each tab saves on its own with its own command; the page reloads everything
when the clinic settings or the e-mail settings change (here or on another
workstation), and a tab keeps what is being edited through a reload. A tab
with unsaved changes says so in its title.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QScrollArea, QTabWidget, QVBoxLayout, QWidget

from desktop_app.clinic import queries as clinic_queries
from desktop_app.clinic.events import ClinicSettingsChanged
from desktop_app.clinic.settings import ClinicSettings
from desktop_app.infra.database import Database
from desktop_app.kernel.actor import Actor
from desktop_app.kernel.core import Core
from desktop_app.messaging import queries as notification_queries
from desktop_app.messaging.events import EmailSettingsChanged
from desktop_app.messaging.mailer import SmtpConfig, not_ready_reason, stored_password
from desktop_app.messaging.templates import EmailTemplate
from desktop_app.staff import queries as staff_queries
from ui.kit.page import DataView
from ui.schedule.page import Banner
from ui.settings.clinic_tab import ClinicSettingsTab
from ui.settings.email_tab import EmailPage, EmailSettingsTab
from ui.settings.settings_form import SettingsForm
from ui.settings.templates_tab import TemplatesTab

CLINIC_TAB, EMAIL_TAB, TEMPLATES_TAB = 0, 1, 2
TAB_TITLES = ("Clinic", "E-mail", "E-mail templates")
UNSAVED_MARK = " •"


@dataclass(frozen=True)
class SettingsPage:
    clinic: ClinicSettings
    email: EmailPage
    templates: dict[str, EmailTemplate]
    # The manager's own address: where a test e-mail goes unless told otherwise.
    own_email: str


def load_settings_page(db: Database, account_id: uuid.UUID | None) -> SettingsPage:
    email = notification_queries.email_settings(db)
    config = SmtpConfig.from_settings(email)
    # The keyring is asked here, off the GUI thread: some keyrings are slow to answer.
    password = stored_password(config)
    own = next((s.email for s in staff_queries.staff_accounts(db) if s.id == account_id), "")
    return SettingsPage(
        clinic_queries.clinic_settings(db),
        EmailPage(email, password is not None, not_ready_reason(config, password)),
        notification_queries.email_templates(db),
        own,
    )


class _FormScroll(QScrollArea):
    """A tab that scrolls in a small window, its columns stacked when narrow."""

    MARGIN = 4

    def __init__(self, form: SettingsForm | TemplatesTab) -> None:
        super().__init__()
        self.form = form
        self.setObjectName("profileScroll")
        self.setWidgetResizable(True)
        self.setFrameShape(QScrollArea.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        holder = QWidget()
        holder.setObjectName("profileContent")
        self.holder_layout = QVBoxLayout(holder)
        self.holder_layout.setContentsMargins(0, 0, self.MARGIN, 0)
        self.holder_layout.addWidget(form)
        self.setWidget(holder)

    def resizeEvent(self, event: QResizeEvent) -> None:
        restacked = self.form.fit_width(self.viewport().width() - self.MARGIN)
        super().resizeEvent(event)
        if restacked:
            # The new minimum size is known after the layout pass; size the content to it then.
            QTimer.singleShot(0, self, self._resize_content)

    def _resize_content(self) -> None:
        self.holder_layout.activate()
        self.setWidgetResizable(True)


class SettingsView(DataView[SettingsPage]):
    TITLE = "Settings"
    SUBTITLE = "The clinic, the e-mail server, reminders and the e-mails clients receive."
    REFRESH_ON = (ClinicSettingsChanged, EmailSettingsChanged)

    def __init__(self, ctx: Core, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(ctx, actor, parent)
        self.banner = Banner()
        self.body.addWidget(self.banner)

        self.clinic_tab = ClinicSettingsTab(ctx, actor)
        self.email_tab = EmailSettingsTab(ctx, actor)
        self.templates_tab = TemplatesTab(ctx, actor)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("pageTabs")
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(_FormScroll(self.clinic_tab), TAB_TITLES[CLINIC_TAB])
        self.tabs.addTab(_FormScroll(self.email_tab), TAB_TITLES[EMAIL_TAB])
        self.tabs.addTab(_FormScroll(self.templates_tab), TAB_TITLES[TEMPLATES_TAB])
        self.body.addWidget(self.tabs, 1)

        tabs: tuple[SettingsForm | TemplatesTab, ...] = (
            self.clinic_tab,
            self.email_tab,
            self.templates_tab,
        )
        for index, tab in enumerate(tabs):
            tab.dirty_changed.connect(lambda dirty, i=index: self._mark_unsaved(i, dirty))
            tab.saved.connect(lambda text: self.banner.show_message("success", text))

    @property
    def fields(self) -> dict[str, QWidget]:
        """The clinic tab's editors by setting name."""
        return self.clinic_tab.editors

    def _mark_unsaved(self, index: int, dirty: bool) -> None:
        self.tabs.setTabText(index, TAB_TITLES[index] + (UNSAVED_MARK if dirty else ""))
        self.tabs.setTabToolTip(index, "Unsaved changes" if dirty else "")

    def has_unsaved_changes(self) -> bool:
        return any(tab.is_dirty() for tab in (self.clinic_tab, self.email_tab, self.templates_tab))

    def fetch(self) -> Callable[[], SettingsPage]:
        db = self.ctx.db
        account_id = self.actor.account_id
        return lambda: load_settings_page(db, account_id)

    def apply(self, data: SettingsPage) -> None:
        self.clinic_tab.apply(data.clinic)
        self.email_tab.apply(data.email, data.own_email)
        self.templates_tab.apply(data.templates, data.clinic.clinic_name)
