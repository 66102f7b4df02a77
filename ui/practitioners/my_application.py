"""My application: for an account that has no role to act in yet (or any more).

An applicant logs in to follow their application; a rejected or suspended
practitioner sees why. The page shows the status in words, then the profile
as sent, with every decision (who, when, why).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from desktop_app.kernel.actor import Actor
from desktop_app.kernel.core import Core
from desktop_app.staff.events import PractitionerChanged, StaffAccountChanged
from desktop_app.staff.practitioner_queries import DocumentRow, PractitionerProfile
from models.enums import PractitionerStatus
from ui.kit.command_dialog import open_in_place
from ui.kit.page import DataView, empty_state
from ui.practitioners.document_viewer import DocumentViewer
from ui.practitioners.my_profile import OwnProfile, load_own_profile
from ui.practitioners.practitioner_profile import ProfilePanel, status_chip

STATUS_TEXT: dict[PractitionerStatus, tuple[str, str]] = {
    PractitionerStatus.APPLIED: (
        "Your application is waiting for a manager",
        "A manager reviews every application and its documents. You will hear by e-mail "
        "and see the decision here.",
    ),
    PractitionerStatus.APPROVED: (
        "Your application was approved",
        "Log out and log in again to start working as a practitioner.",
    ),
    PractitionerStatus.REJECTED: (
        "Your application was not accepted",
        "The reason is below. Ask the clinic's manager if you have questions.",
    ),
    PractitionerStatus.SUSPENDED: (
        "Your practitioner account is suspended",
        "You cannot be booked meanwhile. The reason is below; the manager can reinstate you.",
    ),
}


class MyApplicationView(DataView[OwnProfile]):
    TITLE = "My application"
    REFRESH_ON = (PractitionerChanged, StaffAccountChanged)

    def __init__(self, ctx: Core, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(ctx, actor, parent)
        self.profile: PractitionerProfile | None = None
        self.viewer: DocumentViewer | None = None

        self.status_card = QFrame()
        self.status_card.setObjectName("profileCard")
        card = QHBoxLayout(self.status_card)
        card.setContentsMargins(18, 14, 18, 14)
        card.setSpacing(14)
        self.chip_holder = QVBoxLayout()
        card.addLayout(self.chip_holder)
        texts = QVBoxLayout()
        texts.setSpacing(4)
        self.status_title = QLabel()
        self.status_title.setObjectName("statusTitle")
        self.status_text = QLabel()
        self.status_text.setObjectName("dialogCaption")
        self.status_text.setWordWrap(True)
        texts.addWidget(self.status_title)
        texts.addWidget(self.status_text)
        card.addLayout(texts, 1)
        self.relog_button = QPushButton("Log out")
        self.relog_button.setObjectName("primaryButton")
        self.relog_button.clicked.connect(self._log_out)
        self.relog_button.setVisible(False)
        card.addWidget(self.relog_button)
        # Lined up with the profile's cards below (their scroll area's margins).
        holder = QWidget()
        holder.setMaximumWidth(900)
        line = QHBoxLayout(holder)
        line.setContentsMargins(2, 0, 8, 0)
        line.addWidget(self.status_card)
        self.body.addWidget(holder)

        self.panel = ProfilePanel(can_decide=False, can_edit=False)
        self.panel.setMaximumWidth(900)
        self.panel.document_requested.connect(self.view_document)
        self.body.addWidget(self.panel, 1)
        self.empty = empty_state(
            "Your account has no role yet. Ask the clinic's manager to give you one."
        )
        self.body.addWidget(self.empty, 1)
        self.empty.setVisible(False)

    def fetch(self) -> Callable[[], OwnProfile]:
        db, actor = self.ctx.db, self.actor
        return lambda: load_own_profile(db, actor)

    def apply(self, data: OwnProfile) -> None:
        self.profile = p = data.profile
        self.status_card.setVisible(p is not None)
        self.panel.setVisible(p is not None)
        self.empty.setVisible(p is None)
        if p is None:
            return
        while self.chip_holder.count():
            item = self.chip_holder.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self.chip_holder.addWidget(status_chip(p.status))
        self.chip_holder.addStretch(1)
        title, text = STATUS_TEXT[p.status]
        self.status_title.setText(title)
        self.status_text.setText(text)
        self.relog_button.setVisible(p.status is PractitionerStatus.APPROVED)
        self.panel.set_profile(p, data.tz)

    def view_document(self, document: DocumentRow) -> None:
        viewer = DocumentViewer(
            self.ctx, document.id, title=document.filename, kind=document.kind, parent=self
        )
        self.viewer = open_in_place(self.viewer, viewer, modal=False)

    def _log_out(self) -> None:
        log_out = getattr(self.window(), "log_out", None)
        if callable(log_out):
            log_out()
