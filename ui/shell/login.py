"""The login dialog: e-mail and password to an Actor."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import Qt, QTimer
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

from desktop_app.clinic import queries as clinic_queries
from desktop_app.clinic.settings import ClinicSettings
from desktop_app.kernel.actor import Actor
from desktop_app.kernel.core import Core
from desktop_app.kernel.errors import ClinicdeskError
from desktop_app.staff import auth
from ui.kit.command_dialog import form_error_label
from ui.kit.ops import run_in_background
from ui.kit.resources import app_icon
from ui.practitioners.application_form import ApplicationForm


class LoginDialog(QDialog):
    def __init__(self, ctx: Core, parent: QWidget | None = None, email: str = "") -> None:
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

        self.error_label = form_error_label()
        layout.addWidget(self.error_label)

        buttons = QHBoxLayout()
        # Practitioners who have no account yet apply from here (DESIGN §1).
        self.apply_button = QPushButton("Apply as a practitioner…")
        self.apply_button.setObjectName("linkButton")
        self.apply_button.setAutoDefault(False)
        self.apply_button.setToolTip("New here? Send an application with your licence")
        self.apply_button.clicked.connect(self.open_application)
        buttons.addWidget(self.apply_button)
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

        self.application: ApplicationForm | None = None
        # While the core makes the next try wait, the button counts down.
        self._wait_timer = QTimer(self)
        self._wait_timer.setInterval(1000)
        self._wait_timer.timeout.connect(self._tick)
        self._wait_left = 0

        (self.password if email else self.email).setFocus()
        db = ctx.db
        run_in_background(
            self,
            lambda: clinic_queries.clinic_settings(db),
            self._settings_loaded,
            lambda _exc: None,
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
        self.login_button.setEnabled(not busy and not self._wait_left)
        self.login_button.setText("Checking…" if busy else self._button_text())
        self.email.setReadOnly(busy)
        self.password.setReadOnly(busy)

    def _done(self, actor: Actor) -> None:
        self._set_busy(False)
        self.actor = actor
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, auth.LoginThrottled):
            # The password was not even checked: keep it, and let the button count
            # down to when the core accepts the next try.
            self._start_wait(exc.wait)
            self._set_busy(False)
            self.show_error(str(exc))
            return
        self._set_busy(False)
        if isinstance(exc, ClinicdeskError):
            self.show_error(str(exc))
        else:
            self.show_error(f"Could not check the login: {exc}")
        # The e-mail stays as typed; only the password is cleared for the retry.
        self.password.clear()
        self.password.setFocus()

    # --- waiting after too many failures ---------------------------------

    def _start_wait(self, wait: timedelta) -> None:
        self._wait_left = max(1, int(wait.total_seconds() + 0.999))
        self._wait_timer.start()

    def _tick(self) -> None:
        self._wait_left = max(0, self._wait_left - 1)
        if not self._wait_left:
            self._wait_timer.stop()
        self._set_busy(False)

    def _button_text(self) -> str:
        return f"Wait {self._wait_left} s" if self._wait_left else "Log in"

    # --- applying --------------------------------------------------------

    def open_application(self) -> None:
        form = ApplicationForm(self.ctx, self, email=self.email.text().strip())
        self.application = form
        form.accepted.connect(lambda: self._applied(form))
        form.open()

    def _applied(self, form: ApplicationForm) -> None:
        if form.submitted_email:
            self.email.setText(form.submitted_email)
            self.password.clear()
            self.error_label.setVisible(False)
            self.password.setFocus()
