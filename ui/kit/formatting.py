"""How values read in the interface: times in the clinic's zone, roles, statuses."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime, tzinfo

from models.enums import AppointmentStatus, PractitionerStatus, Role

ROLE_LABELS: dict[Role, str] = {
    Role.FRONT_DESK: "Front desk",
    Role.PRACTITIONER: "Practitioner",
    Role.MANAGER: "Manager",
}

# Status chips: (background, text) pairs, pale fills with dark text of the same
# hue, so a status reads at a glance and the text stays legible. Every status
# colour in the app comes from here.
GREEN = ("#e3f4e7", "#24703a")
BLUE = ("#e3effa", "#1d5a8c")
VIOLET = ("#eee7fb", "#5a2f9c")
AMBER = ("#fff3d6", "#87570a")
GREY = ("#eeeff1", "#6b7280")
RED = ("#fde7e7", "#a02828")

APPOINTMENT_STATUS_LABELS: dict[AppointmentStatus, str] = {
    AppointmentStatus.BOOKED: "Booked",
    AppointmentStatus.CHECKED_IN: "Checked in",
    AppointmentStatus.IN_PROGRESS: "In progress",
    AppointmentStatus.COMPLETED: "Completed",
    AppointmentStatus.CANCELLED: "Cancelled",
    AppointmentStatus.NO_SHOW: "No-show",
}

APPOINTMENT_STATUS_COLOURS: dict[AppointmentStatus, tuple[str, str]] = {
    AppointmentStatus.BOOKED: BLUE,
    AppointmentStatus.CHECKED_IN: AMBER,
    AppointmentStatus.IN_PROGRESS: VIOLET,
    AppointmentStatus.COMPLETED: GREEN,
    AppointmentStatus.CANCELLED: GREY,
    AppointmentStatus.NO_SHOW: RED,
}

PRACTITIONER_STATUS_LABELS: dict[PractitionerStatus, str] = {
    PractitionerStatus.APPLIED: "Applied",
    PractitionerStatus.APPROVED: "Approved",
    PractitionerStatus.REJECTED: "Rejected",
    PractitionerStatus.SUSPENDED: "Suspended",
}

PRACTITIONER_STATUS_COLOURS: dict[PractitionerStatus, tuple[str, str]] = {
    PractitionerStatus.APPLIED: AMBER,
    PractitionerStatus.APPROVED: GREEN,
    PractitionerStatus.REJECTED: GREY,
    PractitionerStatus.SUSPENDED: RED,
}


def roles_text(roles: Iterable[Role]) -> str:
    ordered = [r for r in ROLE_LABELS if r in set(roles)]
    return ", ".join(ROLE_LABELS[r] for r in ordered) or "No role"


def local_time(instant: datetime, tz: tzinfo) -> str:
    return instant.astimezone(tz).strftime("%H:%M")


def local_datetime(instant: datetime, tz: tzinfo) -> str:
    return instant.astimezone(tz).strftime("%d %b %Y %H:%M")


def long_date(day: date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


def time_range(starts_at: datetime, ends_at: datetime, tz: tzinfo) -> str:
    return f"{local_time(starts_at, tz)}–{local_time(ends_at, tz)}"


def short_date(day: date | None) -> str:
    return "" if day is None else f"{day.day} {day:%b %Y}"


_CAMEL = re.compile(r"(?<!^)(?=[A-Z])")


def command_label(kind: str) -> str:
    """'CreateStaffAccount' -> 'Create staff account'."""
    words = _CAMEL.sub(" ", kind).split()
    if not words:
        return kind
    return " ".join([words[0], *(w.lower() for w in words[1:])])
