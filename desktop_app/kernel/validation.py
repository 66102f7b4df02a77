"""Checks on typed input shared by commands, the CLI and CSV imports."""

from __future__ import annotations

import re
import zoneinfo

from desktop_app.kernel.errors import ValidationError

# Deliberately simple: one @, a dot in the domain, no spaces. Real validation
# of an address is sending to it.
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def normalise_email(raw: str) -> str:
    email = raw.strip().lower()
    if not _EMAIL.match(email) or len(email) > 254:
        raise ValidationError(f"{raw.strip()!r} is not a valid e-mail address.")
    return email


def require_text(raw: str, what: str, max_length: int = 200) -> str:
    value = " ".join(raw.split())
    if not value:
        raise ValidationError(f"The {what} must not be empty.")
    if len(value) > max_length:
        raise ValidationError(f"The {what} is too long (at most {max_length} characters).")
    return value


def require_timezone(name: str) -> str:
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise ValidationError(f"{name!r} is not a known time zone (e.g. Europe/London).") from exc
    return name
