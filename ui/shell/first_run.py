"""The first-run wizard: name the clinic and create its first manager.

Two commands, in order: CreateFirstManager (as the system: nobody can log in
yet) and UpdateClinicSettings (as the new manager). If the second fails, the
manager already exists; a retry then only saves the settings.
"""

from __future__ import annotations

import uuid
import zoneinfo
from collections.abc import Callable
from functools import cache

from PySide6.QtCore import Qt, QTimeZone
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.clinic.commands import UpdateClinicSettings
from desktop_app.clinic.settings import DEFAULTS
from desktop_app.kernel.actor import Actor, workstation_name
from desktop_app.kernel.core import Core
from desktop_app.kernel.errors import ClinicdeskError
from desktop_app.kernel.validation import normalise_email, require_text, require_timezone
from desktop_app.staff.commands import CreateFirstManager
from desktop_app.staff.passwords import MIN_PASSWORD_LENGTH, check_password_strength
from models.enums import Role
from ui.kit.command_dialog import form_error_label
from ui.kit.ops import run_in_background
from ui.kit.resources import app_icon

LABEL_WIDTH = 120
FIELDS = ("clinic_name", "timezone", "name", "email", "password", "password_again")


@cache
def timezone_names() -> list[str]:
    return sorted(zoneinfo.available_timezones())


# A computer set to UTC is usually a server or a fresh virtual machine, not a
# statement about where the clinic is; the clinic default is a better guess.
_NOT_A_PLACE = frozenset({"UTC", "Etc/UTC", "Etc/Universal", "Universal", "Zulu", "GMT", "Etc/GMT"})


def default_timezone() -> str:
    """This computer's zone when it names a place, else the clinic default."""
    system = bytes(QTimeZone.systemTimeZoneId().data()).decode("ascii", "replace")
    if system in _NOT_A_PLACE or system not in set(timezone_names()):
        return str(DEFAULTS["timezone"])
    return system


