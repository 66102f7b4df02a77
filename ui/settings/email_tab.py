"""Settings, "E-mail" tab: the SMTP server, the reminder times, a test e-mail.

The server settings are shared by every workstation; the password is not: it
goes to this computer's keyring (the page only says whether one is stored,
never what it is). Leaving the password empty keeps the stored one; "Remove"
forgets it when the form is saved. A test e-mail goes through what the form
shows, saved or not, so a server can be tried before it is saved.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop_app.clinic.settings import EmailSettings, validate_email_setting
from desktop_app.kernel.actor import Actor
from desktop_app.kernel.core import Core
from desktop_app.kernel.errors import ValidationError
from desktop_app.kernel.validation import normalise_email
from desktop_app.messaging.commands import UpdateEmailSettings
from desktop_app.messaging.mailer import SmtpConfig, send_test_email
from ui.kit.command_dialog import error_text, section_title
from ui.kit.ops import run_in_background
from ui.settings.settings_form import SettingsForm, form_card

SECURITY_CHOICES = (
    ("starttls", "STARTTLS"),
    ("ssl", "SSL/TLS"),
    ("none", "None (unencrypted)"),
)
# The usual port of each mode: switching mode moves a port that was the old usual one.
USUAL_PORTS = {"starttls": 587, "ssl": 465, "none": 25}

_MINUTES_PER_UNIT = {
    "m": 1,
    "min": 1,
    "mins": 1,
    "minute": 1,
    "minutes": 1,
    "h": 60,
    "hr": 60,
    "hrs": 60,
    "hour": 60,
    "hours": 60,
    "d": 24 * 60,
    "day": 24 * 60,
    "days": 24 * 60,
}
_REMINDER = re.compile(r"^(\d+(?:\.\d+)?)\s*([a-z]+)$")
REMINDER_EXAMPLE = "24 h, 2 h"


def parse_reminders(text: str) -> list[int]:
    """ "24 h, 2 h, 30 min" -> minutes before the appointment; "" -> none."""
    minutes: list[int] = []
    for part in re.split(r"[,;]", text):
        item = part.strip().lower()
        if not item:
            continue
        match = _REMINDER.match(item)
        unit = _MINUTES_PER_UNIT.get(match.group(2)) if match else None
        if match is None or unit is None:
            raise ValidationError(
                f"{part.strip()!r} is not a reminder time: write a number and a unit, "
                f"e.g. {REMINDER_EXAMPLE}, 30 min."
            )
        value = float(match.group(1)) * unit
        if value != int(value):
            raise ValidationError(f"{part.strip()!r} is not a whole number of minutes.")
        minutes.append(int(value))
    return minutes


def format_reminders(offsets: Sequence[int]) -> str:
    def one(m: int) -> str:
        if m % (24 * 60) == 0 and m >= 2 * 24 * 60:
            return f"{m // (24 * 60)} d"
        if m % 60 == 0:
            return f"{m // 60} h"
        return f"{m} min"

    return ", ".join(one(m) for m in sorted(offsets, reverse=True))


@dataclass(frozen=True)
class EmailPage:
    settings: EmailSettings
    # Whether this computer's keyring holds a password for the saved server and user.
    password_stored: bool
    # Why this computer does not send e-mail with the saved settings; None: it does.
    readiness: str | None


def set_kind(widget: QWidget, kind: str) -> None:
    """Restyle a banner-like widget through its `kind` property."""
    widget.setProperty("kind", kind)
    widget.style().unpolish(widget)
    widget.style().polish(widget)


class EmailSettingsTab(SettingsForm):
    def __init__(self, ctx: Core, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(ctx, actor, parent)
        self.setObjectName("emailSettingsTab")
        self.password_stored = False
        self.remove_password = False
        self.testing = False

        self.readiness = QFrame()
        self.readiness.setObjectName("scheduleBanner")
        readiness_row = QHBoxLayout(self.readiness)
        readiness_row.setContentsMargins(12, 7, 12, 7)
        self.readiness_label = QLabel()
        self.readiness_label.setWordWrap(True)
        readiness_row.addWidget(self.readiness_label)
        self.layout_.addWidget(self.readiness)

        columns = self.columns
        columns.addWidget(self._server_card(), 3)
        side = QVBoxLayout()
        side.setSpacing(16)
        side.addWidget(self._reminders_card())
        side.addWidget(self._test_card())
        side.addStretch(1)
        columns.addLayout(side, 2)
        self.finish()

    # --- building --------------------------------------------------------

    def _server_card(self) -> QFrame:
        card, form = form_card()
        form.addRow(section_title("Outgoing mail server (SMTP)"))
        self.host = QLineEdit()
        self.host.setPlaceholderText("smtp.example.org")
        self._text(form, "smtp_host", "Server", self.host, "Empty: the clinic sends no e-mail.")

        self.port = QSpinBox()
        self.port.setRange(1, 65535)
        self.port.setFixedWidth(110)
        self.add_field(form, "smtp_port", "Port", self.port, self.port.value, self.port.setValue)
        self.watch(self.port.valueChanged)

        self.security = QComboBox()
        for value, label in SECURITY_CHOICES:
            self.security.addItem(label, value)
        self._security_before = self.security.currentData()
        self.add_field(
            form,
            "smtp_tls",
            "Security",
            self.security,
            self.security.currentData,
            self._set_security,
        )
        self.security.currentIndexChanged.connect(self._security_changed)

        self.user = QLineEdit()
        self.user.setPlaceholderText("Empty if the server needs no login")
        self._text(form, "smtp_user", "User name", self.user)

        self.password = QLineEdit()
        self.password.setObjectName("smtpPassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.textChanged.connect(lambda _t: self.edited())
        self.password_status = QLabel()
        self.password_status.setObjectName("cardCaption")
        self.password_status.setWordWrap(True)
        self.remove_button = QPushButton("Remove")
        self.remove_button.setObjectName("removePasswordButton")
        self.remove_button.setToolTip("Forget the stored password when the settings are saved")
        self.remove_button.clicked.connect(self._toggle_remove)
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(3)
        column.addWidget(self.password)
        status_row = QHBoxLayout()
        status_row.setSpacing(8)
        status_row.addWidget(self.password_status, 1)
        status_row.addWidget(self.remove_button, 0, Qt.AlignmentFlag.AlignTop)
        column.addLayout(status_row)
        form.addRow("Password", box)

        self.sender_address = QLineEdit()
        self.sender_address.setPlaceholderText("reception@yourclinic.example")
        self._text(
            form,
            "smtp_from",
            "Sender address",
            self.sender_address,
            "Clients see e-mail from this address.",
        )
        return card

    def _reminders_card(self) -> QFrame:
        card, form = form_card()
        form.addRow(section_title("Reminders and confirmations"))
        self.reminders = QLineEdit()
        self.reminders.setPlaceholderText(REMINDER_EXAMPLE)
        self._text(
            form,
            "reminder_offsets_min",
            "Remind",
            self.reminders,
            "Before each appointment, e.g. 24 h, 2 h, 30 min. Empty: no reminders.",
        )
        self.confirmations = QCheckBox("When an appointment is booked, moved or cancelled")
        self.add_field(
            form,
            "send_confirmations",
            "Confirm",
            self.confirmations,
            self.confirmations.isChecked,
            self.confirmations.setChecked,
        )
        self.watch(self.confirmations.toggled)
        return card

    def _test_card(self) -> QFrame:
        card, form = form_card()
        form.addRow(section_title("Test e-mail"))
        self.test_to = QLineEdit()
        self.test_to.setObjectName("testRecipient")
        self.test_to.setPlaceholderText("you@example.org")
        self.test_button = QPushButton("Send test e-mail")
        self.test_button.setObjectName("sendTestButton")
        self.test_button.clicked.connect(self.send_test)
        self.test_to.returnPressed.connect(self.send_test)
        row = QHBoxLayout()
        row.setSpacing(8)
        row.addWidget(self.test_to, 1)
        row.addWidget(self.test_button)
        form.addRow("To", row)
        hint = QLabel("Goes out now through the server above, even before it is saved.")
        hint.setObjectName("cardCaption")
        hint.setWordWrap(True)
        form.addRow(hint)
        self.test_result = QLabel()
        self.test_result.setObjectName("actionBanner")
        self.test_result.setWordWrap(True)
        self.test_result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.test_result.setVisible(False)
        form.addRow(self.test_result)
        return card

    def _text(self, form: Any, key: str, caption: str, edit: QLineEdit, hint: str = "") -> None:
        self.add_field(form, key, caption, edit, edit.text, edit.setText, hint=hint)
        self.watch(edit.textChanged)

    def _set_security(self, value: str) -> None:
        # Shown as loaded: the stored port stays whatever it is.
        self._security_before = value
        self.security.setCurrentIndex(max(self.security.findData(value), 0))

    def _security_changed(self) -> None:
        now = self.security.currentData()
        if now != self._security_before and self.port.value() == USUAL_PORTS.get(
            self._security_before
        ):
            self.port.setValue(USUAL_PORTS[now])
        self._security_before = now
        self.edited()

    # --- the password ----------------------------------------------------

    def _toggle_remove(self) -> None:
        self.remove_password = not self.remove_password
        self._show_password_state()
        self.edited()

    def _show_password_state(self) -> None:
        if self.remove_password:
            text = "The stored password will be removed when you save."
        elif self.password_stored:
            text = "A password is stored in this computer's keyring. Leave empty to keep it."
        else:
            text = "No password stored on this computer."
        self.password_status.setText(text)
        self.remove_button.setText("Keep" if self.remove_password else "Remove")
        self.remove_button.setVisible(self.password_stored)
        self.password.setPlaceholderText("••••••••  (stored)" if self.password_stored else "")

    def extra_dirty(self) -> bool:
        return bool(self.password.text()) or self.remove_password

    def discard(self) -> None:
        self.password.clear()
        self.remove_password = False
        self._show_password_state()
        super().discard()

    # --- data ------------------------------------------------------------

    def apply(self, page: EmailPage, own_email: str) -> None:
        s = page.settings
        self.load(
            {
                "smtp_host": s.smtp_host,
                "smtp_port": s.smtp_port,
                "smtp_tls": s.smtp_tls,
                "smtp_user": s.smtp_user,
                "smtp_from": s.smtp_from,
                "reminder_offsets_min": format_reminders(s.reminder_offsets_min),
                "send_confirmations": s.send_confirmations,
            }
        )
        self.password_stored = page.password_stored
        if not page.password_stored:
            self.remove_password = False
        self._show_password_state()
        if page.readiness is None:
            set_kind(self.readiness, "success")
            self.readiness_label.setText(
                "E-mail is on: confirmations and reminders go out from this computer."
            )
        else:
            set_kind(self.readiness, "warning")
            self.readiness_label.setText(f"No e-mail goes out from this computer. {page.readiness}")
        if not self.test_to.text():
            self.test_to.setText(own_email)
        self.edited()

    def _checked(self, keys: Sequence[str]) -> tuple[dict[str, Any], dict[str, str]]:
        """The given fields cleaned by the core's rules, and the errors by field."""
        values: dict[str, Any] = {}
        errors: dict[str, str] = {}
        for key in keys:
            typed = self.fields[key].get()
            try:
                if key == "reminder_offsets_min":
                    typed = parse_reminders(typed)
                values[key] = validate_email_setting(key, typed)
            except ValidationError as exc:
                errors[key] = str(exc)
        return values, errors

    def save(self) -> None:
        if self.sending or not self.is_dirty():
            return
        values, errors = self._checked(list(self.changed()))
        self.show_field_errors(errors)
        if errors:
            self.show_error("Nothing was saved: correct the marked fields first.")
            return
        password: str | None = None
        if self.password.text():
            password = self.password.text()
        elif self.remove_password:
            password = ""
        offsets = values.get("reminder_offsets_min")
        command = UpdateEmailSettings(
            smtp_host=values.get("smtp_host"),
            smtp_port=values.get("smtp_port"),
            smtp_tls=values.get("smtp_tls"),
            smtp_user=values.get("smtp_user"),
            smtp_from=values.get("smtp_from"),
            reminder_offsets_min=None if offsets is None else tuple(offsets),
            send_confirmations=values.get("send_confirmations"),
            smtp_password=password,
        )
        shown = {
            k: format_reminders(v) if k == "reminder_offsets_min" else v for k, v in values.items()
        }

        def saved() -> None:
            self.accept_saved(shown)
            self.password.clear()
            self.remove_password = False
            self._show_password_state()

        self.send(command, saved, "E-mail settings saved.")

    # --- test e-mail -----------------------------------------------------

    def send_test(self) -> None:
        if self.testing:
            return
        server_keys = ("smtp_host", "smtp_port", "smtp_tls", "smtp_user", "smtp_from")
        values, errors = self._checked(server_keys)
        self.show_field_errors(errors)
        try:
            to = normalise_email(self.test_to.text())
        except ValidationError as exc:
            self._show_test_result(False, str(exc))
            return
        if errors:
            self._show_test_result(False, "Correct the marked fields first.")
            return
        config = SmtpConfig(
            values["smtp_host"],
            values["smtp_port"],
            values["smtp_tls"],
            values["smtp_user"],
            values["smtp_from"],
        )
        # None: the password this computer stores for that server and user.
        password: str | None = self.password.text() or ("" if self.remove_password else None)
        ctx = self.ctx
        self.testing = True
        self.test_button.setEnabled(False)
        self.test_button.setText("Sending…")
        self._show_test_result(None, f"Sending a test e-mail to {to} through {config.host}…")

        def done(_result: object) -> None:
            self._test_finished()
            self._show_test_result(
                True, f"The server accepted the test e-mail to {to}. Check that inbox."
            )

        def failed(exc: BaseException) -> None:
            self._test_finished()
            self._show_test_result(False, f"The test e-mail was not sent. {error_text(exc)}")

        run_in_background(
            self,
            lambda: send_test_email(ctx, to, config=config, password=password),
            done,
            failed,
        )

    def _test_finished(self) -> None:
        self.testing = False
        self.test_button.setEnabled(True)
        self.test_button.setText("Send test e-mail")

    def _show_test_result(self, ok: bool | None, text: str) -> None:
        set_kind(self.test_result, "" if ok is None else ("success" if ok else "error"))
        self.test_result.setText(text)
        self.test_result.setVisible(True)
