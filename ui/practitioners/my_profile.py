"""My profile (practitioner): what clients and colleagues see, editable by its owner."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from PySide6.QtWidgets import QStackedWidget, QWidget

from desktop_app.clinic import queries as clinic_queries
from desktop_app.infra.database import Database
from desktop_app.kernel.actor import Actor
from desktop_app.kernel.core import Core
from desktop_app.staff import practitioner_queries
from desktop_app.staff.events import PractitionerChanged, StaffAccountChanged
from desktop_app.staff.practitioner_queries import DocumentRow, PractitionerProfile
from ui.kit.command_dialog import open_in_place
from ui.kit.page import DataView, empty_state
from ui.practitioners.document_viewer import DocumentViewer
from ui.practitioners.practitioner_profile import ProfileEditDialog, ProfilePanel


@dataclass(frozen=True)
class OwnProfile:
    tz: ZoneInfo
    profile: PractitionerProfile | None


def load_own_profile(db: Database, actor: Actor) -> OwnProfile:
    tz = ZoneInfo(clinic_queries.clinic_settings(db).timezone)
    if actor.account_id is None:
        return OwnProfile(tz, None)
    pid = practitioner_queries.practitioner_of_account(db, actor.account_id)
    return OwnProfile(tz, practitioner_queries.profile(db, pid) if pid else None)


class MyProfileView(DataView[OwnProfile]):
    TITLE = "My profile"
    SUBTITLE = "What clients and colleagues see. Changes show everywhere at once."
    REFRESH_ON = (PractitionerChanged, StaffAccountChanged)

    def __init__(self, ctx: Core, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(ctx, actor, parent)
        self.profile: PractitionerProfile | None = None
        self.edit_dialog: ProfileEditDialog | None = None
        self.viewer: DocumentViewer | None = None
        self.panel = ProfilePanel(can_decide=False, can_edit=True)
        self.panel.setMaximumWidth(900)
        self.panel.edit_requested.connect(self.edit_profile)
        self.panel.document_requested.connect(self.view_document)
        self.pages = QStackedWidget()
        self.pages.addWidget(self.panel)
        self.empty = empty_state(
            "There is no practitioner profile for your account. A manager can tell you why."
        )
        self.pages.addWidget(self.empty)
        self.body.addWidget(self.pages, 1)

    def fetch(self) -> Callable[[], OwnProfile]:
        db, actor = self.ctx.db, self.actor
        return lambda: load_own_profile(db, actor)

    def apply(self, data: OwnProfile) -> None:
        self.profile = data.profile
        if data.profile is None:
            self.pages.setCurrentWidget(self.empty)
            return
        self.panel.set_profile(data.profile, data.tz)
        self.pages.setCurrentWidget(self.panel)

    def edit_profile(self) -> None:
        if self.profile is not None:
            dialog = ProfileEditDialog(self.ctx, self.actor, self.profile, self)
            self.edit_dialog = open_in_place(self.edit_dialog, dialog)

    def view_document(self, document: DocumentRow) -> None:
        viewer = DocumentViewer(
            self.ctx, document.id, title=document.filename, kind=document.kind, parent=self
        )
        self.viewer = open_in_place(self.viewer, viewer, modal=False)