class FirstRunWizard(QDialog):
    def __init__(self, ctx: Core, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.manager: Actor | None = None
        self.manager_email = ""
        # Set once the account exists, so a retry does not try to create it again.
        self._manager_id: uuid.UUID | None = None
        self.setObjectName("firstRunWizard")
        self.setWindowTitle("Set up Clinicdesk")
        self.setWindowIcon(app_icon())
        self.setMinimumWidth(560)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 28, 32, 24)
        layout.setSpacing(12)

        heading = QHBoxLayout()
        heading.setSpacing(12)
        icon = QLabel()
        icon.setPixmap(app_icon().pixmap(40, 40))
        titles = QVBoxLayout()
        titles.setSpacing(2)
        title = QLabel("Welcome to Clinicdesk")
        title.setObjectName("dialogTitle")
        caption = QLabel(
            "Name your clinic and create the first manager account. "
            "The manager then creates everyone else's accounts."
        )
        caption.setObjectName("dialogCaption")
        caption.setWordWrap(True)
        titles.addWidget(title)
        titles.addWidget(caption)
        heading.addWidget(icon)
        heading.addLayout(titles, 1)
        layout.addLayout(heading)

        self.inputs: dict[str, QLineEdit] = {}
        self.field_errors: dict[str, QLabel] = {}
        self._forms: dict[str, QFormLayout] = {}

        clinic_form = self._section(layout, "Your clinic")
        self.clinic_name = self._line("clinic_name", "e.g. Riverside Therapy Centre")
        self.timezone = QComboBox()
        self.timezone.setObjectName("timezoneField")
        self.timezone.setEditable(True)
        self.timezone.addItems(timezone_names())
        self.timezone.setCurrentText(default_timezone())
        self.timezone.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.timezone.setMaxVisibleItems(15)
        completer = self.timezone.completer()
        assert completer is not None  # an editable combo box always has one
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self._add_row(clinic_form, "clinic_name", "Clinic name", self.clinic_name)
        self._add_row(clinic_form, "timezone", "Time zone", self.timezone)

        manager_form = self._section(layout, "The first manager")
        self.name = self._line("name", "Full name")
        self.email = self._line("email", "name@clinic.example")
        self.password = self._line("password", f"At least {MIN_PASSWORD_LENGTH} characters")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_again = self._line("password_again", "The same password again")
        self.password_again.setEchoMode(QLineEdit.EchoMode.Password)
        self._add_row(manager_form, "name", "Name", self.name)
        self._add_row(manager_form, "email", "E-mail", self.email)
        self._add_row(manager_form, "password", "Password", self.password)
        self._add_row(manager_form, "password_again", "Repeat password", self.password_again)

        self.error_label = form_error_label()
        layout.addWidget(self.error_label)

        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.cancel_button = QPushButton("Quit")
        self.cancel_button.setAutoDefault(False)
        self.cancel_button.clicked.connect(self.reject)
        self.create_button = QPushButton("Create clinic")
        self.create_button.setObjectName("primaryButton")
        self.create_button.setDefault(True)
        self.create_button.clicked.connect(self.submit)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.create_button)
        layout.addLayout(buttons)
        self.clinic_name.setFocus()

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
        layout.addWidget(frame)
        return form

    def _line(self, key: str, placeholder: str) -> QLineEdit:
        edit = QLineEdit()
        edit.setObjectName(f"{key}Field")
        edit.setPlaceholderText(placeholder)
        self.inputs[key] = edit
        return edit

    def _add_row(self, form: QFormLayout, key: str, caption: str, field: QWidget) -> None:
        label = QLabel(caption)
        # The same label width in both sections keeps their fields in one column.
        label.setMinimumWidth(LABEL_WIDTH)
        form.addRow(label, field)
        error = QLabel()
        error.setObjectName("fieldError")
        error.setWordWrap(True)
        form.addRow("", error)
        form.setRowVisible(error, False)
        self.field_errors[key] = error
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

        check("clinic_name", lambda: require_text(self.clinic_name.text(), "clinic name", 100))
        check("timezone", lambda: require_timezone(self.timezone.currentText().strip()))
        if self._manager_id is None:
            check("name", lambda: require_text(self.name.text(), "name"))
            check("email", lambda: normalise_email(self.email.text()))
            check("password", lambda: check_password_strength(self.password.text()))
            if "password" not in errors and self.password.text() != self.password_again.text():
                errors["password_again"] = "The two passwords differ; type the same one twice."
        return errors

    def show_field_errors(self, errors: dict[str, str]) -> None:
        for key, label in self.field_errors.items():
            message = errors.get(key, "")
            label.setText(message)
            self._forms[key].setRowVisible(label, bool(message))
        if errors:
            first = next(key for key in FIELDS if key in errors)
            (self.timezone if first == "timezone" else self.inputs[first]).setFocus()

    def show_error(self, message: str) -> None:
        self.error_label.setText(message)
        self.error_label.setVisible(bool(message))

    # --- submitting ------------------------------------------------------

    def submit(self) -> None:
        if not self.create_button.isEnabled():
            return
        errors = self.validate()
        self.show_field_errors(errors)
        self.show_error("")
        if errors:
            return
        self._set_busy(True)
        if self._manager_id is None:
            self._create_manager()
        else:
            self._save_settings()

    def _set_busy(self, busy: bool) -> None:
        self.create_button.setEnabled(not busy)
        self.create_button.setText("Creating…" if busy else "Create clinic")
        for edit in self.inputs.values():
            edit.setReadOnly(
                busy or (self._manager_id is not None and edit in self._manager_inputs())
            )
        self.timezone.setEnabled(not busy)

    def _manager_inputs(self) -> list[QLineEdit]:
        return [self.name, self.email, self.password, self.password_again]

    def _create_manager(self) -> None:
        command = CreateFirstManager(
            email=self.email.text(), name=self.name.text(), password=self.password.text()
        )
        bus = self.ctx.bus
        run_in_background(
            self,
            lambda: bus.handle(command, Actor.system("first-run wizard")),
            self._manager_created,
            self._failed,
        )

    def _manager_created(self, account_id: uuid.UUID) -> None:
        self._manager_id = account_id
        self.manager_email = normalise_email(self.email.text())
        self.manager = Actor(
            account_id=account_id,
            name=require_text(self.name.text(), "name"),
            roles=frozenset({Role.MANAGER}),
            workstation=workstation_name(),
        )
        self._save_settings()

    def _save_settings(self) -> None:
        assert self.manager is not None
        command = UpdateClinicSettings(
            values={
                "clinic_name": self.clinic_name.text(),
                "timezone": self.timezone.currentText().strip(),
            }
        )
        bus, manager = self.ctx.bus, self.manager
        run_in_background(self, lambda: bus.handle(command, manager), self._done, self._failed)

    def _done(self, _result: object) -> None:
        self._set_busy(False)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        reason = str(exc) if isinstance(exc, ClinicdeskError) else f"Unexpected error: {exc}"
        if self._manager_id is not None:
            self.show_error(
                "The manager account was created, but the clinic settings were not saved: "
                f"{reason} Correct them and press Create clinic again."
            )
        else:
            self.show_error(f"Nothing was created. {reason}")
