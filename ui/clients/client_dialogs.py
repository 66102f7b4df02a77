"""Registering, editing and archiving a client.

The dialogs send their command themselves (off the GUI thread) and stay open
on an error, with everything typed still there: the core's message is shown
in the dialog and the field it is about is marked. A possible duplicate
(same phone or e-mail) is listed before anything is saved, with the choice
to open the existing record or to register a new client anyway.
"""

from __future__ import annotations

import datetime as dt
import uuid

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDateEdit,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.clients.commands import ArchiveClient, RegisterClient, UpdateClient
from desktop_app.clients.errors import DuplicateClient, PossibleDuplicate
from desktop_app.clients.queries import ClientRecord
from desktop_app.kernel.actor import Actor
from desktop_app.kernel.commands import Command
from desktop_app.kernel.core import Core
from desktop_app.kernel.errors import ClinicdeskError, ValidationError
from desktop_app.kernel.text_search import digits
from ui.kit.command_dialog import CommandDialog, set_invalid

# The earliest date the birth date editor offers; also its "not given" value.
_NO_DATE = QDate(1900, 1, 1)
# Where the editor starts once a date is to be given: an adult is likelier than a newborn.
_CALENDAR_START = QDate(1985, 1, 1)


def _qdate(day: dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)


class BirthDateEdit(QWidget):
    """A date, or explicitly none: a date edit with a "Not given" box beside it."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(10)
        self.edit = QDateEdit()
        self.edit.setObjectName("birthDate")
        self.edit.setCalendarPopup(True)
        self.edit.setDisplayFormat("dd/MM/yyyy")
        self.edit.setMinimumDate(_NO_DATE)
        self.edit.setMaximumDate(QDate.currentDate())
        # Shown while the date is the minimum, i.e. while it is not given.
        self.edit.setSpecialValueText("—")
        self.edit.setMinimumWidth(130)
        self.not_given = QCheckBox("Not given")
        self.not_given.setObjectName("birthNotGiven")
        layout.addWidget(self.edit)
        layout.addWidget(self.not_given)
        layout.addStretch(1)
        self.not_given.toggled.connect(self._not_given_toggled)
        self.edit.dateChanged.connect(lambda _d: self.changed.emit())
        self.set_date(None)

    def date(self) -> dt.date | None:
        if self.not_given.isChecked():
            return None
        chosen = self.edit.date()
        if chosen == _NO_DATE:
            return None
        return dt.date(chosen.year(), chosen.month(), chosen.day())

    def set_date(self, day: dt.date | None) -> None:
        self.not_given.setChecked(day is None)
        if day is not None:
            self.edit.setDate(_qdate(day))
        self._not_given_toggled(day is None)

    def _not_given_toggled(self, checked: bool) -> None:
        self.edit.setEnabled(not checked)
        if checked:
            self.edit.setDate(_NO_DATE)
        elif self.edit.date() == _NO_DATE:
            # Start somewhere plausible rather than at 1900.
            self.edit.setDate(_CALENDAR_START)
            self.edit.setFocus()
        self.changed.emit()


def _duplicate_text(match: PossibleDuplicate) -> str:
    contact = " · ".join(x for x in (match.phone, match.email) if x)
    return f"{match.full_name} (same {match.matched_on})\n{contact}"


class ClientDialog(CommandDialog):
    """New client (no `record`) or edit of `record`."""

    # The saved client's id, after the command committed.
    saved = Signal(object)
    # The desk chose an existing record over registering a duplicate.
    existing_chosen = Signal(object)

    def __init__(
        self,
        ctx: Core,
        actor: Actor,
        *,
        record: ClientRecord | None = None,
        prefill: str = "",
        parent: QWidget | None = None,
    ) -> None:
        title = f"Edit {record.full_name}" if record else "New client"
        super().__init__(
            ctx,
            actor,
            title=title,
            caption=(
                "A name and a phone number or an e-mail address are enough; "
                "the rest can wait until the first visit."
            ),
            action="Save changes" if record else "Register client",
            parent=parent,
        )
        self.record = record
        self.client_id: uuid.UUID | None = record.id if record else None
        self.existing_id: uuid.UUID | None = None
        self.duplicates: list[PossibleDuplicate] = []
        self.setObjectName("clientDialog")
        self.setMinimumWidth(520)

        form = self.form
        self.full_name = QLineEdit()
        self.full_name.setObjectName("fullName")
        self.full_name.setPlaceholderText("First and last name")
        self.full_name.setMaxLength(200)
        self.phone = QLineEdit()
        self.phone.setObjectName("phone")
        self.phone.setPlaceholderText("e.g. 07700 900123")
        self.phone.setMaxLength(40)
        self.email = QLineEdit()
        self.email.setObjectName("email")
        self.email.setPlaceholderText("name@example.com")
        self.email.setMaxLength(254)
        self.birth = BirthDateEdit()
        self.emergency_name = QLineEdit()
        self.emergency_name.setObjectName("emergencyName")
        self.emergency_name.setPlaceholderText("Name (and relation)")
        self.emergency_name.setMaxLength(200)
        self.emergency_phone = QLineEdit()
        self.emergency_phone.setObjectName("emergencyPhone")
        self.emergency_phone.setPlaceholderText("Phone")
        self.emergency_phone.setMaxLength(40)
        emergency = QHBoxLayout()
        emergency.setSpacing(8)
        emergency.addWidget(self.emergency_name, 3)
        emergency.addWidget(self.emergency_phone, 2)
        self.notes = QPlainTextEdit()
        self.notes.setObjectName("clientNotes")
        self.notes.setPlaceholderText("Anything the desk should know (not clinical notes)")
        self.notes.setTabChangesFocus(True)
        self.notes.setFixedHeight(84)
        form.addRow("Name", self.full_name)
        form.addRow("Phone", self.phone)
        form.addRow("E-mail", self.email)
        form.addRow("Date of birth", self.birth)
        form.addRow("Emergency contact", emergency)
        form.addRow("Notes", self.notes)
        # Under the error line: a possible duplicate, and what to do about it.
        self.layout_.insertWidget(
            self.layout_.indexOf(self.error_label) + 1, self._build_duplicates()
        )
        self.save_button = self.ok_button
        self.succeeded.connect(self._saved)

        if record is not None:
            self._fill(record)
        else:
            self._prefill(prefill)
        for field in (self.full_name, self.phone, self.email):
            field.textEdited.connect(lambda _t, f=field: self._edited(f))
        self.full_name.setFocus()

    def _build_duplicates(self) -> QFrame:
        self.duplicates_panel = QFrame()
        self.duplicates_panel.setObjectName("duplicatePanel")
        box = QVBoxLayout(self.duplicates_panel)
        box.setContentsMargins(12, 10, 12, 10)
        box.setSpacing(8)
        self.duplicates_title = QLabel()
        self.duplicates_title.setObjectName("duplicateTitle")
        self.duplicates_title.setWordWrap(True)
        self.duplicates_list = QListWidget()
        self.duplicates_list.setObjectName("plainList")
        self.duplicates_list.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.duplicates_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.duplicates_list.itemDoubleClicked.connect(lambda _i: self.open_existing())
        actions = QHBoxLayout()
        actions.addStretch(1)
        self.open_existing_button = QPushButton("Open existing")
        self.open_existing_button.setToolTip("Close this form and show the selected client")
        self.open_existing_button.clicked.connect(self.open_existing)
        self.save_anyway_button = QPushButton("Save anyway")
        self.save_anyway_button.setToolTip("Register a new client even so (e.g. a shared phone)")
        self.save_anyway_button.clicked.connect(self.save_anyway)
        actions.addWidget(self.open_existing_button)
        actions.addWidget(self.save_anyway_button)
        box.addWidget(self.duplicates_title)
        box.addWidget(self.duplicates_list)
        box.addLayout(actions)
        self.duplicates_panel.setVisible(False)
        return self.duplicates_panel

    def _fill(self, record: ClientRecord) -> None:
        self.full_name.setText(record.full_name)
        self.phone.setText(record.phone or "")
        self.email.setText(record.email or "")
        self.birth.set_date(record.date_of_birth)
        self.emergency_name.setText(record.emergency_contact_name or "")
        self.emergency_phone.setText(record.emergency_contact_phone or "")
        self.notes.setPlainText(record.notes)

    def _prefill(self, typed: str) -> None:
        """What was typed in the search box goes where it belongs."""
        typed = typed.strip()
        if not typed:
            return
        if "@" in typed:
            self.email.setText(typed)
        elif digits(typed) and not any(c.isalpha() for c in typed):
            self.phone.setText(typed)
        else:
            self.full_name.setText(typed)

    # --- the command -----------------------------------------------------

    def command(self, *, allow_duplicate: bool = False) -> Command:
        def optional(field: QLineEdit) -> str | None:
            return field.text().strip() or None

        common = {
            "full_name": self.full_name.text(),
            "phone": optional(self.phone),
            "email": optional(self.email),
            "date_of_birth": self.birth.date(),
            "notes": self.notes.toPlainText(),
            "emergency_contact_name": optional(self.emergency_name),
            "emergency_contact_phone": optional(self.emergency_phone),
        }
        if self.record is not None:
            return UpdateClient(client_id=self.record.id, **common)  # type: ignore[arg-type]
        return RegisterClient(allow_duplicate=allow_duplicate, **common)  # type: ignore[arg-type]

    def build_command(self) -> Command:
        return self.command()

    def save(self) -> None:
        self.submit()

    def save_anyway(self) -> None:
        if self.sending:
            return
        command = self.command(allow_duplicate=True)
        bus, actor = self.ctx.bus, self.actor
        self.send(lambda: bus.handle(command, actor))

    def open_existing(self) -> None:
        item = self.duplicates_list.currentItem() or self.duplicates_list.item(0)
        if item is None:
            return
        self.existing_id = item.data(Qt.ItemDataRole.UserRole)
        self.existing_chosen.emit(self.existing_id)
        self.accept()

    def inputs(self) -> list[QWidget]:
        return [
            self.full_name,
            self.phone,
            self.email,
            self.birth,
            self.emergency_name,
            self.emergency_phone,
            self.notes,
            self.save_anyway_button,
        ]

    def _saved(self, result: object) -> None:
        if isinstance(result, uuid.UUID):
            self.client_id = result
        self.saved.emit(self.client_id)

    def show_failure(self, exc: BaseException) -> None:
        if isinstance(exc, DuplicateClient):
            self.show_duplicates(exc.matches)
            return
        self.duplicates_panel.setVisible(False)
        super().show_failure(exc)

    # --- feedback --------------------------------------------------------

    def show_error(self, text: str) -> None:
        super().show_error(text)
        if not text:
            return
        field = self._field_for(text)
        for candidate in (self.full_name, self.phone, self.email):
            set_invalid(candidate, candidate is field)
        if field is not None:
            field.setFocus()
            field.selectAll()

    def _field_for(self, message: str) -> QLineEdit | None:
        """The field a core message is about, to mark it and put the cursor there."""
        lowered = message.casefold()
        if "name" in lowered and "client" in lowered:
            return self.full_name
        if "phone number or an e-mail" in lowered:
            return self.phone if not self.phone.text().strip() else self.email
        if "e-mail" in lowered:
            return self.email
        if "phone" in lowered:
            return self.phone
        return None

    def show_duplicates(self, matches: list[PossibleDuplicate]) -> None:
        self.duplicates = list(matches)
        self.error_label.setVisible(False)
        editing = self.record is not None
        if editing:
            self.duplicates_title.setText(
                "Another client already has this e-mail address. Change it, or open their record."
            )
        else:
            self.duplicates_title.setText(
                "This may be a client we already have. Open their record, "
                "or save a new client anyway."
            )
        self.duplicates_list.clear()
        for match in matches:
            item = QListWidgetItem(_duplicate_text(match))
            item.setData(Qt.ItemDataRole.UserRole, match.client_id)
            self.duplicates_list.addItem(item)
        self.duplicates_list.setCurrentRow(0)
        # As tall as the matches (up to three), no taller.
        shown = min(len(matches), 3)
        row = self.duplicates_list.sizeHintForRow(0) if matches else 0
        frame = 2 * self.duplicates_list.frameWidth()
        self.duplicates_list.setFixedHeight(shown * row + frame + 2)
        # The core lets an edit through only without the clash.
        self.save_anyway_button.setVisible(not editing)
        self.duplicates_panel.setVisible(True)
        set_invalid(self.phone, any(m.matched_on == "phone" for m in matches))
        set_invalid(self.email, any(m.matched_on == "e-mail" for m in matches))
        self.open_existing_button.setFocus()

    def _edited(self, field: QLineEdit) -> None:
        set_invalid(field, False)
        if field in (self.phone, self.email) and self.duplicates_panel.isVisible():
            # The flag was about the old number or address.
            self.duplicates_panel.setVisible(False)


class ArchiveClientDialog(CommandDialog):
    """Archive with a reason: hidden from search and booking, never deleted."""

    archived = Signal(object)

    def __init__(
        self, ctx: Core, actor: Actor, record: ClientRecord, parent: QWidget | None = None
    ) -> None:
        super().__init__(
            ctx,
            actor,
            title=f"Archive {record.full_name}?",
            caption=(
                "An archived client no longer appears in search and cannot be booked. "
                "Their record, appointment history and credit ledger are kept."
            ),
            action="Archive client",
            busy_text="Archiving…",
            danger=True,
            parent=parent,
        )
        self.record = record
        self.setObjectName("archiveDialog")
        self.setWindowTitle(f"Archive {record.full_name}")
        self.title_label.setWordWrap(True)
        self.reason = QLineEdit()
        self.reason.setObjectName("archiveReason")
        self.reason.setPlaceholderText("Why, e.g. moved away, asked us to close the record")
        self.reason.setMaxLength(500)
        # The label above the field, across the form's width.
        reason_box = QWidget()
        box = QVBoxLayout(reason_box)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(4)
        box.addWidget(QLabel("Reason"))
        box.addWidget(self.reason)
        self.form.addRow(reason_box)
        self.archive_button = self.ok_button
        self.archive_button.setEnabled(False)
        self.reason.textChanged.connect(
            lambda text: self.archive_button.setEnabled(bool(text.strip()) and not self.sending)
        )
        self.succeeded.connect(lambda _result: self.archived.emit(self.record.id))
        self.reason.setFocus()

    def build_command(self) -> Command:
        if not self.reason.text().strip():
            raise ValidationError("Give a reason: it is kept with the client's record.")
        return ArchiveClient(client_id=self.record.id, reason=self.reason.text())

    def inputs(self) -> list[QWidget]:
        return [self.reason]

    def show_failure(self, exc: BaseException) -> None:
        text = str(exc) if isinstance(exc, ClinicdeskError) else f"Something went wrong: {exc}."
        self.show_error(f"{text} The client was not archived.")
