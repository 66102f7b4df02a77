"""A practitioner's profile as one panel, and the dialog that edits it.

The panel shows everything one place owns (DESIGN §2): photo, profession,
status, specialisations, languages, experience, licence, bio, the
application's documents and every decision with who, when and why. The
Practitioners page (manager), "My profile" and "My application" all use it,
so a change shows the same everywhere.
"""

from __future__ import annotations

from datetime import tzinfo

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from desktop_app.kernel.actor import Actor
from desktop_app.kernel.commands import Command
from desktop_app.kernel.core import Core
from desktop_app.kernel.errors import ValidationError
from desktop_app.kernel.validation import require_text
from desktop_app.staff.commands import SetPhoto, UpdatePractitionerProfile
from desktop_app.staff.practitioner_queries import DocumentRow, PractitionerProfile
from models.enums import PractitionerStatus, Role
from ui.kit.command_dialog import CommandDialog, error_text
from ui.kit.formatting import (
    PRACTITIONER_STATUS_COLOURS,
    PRACTITIONER_STATUS_LABELS,
    local_datetime,
    short_date,
)
from ui.kit.profile_widgets import (
    DOCUMENT_KIND_LABELS,
    FlowLayout,
    PhotoPicker,
    TagListEdit,
    avatar_pixmap,
    file_size,
)

AVATAR_SIZE = 84

# Which decisions a manager can take from each status (the core has the last word).
DECISIONS: dict[PractitionerStatus, tuple[str, ...]] = {
    PractitionerStatus.APPLIED: ("approve", "reject"),
    PractitionerStatus.APPROVED: ("suspend",),
    PractitionerStatus.SUSPENDED: ("reinstate",),
    PractitionerStatus.REJECTED: (),
}
DECISION_LABELS = {
    "approve": "Approve…",
    "reject": "Reject…",
    "suspend": "Suspend…",
    "reinstate": "Reinstate…",
}

LANGUAGE_SUGGESTIONS = (
    "English",
    "French",
    "German",
    "Spanish",
    "Italian",
    "Portuguese",
    "Polish",
    "Dutch",
    "Arabic",
    "Turkish",
    "Mandarin",
    "Hindi",
    "Urdu",
    "Greek",
    "Romanian",
    "Ukrainian",
    "Russian",
    "British Sign Language",
)


def chip(text: str, name: str = "chip") -> QLabel:
    label = QLabel(text)
    label.setObjectName(name)
    return label


def status_chip(status: PractitionerStatus) -> QLabel:
    label = QLabel(PRACTITIONER_STATUS_LABELS[status])
    label.setObjectName("statusChip")
    background, text = PRACTITIONER_STATUS_COLOURS[status]
    # The colours are data (one pair per status), so they are set here, not in the sheet.
    label.setStyleSheet(f"background: {background}; color: {text};")
    return label


def _clear(layout: QLayout) -> None:
    while layout.count():
        item = layout.takeAt(0)
        if item is None:
            break
        widget = item.widget()
        if widget is not None:
            widget.deleteLater()
        elif (inner := item.layout()) is not None:
            _clear(inner)


def _section(title: str) -> tuple[QFrame, QVBoxLayout]:
    card = QFrame()
    card.setObjectName("profileCard")
    layout = QVBoxLayout(card)
    layout.setContentsMargins(16, 12, 16, 14)
    layout.setSpacing(8)
    heading = QLabel(title)
    heading.setObjectName("cardTitle")
    layout.addWidget(heading)
    return card, layout


