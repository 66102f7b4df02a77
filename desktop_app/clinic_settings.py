"""Clinic-wide settings: their names, defaults and checks."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from desktop_app.errors import ValidationError
from desktop_app.validation import require_text, require_timezone

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

    @classmethod
    def from_mapping(cls, stored: dict[str, Any]) -> ClinicSettings:
        merged = {**DEFAULTS, **{k: v for k, v in stored.items() if k in DEFAULTS}}
        return cls(**merged)
