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
    "meeting_base_url": "",
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
    return value


@dataclass(frozen=True)
class ClinicSettings:
    clinic_name: str
    timezone: str
    currency: str
    meeting_base_url: str

    @classmethod
    def from_mapping(cls, stored: dict[str, Any]) -> ClinicSettings:
        merged = {**DEFAULTS, **{k: v for k, v in stored.items() if k in DEFAULTS}}
        return cls(**merged)
