"""Clinic-wide settings: their names, defaults and checks."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from desktop_app.kernel.errors import ValidationError
from desktop_app.kernel.validation import normalise_email, require_text, require_timezone

DEFAULTS: dict[str, Any] = {
    "clinic_name": "My clinic",
    "timezone": "Europe/London",
    "currency": "EUR",
    # Online sessions get this plus an unguessable room name.
    "meeting_base_url": "https://meet.jit.si",
    # How long a desk may keep a slot while filling in the booking dialog.
    "hold_minutes": 5,
    # The window locks after this long without input; 0 never locks.
    "idle_lock_minutes": 5,
    # Cancellation policy: credits come back when an appointment is cancelled
    # at least this many hours before it starts; later, only a manager can
    # return them (with a reason). A no-show gets nothing back.
    "cancellation_free_hours": 24,
}


def validate_setting(key: str, value: Any) -> Any:
    if key not in DEFAULTS:
        raise ValidationError(f"Unknown clinic setting {key!r}.")
    if key == "timezone":
        return require_timezone(str(value))
    if key == "clinic_name":
        return require_text(str(value), "clinic name", 100)
    if key == "currency":
        code = str(value).strip().upper()
        if len(code) != 3 or not code.isalpha():
            raise ValidationError(f"{value!r} is not a currency code (e.g. EUR, GBP).")
        return code
    if key == "meeting_base_url":
        url = str(value).strip().rstrip("/")
        if url and not url.startswith("https://"):
            raise ValidationError("The meeting link must start with https://.")
        return url
    if key == "idle_lock_minutes":
        if not isinstance(value, int) or not 0 <= value <= 240:
            raise ValidationError("The idle lock is 0 (never) to 240 minutes.")
        return value
    if key == "cancellation_free_hours":
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 336:
            raise ValidationError(
                "Free cancellation ends 0 to 336 hours (two weeks) before the appointment."
            )
        return value
    if key == "hold_minutes":
        if not isinstance(value, int) or not 1 <= value <= 30:
            raise ValidationError("Slot holds last 1 to 30 minutes.")
        return value
    return value


@dataclass(frozen=True)
class ClinicSettings:
    clinic_name: str
    timezone: str
    currency: str
    meeting_base_url: str
    hold_minutes: int
    idle_lock_minutes: int
    cancellation_free_hours: int

    @classmethod
    def from_mapping(cls, stored: dict[str, Any]) -> ClinicSettings:
        merged = {**DEFAULTS, **{k: v for k, v in stored.items() if k in DEFAULTS}}
        return cls(**merged)


# --- e-mail and reminders ---------------------------------------------------------
#
# Stored with the other clinic settings, so every workstation sends through the
# same server. The SMTP password is not among them: it lives in each
# workstation's OS keyring (desktop_app.mailer), never in the database.

TLS_MODES = ("none", "starttls", "ssl")
# A reminder further ahead than this is more likely a typo than a wish.
MAX_REMINDER_OFFSET_MIN = 14 * 24 * 60

EMAIL_DEFAULTS: dict[str, Any] = {
    # Empty: the clinic sends no e-mail (no confirmations, no reminders).
    "smtp_host": "",
    "smtp_port": 587,
    "smtp_tls": "starttls",
    # Empty: the server is used without logging in.
    "smtp_user": "",
    "smtp_from": "",
    # Minutes before each appointment at which its client is reminded.
    "reminder_offsets_min": [24 * 60, 2 * 60],
    "send_confirmations": True,
}


def validate_email_setting(key: str, value: Any) -> Any:
    if key not in EMAIL_DEFAULTS:
        raise ValidationError(f"Unknown e-mail setting {key!r}.")
    if key == "smtp_host":
        host = str(value).strip()
        if any(c.isspace() for c in host) or len(host) > 253 or "/" in host:
            raise ValidationError(f"{host!r} is not a server name (e.g. smtp.example.com).")
        return host
    if key == "smtp_port":
        if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 65535:
            raise ValidationError("The SMTP port is a number from 1 to 65535 (usually 587).")
        return value
    if key == "smtp_tls":
        if value not in TLS_MODES:
            raise ValidationError("The encryption is one of: none, starttls, ssl.")
        return value
    if key == "smtp_user":
        user = str(value).strip()
        if len(user) > 254:
            raise ValidationError("The SMTP user name is too long.")
        return user
    if key == "smtp_from":
        sender = str(value).strip()
        if sender:
            sender = normalise_email(sender)
        return sender
    if key == "reminder_offsets_min":
        if not isinstance(value, list | tuple) or len(value) > 5:
            raise ValidationError("Give at most five reminder times.")
        offsets: set[int] = set()
        for v in value:
            if not isinstance(v, int) or isinstance(v, bool):
                raise ValidationError("Reminder times are whole minutes before the appointment.")
            if not 1 <= v <= MAX_REMINDER_OFFSET_MIN:
                raise ValidationError("A reminder goes out 1 minute to 14 days before.")
            offsets.add(v)
        return sorted(offsets, reverse=True)
    if key == "send_confirmations":
        if not isinstance(value, bool):
            raise ValidationError("Sending confirmations is on or off.")
        return value
    return value


@dataclass(frozen=True)
class EmailSettings:
    smtp_host: str
    smtp_port: int
    smtp_tls: str
    smtp_user: str
    smtp_from: str
    reminder_offsets_min: tuple[int, ...]
    send_confirmations: bool

    @property
    def enabled(self) -> bool:
        """The clinic has an e-mail server: confirmations and reminders are queued."""
        return bool(self.smtp_host and self.smtp_from)

    @classmethod
    def from_mapping(cls, stored: dict[str, Any]) -> EmailSettings:
        merged = {**EMAIL_DEFAULTS, **{k: v for k, v in stored.items() if k in EMAIL_DEFAULTS}}
        merged["reminder_offsets_min"] = tuple(merged["reminder_offsets_min"])
        return cls(**merged)
