"""The login dialog: e-mail and password to an Actor."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app import auth, queries
from desktop_app.actor import Actor
from desktop_app.app_context import AppContext
from desktop_app.clinic_settings import ClinicSettings
from desktop_app.errors import ClinicdeskError
from ui.ops import run_in_background
from ui.resources import app_icon


class LoginDialog(QDialog):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None, email: str = "") -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.actor: Actor | None = None
        self.setObjectName("loginDialog")
        self.setWindowTitle("Log in — Clinicdesk")
        self.setWindowIcon(app_icon())
        self.setMinimumWidth(480)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 28, 32, 24)
        layout.setSpacing(16)

        heading = QHBoxLayout()
        heading.setSpacing(12)
        icon = QLabel()
        icon.setPixmap(app_icon().pixmap(40, 40))
        titles = QVBoxLayout()
        titles.setSpacing(2)
        self.clinic_label = QLabel("Clinicdesk")
        self.clinic_label.setObjectName("dialogTitle")
        caption = QLabel("Log in with your own staff account.")
        caption.setObjectName("dialogCaption")
        titles.addWidget(self.clinic_label)
        titles.addWidget(caption)
        heading.addWidget(icon, 0, Qt.AlignmentFlag.AlignTop)
        heading.addLayout(titles, 1)
        layout.addLayout(heading)

        form = QFormLayout()
        form.setHorizontalSpacing(14)
        form.setVerticalSpacing(10)
        self.email = QLineEdit(email)
        self.email.setObjectName("emailField")
        self.email.setPlaceholderText("name@clinic.example")
        self.password = QLineEdit()
        self.password.setObjectName("passwordField")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow("E-mail", self.email)
        form.addRow("Password", self.password)
        layout.addLayout(form)

        self.error_label = QLabel()
        self.error_label.setObjectName("formError")
        self.error_label.setWordWrap(True)
        self.error_label.setVisible(False)
        layout.addWidget(self.error_label)

        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.quit_button = QPushButton("Quit")
        self.quit_button.setAutoDefault(False)
        self.quit_button.clicked.connect(self.reject)
        self.login_button = QPushButton("Log in")
        self.login_button.setObjectName("primaryButton")
        self.login_button.setDefault(True)
        self.login_button.clicked.connect(self.submit)
        buttons.addWidget(self.quit_button)
        buttons.addWidget(self.login_button)
        layout.addLayout(buttons)

        (self.password if email else self.email).setFocus()
        db = ctx.db
        run_in_background(
            self, lambda: queries.clinic_settings(db), self._settings_loaded, lambda _exc: None
        )

    def _settings_loaded(self, settings: ClinicSettings) -> None:
        self.clinic_label.setText(settings.clinic_name)

    def show_error(self, message: str) -> None:
        self.error_label.setText(message)
        self.error_label.setVisible(True)

    def submit(self) -> None:
        if not self.login_button.isEnabled():
            return  # a login is already being checked
        email = self.email.text().strip()
        password = self.password.text()
        if not email:
            self.show_error("Enter your e-mail address.")
            self.email.setFocus()
            return
        if not password:
            self.show_error("Enter your password.")
            self.password.setFocus()
            return
        self._set_busy(True)
        db = self.ctx.db
        run_in_background(self, lambda: auth.login(db, email, password), self._done, self._failed)

    def _set_busy(self, busy: bool) -> None:
        self.login_button.setEnabled(not busy)
        self.login_button.setText("Checking…" if busy else "Log in")
        self.email.setReadOnly(busy)
        self.password.setReadOnly(busy)

    def _done(self, actor: Actor) -> None:
        self._set_busy(False)
        self.actor = actor
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        if isinstance(exc, ClinicdeskError):
            self.show_error(str(exc))
        else:
            self.show_error(f"Could not check the login: {exc}")
        # The e-mail stays as typed; only the password is cleared for the retry.
        self.password.clear()
        self.password.setFocus()
