"""Applying to practise at the clinic, from the login dialog.

Nobody is logged in yet, so the application is sent as the system actor
"application form" (the core creates the account and the application in one
transaction). Everything is checked here first with the core's own
validators, field by field; whatever the core still refuses is shown next to
the field it is about. Nothing typed is lost on an error.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_app.kernel.actor import Actor
from desktop_app.kernel.core import Core
from desktop_app.kernel.errors import ClinicdeskError
from desktop_app.kernel.validation import normalise_email, require_text
from desktop_app.staff.commands import SubmitApplication
from desktop_app.staff.passwords import MIN_PASSWORD_LENGTH, check_password_strength
from ui.kit.command_dialog import error_text, field_error_label, form_error_label, set_invalid
from ui.kit.ops import run_in_background
from ui.kit.profile_widgets import DocumentPicker, PhotoPicker, TagListEdit
from ui.kit.resources import app_icon
from ui.practitioners.practitioner_profile import LANGUAGE_SUGGESTIONS

LABEL_WIDTH = 130
MAX_TAGS = 20
# In the order the form shows them: the first field with an error gets the focus.
FIELDS = (
    "name",
    "email",
    "password",
    "password_again",
    "phone",
    "profession",
    "licence_number",
    "experience",
    "specialisations",
    "languages",
    "bio",
    "photo",
    "documents",
)

# Which field a message from the core is about, by the words it uses.
_MESSAGE_FIELDS: tuple[tuple[str, str], ...] = (
    ("e-mail", "email"),
    ("password", "password"),
    ("profession", "profession"),
    ("specialisation", "specialisations"),
    ("language", "languages"),
    ("experience", "experience"),
    ("photo", "photo"),
    ("document", "documents"),
    ("bio", "bio"),
    ("the name", "name"),
)


def field_for_message(message: str, filenames: tuple[str, ...] = ()) -> str | None:
    text = message.casefold()
    if any(name and name.casefold() in text for name in filenames):
        return "documents"
    for words, key in _MESSAGE_FIELDS:
        if words in text:
            return key
    return None


class ApplicationForm(QDialog):
    def __init__(self, ctx: Core, parent: QWidget | None = None, email: str = "") -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.sending = False
        self.practitioner_id: uuid.UUID | None = None
        self.submitted_email = ""
        self.setObjectName("applicationForm")
        self.setProperty("clinicForm", True)
        self.setWindowTitle("Apply as a practitioner — Clinicdesk")
        self.setWindowIcon(app_icon())
        self.setMinimumWidth(680)
        self.resize(720, 780)

        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        self.pages = QStackedWidget()
        outer.addWidget(self.pages)

        # --- the form ----------------------------------------------------
        form_page = QWidget()
        page_layout = QVBoxLayout(form_page)
        page_layout.setContentsMargins(0, 0, 0, 0)
        page_layout.setSpacing(0)
        scroll = QScrollArea()
        scroll.setObjectName("applicationScroll")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll_area = scroll
        content = QWidget()
        content.setObjectName("applicationContent")
        layout = QVBoxLayout(content)
        layout.setContentsMargins(30, 24, 30, 16)
        layout.setSpacing(10)
        scroll.setWidget(content)
        page_layout.addWidget(scroll, 1)

        heading = QHBoxLayout()
        heading.setSpacing(12)
        icon = QLabel()
        icon.setPixmap(app_icon().pixmap(40, 40))
        titles = QVBoxLayout()
        titles.setSpacing(2)
        title = QLabel("Apply as a practitioner")
        title.setObjectName("dialogTitle")
        caption = QLabel(
            "Tell the clinic about your practice and send your licence. A manager reviews "
            "every application; you can log in meanwhile to follow its status."
        )
        caption.setObjectName("dialogCaption")
        caption.setWordWrap(True)
        titles.addWidget(title)
        titles.addWidget(caption)
        heading.addWidget(icon, 0, Qt.AlignmentFlag.AlignTop)
        heading.addLayout(titles, 1)
        layout.addLayout(heading)

        self.field_errors: dict[str, QLabel] = {}
        self.field_widgets: dict[str, QWidget] = {}
        self._forms: dict[str, QFormLayout] = {}

        you = self._section(layout, "You")
        self.name = self._line("name", "First and last name, as on your licence")
        self.email = self._line("email", "you@example.com")
        self.email.setText(email)
        self.password = self._line("password", f"At least {MIN_PASSWORD_LENGTH} characters")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_again = self._line("password_again", "The same password again")
        self.password_again.setEchoMode(QLineEdit.EchoMode.Password)
        self.phone = self._line("phone", "Optional")
        self._add_row(you, "name", "Name", self.name)
        self._add_row(you, "email", "E-mail", self.email)
        self._add_row(you, "password", "Password", self.password)
        self._add_row(you, "password_again", "Repeat password", self.password_again)
        self._add_row(you, "phone", "Phone", self.phone)

        practice = self._section(layout, "Your practice")
        self.profession = self._line("profession", "e.g. Clinical psychologist, Dentist")
        self.licence_number = self._line("licence_number", "Your registration number")
        self.experience = QSpinBox()
        self.experience.setObjectName("experienceField")
        self.experience.setRange(-1, 70)
        self.experience.setValue(-1)
        # The lowest value stands for "not given": the command's None.
        self.experience.setSpecialValueText("Not given")
        self.experience.setSuffix(" years")
        self.experience.setFixedWidth(150)
        self.specialisations = TagListEdit("e.g. anxiety — press Enter after each")
        self.specialisations.setObjectName("specialisationsField")
        self.languages = TagListEdit("e.g. English — press Enter after each", LANGUAGE_SUGGESTIONS)
        self.languages.setObjectName("languagesField")
        self.bio = QPlainTextEdit()
        self.bio.setObjectName("bioField")
        self.bio.setPlaceholderText("A few sentences clients will read about how you work")
        self.bio.setTabChangesFocus(True)
        self.bio.setFixedHeight(96)
        self._add_row(practice, "profession", "Profession", self.profession)
        self._add_row(practice, "licence_number", "Licence number", self.licence_number)
        self._add_row(practice, "experience", "Experience", self.experience)
        self._add_row(practice, "specialisations", "Specialisations", self.specialisations)
        self._add_row(practice, "languages", "Languages", self.languages)
        self._add_row(practice, "bio", "Bio", self.bio)

        files = self._section(layout, "Photo and documents")
        self.photo = PhotoPicker()
        self.photo.setObjectName("photoField")
        self.photo.error.connect(lambda message: self._show_field_error("photo", message))
        self.name.textChanged.connect(self.photo.set_name)
        self.documents = DocumentPicker()
        self.documents.setObjectName("documentsField")
        self.documents.error.connect(lambda message: self._show_field_error("documents", message))
        self._add_row(files, "photo", "Photo", self.photo)
        self._add_row(files, "documents", "Documents", self.documents)
        layout.addStretch(1)

        footer = QFrame()
        footer.setObjectName("dialogFooter")
        bottom = QVBoxLayout(footer)
        bottom.setContentsMargins(30, 10, 30, 16)
        bottom.setSpacing(10)
        self.error_label = form_error_label()
        bottom.addWidget(self.error_label)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setAutoDefault(False)
        self.cancel_button.clicked.connect(self.reject)
        self.submit_button = QPushButton("Send application")
        self.submit_button.setObjectName("primaryButton")
        self.submit_button.setAutoDefault(False)
        self.submit_button.clicked.connect(self.submit)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.submit_button)
        bottom.addLayout(buttons)
        page_layout.addWidget(footer)
        self.pages.addWidget(form_page)

        # --- sent --------------------------------------------------------
        done = QWidget()
        done_layout = QVBoxLayout(done)
        done_layout.setContentsMargins(40, 40, 40, 30)
        done_layout.setSpacing(14)
        done_layout.addStretch(1)
        done_title = QLabel("Application sent")
        done_title.setObjectName("confirmationTitle")
        done_title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.done_text = QLabel()
        self.done_text.setObjectName("confirmationDetails")
        self.done_text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.done_text.setWordWrap(True)
        self.back_button = QPushButton("Back to the login")
        self.back_button.setObjectName("primaryButton")
        self.back_button.clicked.connect(self.accept)
        done_layout.addWidget(done_title)
        done_layout.addWidget(self.done_text)
        done_layout.addWidget(self.back_button, 0, Qt.AlignmentFlag.AlignCenter)
        done_layout.addStretch(2)
        self.pages.addWidget(done)
        self.done_page = done

        self.name.setFocus()

    # --- layout helpers --------------------------------------------------

    def _section(self, layout: QVBoxLayout, title: str) -> QFormLayout:
        label = QLabel(title)
        label.setObjectName("sectionTitle")
        layout.addWidget(label)
        frame = QFrame()
        frame.setObjectName("formCard")
        form = QFormLayout(frame)
        form.setContentsMargins(18, 14, 18, 14)
        form.setHorizontalSpacing(16)
        form.setVerticalSpacing(8)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        layout.addWidget(frame)
        return form

    def _line(self, key: str, placeholder: str) -> QLineEdit:
        edit = QLineEdit()
        edit.setObjectName(f"{key}Field")
        edit.setPlaceholderText(placeholder)
        edit.setMaxLength(254)
        return edit

    def _add_row(self, form: QFormLayout, key: str, caption: str, field: QWidget) -> None:
        label = QLabel(caption)
        label.setMinimumWidth(LABEL_WIDTH)
        form.addRow(label, field)
        error = field_error_label()
        form.addRow("", error)
        form.setRowVisible(error, False)
        self.field_errors[key] = error
        self.field_widgets[key] = field
        self._forms[key] = form

    # --- validation ------------------------------------------------------

    def validate(self) -> dict[str, str]:
        """Messages by field for everything wrong with what is typed."""
        errors: dict[str, str] = {}

        def check(key: str, fn: Callable[[], object]) -> None:
            try:
                fn()
            except ClinicdeskError as exc:
                errors[key] = str(exc)

        check("name", lambda: require_text(self.name.text(), "name"))
        check("email", lambda: normalise_email(self.email.text()))
        check("password", lambda: check_password_strength(self.password.text()))
        if "password" not in errors and self.password.text() != self.password_again.text():
            errors["password_again"] = "The two passwords differ; type the same one twice."
        check("profession", lambda: require_text(self.profession.text(), "profession", 100))
        for key, widget, what in (
            ("specialisations", self.specialisations, "specialisations"),
            ("languages", self.languages, "languages"),
        ):
            if len(widget.tags()) > MAX_TAGS:
                errors[key] = f"At most {MAX_TAGS} {what}."
        if len(self.bio.toPlainText()) > 5000:
            errors["bio"] = "The bio is too long (at most 5000 characters)."
        if not self.documents.documents:
            errors["documents"] = (
                "Add your licence (and an identity document): the clinic cannot approve "
                "an application without them."
            )
        return errors

    def show_field_errors(self, errors: dict[str, str]) -> None:
        for key in FIELDS:
            self._show_field_error(key, errors.get(key, ""), focus=False)
        first = next((key for key in FIELDS if key in errors), None)
        if first is not None:
            widget = self.field_widgets[first]
            self.scroll_area.ensureWidgetVisible(widget)
            widget.setFocus()

    def _show_field_error(self, key: str, message: str, *, focus: bool = False) -> None:
        label = self.field_errors[key]
        label.setText(message)
        label.setVisible(bool(message))
        self._forms[key].setRowVisible(label, bool(message))
        widget = self.field_widgets[key]
        if isinstance(widget, QLineEdit | QPlainTextEdit):
            set_invalid(widget, bool(message))
        if focus and message:
            self.scroll_area.ensureWidgetVisible(widget)
            widget.setFocus()

    def show_error(self, message: str) -> None:
        self.error_label.setText(message)
        self.error_label.setVisible(bool(message))

    # --- sending ---------------------------------------------------------

    def command(self) -> SubmitApplication:
        experience = self.experience.value()
        return SubmitApplication(
            email=self.email.text(),
            name=self.name.text(),
            password=self.password.text(),
            phone=self.phone.text().strip() or None,
            profession=self.profession.text(),
            licence_number=self.licence_number.text().strip() or None,
            specialisations=self.specialisations.tags(),
            languages=self.languages.tags(),
            experience_years=None if experience < 0 else experience,
            bio=self.bio.toPlainText(),
            photo=self.photo.data,
            documents=tuple(d.upload() for d in self.documents.documents),
        )

    def submit(self) -> None:
        if self.sending:
            return
        errors = self.validate()
        self.show_field_errors(errors)
        if errors:
            self.show_error("Please correct the fields marked in red.")
            return
        self.show_error("")
        command = self.command()
        bus = self.ctx.bus
        self._set_busy(True)
        run_in_background(
            self,
            lambda: bus.handle(command, Actor.system("application form")),
            self._sent,
            self._failed,
        )

    def _set_busy(self, busy: bool) -> None:
        self.sending = busy
        self.submit_button.setEnabled(not busy)
        self.submit_button.setText("Sending…" if busy else "Send application")
        self.cancel_button.setEnabled(not busy)
        for widget in self.field_widgets.values():
            if isinstance(widget, QLineEdit | QPlainTextEdit):
                widget.setReadOnly(busy)
            else:
                widget.setEnabled(not busy)

    def _sent(self, practitioner_id: object) -> None:
        self._set_busy(False)
        self.practitioner_id = practitioner_id if isinstance(practitioner_id, uuid.UUID) else None
        self.submitted_email = normalise_email(self.email.text())
        self.done_text.setText(
            "Thank you. A manager will review your application and you will hear by e-mail.\n\n"
            f"Meanwhile you can log in as {self.submitted_email} to see its status."
        )
        self.pages.setCurrentWidget(self.done_page)
        self.back_button.setFocus()

    def _failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        message = error_text(exc)
        filenames = tuple(d.filename for d in self.documents.documents)
        key = field_for_message(message, filenames) if isinstance(exc, ClinicdeskError) else None
        if key is not None:
            self._show_field_error(key, message, focus=True)
            self.show_error("The application was not sent: see the field marked in red.")
        else:
            self.show_error(f"The application was not sent. {message}")

    def reject(self) -> None:
        if not self.sending:
            super().reject()