class ProfilePanel(QWidget):
    """Everything about one practitioner; decisions and editing as signals."""

    decision_requested = Signal(str)  # approve | reject | suspend | reinstate
    edit_requested = Signal()
    document_requested = Signal(object)  # DocumentRow

    def __init__(self, *, can_decide: bool, can_edit: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("profilePanel")
        self.can_decide = can_decide
        self.can_edit = can_edit
        self.profile: PractitionerProfile | None = None
        self.decision_buttons: dict[str, QPushButton] = {}
        self.view_buttons: list[QPushButton] = []

        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        self.scroll_area = QScrollArea()
        self.scroll_area.setObjectName("profileScroll")
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.content = QWidget()
        self.content.setObjectName("profileContent")
        self.layout_ = QVBoxLayout(self.content)
        self.layout_.setContentsMargins(2, 0, 8, 8)
        self.layout_.setSpacing(12)
        self.scroll_area.setWidget(self.content)
        outer.addWidget(self.scroll_area)

        # The header: photo, name, profession, status, contact, actions.
        header = QFrame()
        header.setObjectName("profileCard")
        top = QHBoxLayout(header)
        top.setContentsMargins(16, 14, 16, 14)
        top.setSpacing(16)
        self.avatar = QLabel()
        self.avatar.setObjectName("profileAvatar")
        self.avatar.setFixedSize(AVATAR_SIZE, AVATAR_SIZE)
        top.addWidget(self.avatar, 0, Qt.AlignmentFlag.AlignTop)
        who = QVBoxLayout()
        who.setSpacing(3)
        name_row = QHBoxLayout()
        name_row.setSpacing(10)
        self.name_label = QLabel()
        self.name_label.setObjectName("profileName")
        self.name_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status_holder = QHBoxLayout()
        self.status_holder.setContentsMargins(0, 0, 0, 0)
        name_row.addWidget(self.name_label)
        name_row.addLayout(self.status_holder)
        name_row.addStretch(1)
        self.profession_label = QLabel()
        self.profession_label.setObjectName("profileProfession")
        self.contact_label = QLabel()
        self.contact_label.setObjectName("profileContact")
        self.contact_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        who.addLayout(name_row)
        who.addWidget(self.profession_label)
        who.addWidget(self.contact_label)
        self.action_row = QHBoxLayout()
        self.action_row.setSpacing(8)
        self.action_row.setContentsMargins(0, 6, 0, 0)
        for key in ("approve", "reject", "suspend", "reinstate"):
            button = QPushButton(DECISION_LABELS[key])
            button.setObjectName("primaryButton" if key == "approve" else f"{key}Button")
            if key in ("reject", "suspend"):
                button.setObjectName("dangerOutlineButton")
            button.setProperty("decision", key)
            button.clicked.connect(lambda _c=False, k=key: self.decision_requested.emit(k))
            button.setVisible(False)
            self.decision_buttons[key] = button
            self.action_row.addWidget(button)
        self.edit_button = QPushButton("Edit profile…")
        self.edit_button.setObjectName("editProfile")
        self.edit_button.clicked.connect(self.edit_requested.emit)
        self.edit_button.setVisible(can_edit)
        self.action_row.addWidget(self.edit_button)
        self.action_row.addStretch(1)
        who.addLayout(self.action_row)
        top.addLayout(who, 1)
        self.layout_.addWidget(header)

        about, about_layout = _section("About")
        self.facts = QGridLayout()
        self.facts.setHorizontalSpacing(16)
        self.facts.setVerticalSpacing(8)
        self.facts.setColumnStretch(1, 1)
        about_layout.addLayout(self.facts)
        self.bio_label = QLabel()
        self.bio_label.setObjectName("profileBio")
        self.bio_label.setWordWrap(True)
        self.bio_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        about_layout.addWidget(self.bio_label)
        self.layout_.addWidget(about)

        documents, self.documents_layout = _section("Documents")
        self.documents_card = documents
        self.documents_list = QVBoxLayout()
        self.documents_list.setSpacing(6)
        self.documents_layout.addLayout(self.documents_list)
        self.layout_.addWidget(documents)

        history, history_layout = _section("Decisions")
        self.decisions_list = QVBoxLayout()
        self.decisions_list.setSpacing(8)
        history_layout.addLayout(self.decisions_list)
        self.layout_.addWidget(history)
        self.layout_.addStretch(1)

    # --- filling in ------------------------------------------------------

    def set_profile(self, profile: PractitionerProfile, tz: tzinfo) -> None:
        self.profile = profile
        self.avatar.setPixmap(
            avatar_pixmap(profile.photo, profile.name, profile.colour, AVATAR_SIZE)
        )
        self.name_label.setText(profile.name)
        _clear(self.status_holder)
        self.status_holder.addWidget(status_chip(profile.status))
        if not profile.is_active:
            self.status_holder.addWidget(chip("Account deactivated", "mutedChip"))
        self.profession_label.setText(profile.profession)
        self.contact_label.setText("  ·  ".join(x for x in (profile.email, profile.phone) if x))
        allowed = DECISIONS[profile.status] if self.can_decide else ()
        for key, button in self.decision_buttons.items():
            button.setVisible(key in allowed)
            button.setEnabled(True)

        _clear(self.facts)
        rows: list[tuple[str, QWidget]] = [
            ("Specialisations", self._chips(profile.specialisations)),
            ("Languages", self._chips(profile.languages)),
            ("Experience", self._value(_years(profile.experience_years))),
            ("Licence number", self._value(profile.licence_number or "—")),
        ]
        for n, (caption, value) in enumerate(rows):
            label = QLabel(caption)
            label.setObjectName("factCaption")
            self.facts.addWidget(label, n, 0, Qt.AlignmentFlag.AlignTop)
            self.facts.addWidget(value, n, 1)
        self.bio_label.setText(profile.bio or "No bio yet.")
        self.bio_label.setProperty("empty", not profile.bio)
        self.bio_label.style().unpolish(self.bio_label)
        self.bio_label.style().polish(self.bio_label)

        _clear(self.documents_list)
        self.view_buttons = []
        if not profile.documents:
            none = QLabel("No documents were sent with this application.")
            none.setObjectName("gridHint")
            self.documents_list.addWidget(none)
        for document in profile.documents:
            self.documents_list.addWidget(self._document_row(document, tz))

        _clear(self.decisions_list)
        for decision in reversed(profile.decisions):
            row = QHBoxLayout()
            row.setSpacing(10)
            badge = status_chip(decision.status)
            # One width for every status, so the lines beside them start in one column.
            badge.setFixedWidth(92)
            badge.setAlignment(Qt.AlignmentFlag.AlignCenter)
            row.addWidget(badge, 0, Qt.AlignmentFlag.AlignTop)
            text = QVBoxLayout()
            text.setSpacing(1)
            who = decision.decided_by or "the system"
            line = QLabel(f"{local_datetime(decision.decided_at, tz)}  ·  by {who}")
            line.setObjectName("decisionLine")
            text.addWidget(line)
            reason = QLabel(f"“{decision.reason}”" if decision.reason else "No reason given.")
            reason.setObjectName("decisionReason")
            reason.setWordWrap(True)
            reason.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            text.addWidget(reason)
            row.addLayout(text, 1)
            self.decisions_list.addLayout(row)

    def set_busy(self, busy: bool) -> None:
        for button in self.decision_buttons.values():
            button.setEnabled(not busy)
        self.edit_button.setEnabled(not busy)

    def _chips(self, values: tuple[str, ...]) -> QWidget:
        if not values:
            return self._value("—")
        holder = QWidget()
        flow = FlowLayout(holder)
        for value in values:
            flow.addWidget(chip(value))
        holder.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        return holder

    def _value(self, text: str) -> QLabel:
        label = QLabel(text)
        label.setObjectName("factValue")
        label.setWordWrap(True)
        return label

    def _document_row(self, document: DocumentRow, tz: tzinfo) -> QWidget:
        row = QFrame()
        row.setObjectName("documentItem")
        line = QHBoxLayout(row)
        line.setContentsMargins(10, 6, 8, 6)
        line.setSpacing(10)
        kind = chip(DOCUMENT_KIND_LABELS.get(document.kind, document.kind), "kindChip")
        name = QLabel(document.filename)
        name.setObjectName("documentName")
        details = QLabel(
            f"{_type_name(document.content_type)} · {file_size(document.size_bytes)} · "
            f"{short_date(document.uploaded_at.astimezone(tz).date())}"
        )
        details.setObjectName("gridHint")
        view = QPushButton("View")
        view.setObjectName("viewDocument")
        view.setToolTip(f"Open {document.filename}")
        view.clicked.connect(lambda _c=False, d=document: self.document_requested.emit(d))
        self.view_buttons.append(view)
        line.addWidget(kind, 0, Qt.AlignmentFlag.AlignVCenter)
        line.addWidget(name, 1)
        line.addWidget(details)
        line.addWidget(view)
        return row


def _years(n: int | None) -> str:
    if n is None:
        return "—"
    return f"{n} year{'s' if n != 1 else ''}"


def _type_name(content_type: str) -> str:
    return {"application/pdf": "PDF", "image/png": "PNG", "image/jpeg": "JPEG"}.get(
        content_type, content_type.split("/")[-1].upper()
    )


class ProfileEditDialog(CommandDialog):
    """Bio, photo, specialisations and languages; a manager may also change the profession.

    Two commands (the photo lives on the account, the rest on the
    practitioner); if the second fails the dialog says what was saved.
    """

    def __init__(
        self,
        ctx: Core,
        actor: Actor,
        profile: PractitionerProfile,
        parent: QWidget | None = None,
    ) -> None:
        own = profile.account_id == actor.account_id
        super().__init__(
            ctx,
            actor,
            title="Edit your profile" if own else f"Edit {profile.name}'s profile",
            caption="What clients and colleagues see: it changes everywhere at once.",
            action="Save profile",
            parent=parent,
        )
        self.setObjectName("profileEditDialog")
        self.profile = profile
        self.setMinimumWidth(600)
        self.photo = PhotoPicker(profile.name, profile.colour)
        self.photo.set_photo(profile.photo)
        self.photo.error.connect(self.show_error)
        self.profession = QLineEdit(profile.profession)
        self.profession.setObjectName("professionField")
        self.profession.setMaxLength(100)
        self.specialisations = TagListEdit("Add a specialisation and press Enter")
        self.specialisations.setObjectName("specialisationsField")
        self.specialisations.set_tags(profile.specialisations)
        self.languages = TagListEdit("Add a language and press Enter", LANGUAGE_SUGGESTIONS)
        self.languages.setObjectName("languagesField")
        self.languages.set_tags(profile.languages)
        self.bio = QPlainTextEdit(profile.bio)
        self.bio.setObjectName("bioField")
        self.bio.setTabChangesFocus(True)
        self.bio.setMinimumHeight(110)
        self.bio.setPlaceholderText("A few sentences about how you work")
        self.form.addRow("Photo", self.photo)
        if Role.MANAGER in actor.roles:
            self.form.addRow("Profession", self.profession)
        self.form.addRow("Specialisations", self.specialisations)
        self.form.addRow("Languages", self.languages)
        self.form.addRow("Bio", self.bio)
        self._profile_saved = False

    def build_command(self) -> Command:
        bio = self.bio.toPlainText()
        if len(bio) > 5000:
            raise ValidationError("The bio is too long (at most 5000 characters).")
        profession = None
        if Role.MANAGER in self.actor.roles:
            profession = require_text(self.profession.text(), "profession", 100)
        return UpdatePractitionerProfile(
            practitioner_id=self.profile.id,
            bio=bio,
            specialisations=self.specialisations.tags(),
            languages=self.languages.tags(),
            profession=profession,
        )

    def submit(self) -> None:
        if self.sending:
            return
        try:
            command = self.build_command()
        except ValidationError as exc:
            self.show_error(str(exc))
            return
        self.show_error("")
        bus, actor = self.ctx.bus, self.actor
        photo = self.photo.data
        photo_changed = photo != self.profile.photo
        account_id = self.profile.account_id

        def save() -> None:
            bus.handle(command, actor)
            self._profile_saved = True
            if photo_changed:
                bus.handle(SetPhoto(account_id=account_id, data=photo), actor)

        self.send(save)

    def show_failure(self, exc: BaseException) -> None:
        super().show_failure(exc)
        if self._profile_saved:
            self.show_error(
                f"The profile was saved, but the photo was not: {error_text(exc)} "
                "Choose another photo and save again, or cancel to keep the old one."
            )

    def inputs(self) -> list[QWidget]:
        return [self.photo, self.profession, self.specialisations, self.languages, self.bio]
