"""E-mail templates: booking confirmations and reminders with {placeholders}.

A template is a subject and a body in which `{name}` stands for a value of
the appointment (the list is `PLACEHOLDERS`) and `{{` / `}}` for a literal
brace. Values are substituted by name only: no attribute access, indexing or
format specifications, so a template typed in the settings can never reach
beyond the values offered to it.

The clinic's edited templates are stored as one clinic setting; a kind that
was never edited uses its default here.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop_app.clinic.settings import ClinicSettings
from desktop_app.kernel.errors import ValidationError
from models import Appointment, Client, ClinicSetting, Practitioner, Service, StaffAccount

TEMPLATES_SETTING = "email_templates"

# What each template is for, in the order the settings show them.
KINDS: dict[str, str] = {
    "booked": "Confirmation of a new booking",
    "rescheduled": "Confirmation of a moved appointment",
    "cancelled": "Confirmation of a cancellation",
    "reminder": "Reminder before the appointment",
}

PLACEHOLDERS: dict[str, str] = {
    "client_name": "the client's name",
    "reference": "the appointment's reference, e.g. K7M2QX",
    "date": "the day, e.g. Monday 7 January 2030",
    "time": "the start time, e.g. 10:00",
    "end_time": "the end time, e.g. 10:50",
    "duration": "the length in minutes, e.g. 50",
    "service": "the kind of session, e.g. Individual therapy",
    "practitioner": "the practitioner's name",
    "where": "the room, or the video link of an online session",
    "clinic_name": "the clinic's name",
}

MAX_SUBJECT = 300
MAX_BODY = 20_000


@dataclass(frozen=True)
class EmailTemplate:
    subject: str
    body: str


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    body: str
    # What is wrong with the template (preview only; sending needs none).
    problems: tuple[str, ...] = ()


_SIGNATURE = "\n\nWith kind regards,\n{clinic_name}\n"
_DETAILS = (
    "\n\n    {service} with {practitioner}\n    {date}, {time}–{end_time}\n"
    "    {where}\n    Reference: {reference}"
)

DEFAULT_TEMPLATES: dict[str, EmailTemplate] = {
    "booked": EmailTemplate(
        "Your appointment on {date} at {time} ({reference})",
        "Dear {client_name},\n\nyour appointment is booked:"
        + _DETAILS
        + "\n\nIf you cannot come, please let us know as early as you can."
        + _SIGNATURE,
    ),
    "rescheduled": EmailTemplate(
        "Your appointment {reference} has moved to {date} at {time}",
        "Dear {client_name},\n\nyour appointment has moved. It now is:" + _DETAILS + _SIGNATURE,
    ),
    "cancelled": EmailTemplate(
        "Cancelled: your appointment on {date} at {time} ({reference})",
        "Dear {client_name},\n\nyour appointment on {date} at {time} ({service} with "
        "{practitioner}, reference {reference}) is cancelled.\n\nTo book a new one, "
        "just reply to this e-mail or call us." + _SIGNATURE,
    ),
    "reminder": EmailTemplate(
        "Reminder: {service} on {date} at {time} ({reference})",
        "Dear {client_name},\n\na reminder of your appointment:"
        + _DETAILS
        + "\n\nIf you cannot come, please let us know as soon as possible."
        + _SIGNATURE,
    ),
}

SAMPLE_VALUES: dict[str, str] = {
    "client_name": "Siân Jones",
    "reference": "K7M2QX",
    "date": "Monday 7 January 2030",
    "time": "10:00",
    "end_time": "10:50",
    "duration": "50",
    "service": "Individual therapy",
    "practitioner": "Dr Ada Lovelace",
    "where": "Room 2",
    "clinic_name": "My clinic",
}

_FORMATTER = string.Formatter()


def _parse(text: str) -> list[tuple[str, str | None, str | None, str | None]]:
    """The pieces of `text`; ValueError when its braces do not pair up."""
    return list(_FORMATTER.parse(text))


def _placeholder_problems(text: str, where: str) -> list[str]:
    try:
        pieces = _parse(text)
    except ValueError:
        return [
            f"The {where} has an unmatched {{ or }}. Write {{{{ or }}}} for a brace "
            "that is not a placeholder."
        ]
    problems: list[str] = []
    for _, field, spec, conversion in pieces:
        if field is None:
            continue
        if field not in PLACEHOLDERS or spec or conversion:
            shown = "{" + field + (f"!{conversion}" if conversion else "")
            shown += (f":{spec}" if spec else "") + "}"
            problems.append(
                f"The {where} uses {shown}, which is not one of: "
                + ", ".join("{" + p + "}" for p in PLACEHOLDERS)
                + "."
            )
    return problems


def template_problems(template: EmailTemplate) -> list[str]:
    """Everything that keeps the template from being saved, for the person editing it."""
    problems: list[str] = []
    if not template.subject.strip():
        problems.append("The subject must not be empty.")
    if "\n" in template.subject or "\r" in template.subject:
        problems.append("The subject must be one line.")
    if len(template.subject) > MAX_SUBJECT:
        problems.append(f"The subject is too long (at most {MAX_SUBJECT} characters).")
    if not template.body.strip():
        problems.append("The text must not be empty.")
    if len(template.body) > MAX_BODY:
        problems.append(f"The text is too long (at most {MAX_BODY} characters).")
    problems += _placeholder_problems(template.subject, "subject")
    problems += _placeholder_problems(template.body, "text")
    return problems


def validate_template(kind: str, template: EmailTemplate) -> EmailTemplate:
    if kind not in KINDS:
        raise ValidationError(f"Unknown e-mail template {kind!r}.")
    problems = template_problems(template)
    if problems:
        raise ValidationError(f"{KINDS[kind]}: " + " ".join(problems))
    return EmailTemplate(template.subject.strip(), template.body)


def _substitute(text: str, values: Mapping[str, str]) -> str:
    """Replace known placeholders; anything else is left exactly as typed."""
    out: list[str] = []
    for literal, field, spec, conversion in _parse(text):
        out.append(literal)
        if field is None:
            continue
        if field in values and not spec and not conversion:
            out.append(values[field])
        else:
            out.append(
                "{"
                + field
                + (f"!{conversion}" if conversion else "")
                + (f":{spec}" if spec else "")
                + "}"
            )
    return "".join(out)


def _one_line(text: str) -> str:
    # A value with a line break (a client's name pasted from elsewhere) must
    # not break the subject header.
    return " ".join(text.split())


def render(template: EmailTemplate, values: Mapping[str, str]) -> RenderedEmail:
    """The e-mail of a valid template (see validate_template)."""
    return RenderedEmail(
        _one_line(_substitute(template.subject, values)), _substitute(template.body, values)
    )


def render_preview(
    template: EmailTemplate, sample: Mapping[str, str] | None = None
) -> RenderedEmail:
    """The template filled with sample values, for the settings' preview.

    Never raises, whatever has been typed so far: a template that cannot be
    rendered is shown as typed, with its problems listed.
    """
    values = {**SAMPLE_VALUES, **(sample or {})}
    problems = tuple(template_problems(template))
    parts: list[str] = []
    for text in (template.subject, template.body):
        try:
            parts.append(_substitute(text, values))
        except ValueError:
            parts.append(text)
    return RenderedEmail(_one_line(parts[0]), parts[1], problems)


# --- stored templates ---------------------------------------------------------------


def stored_overrides(raw: Any) -> dict[str, EmailTemplate]:
    """The edited templates in the stored setting's value (None: none edited)."""
    out: dict[str, EmailTemplate] = {}
    if isinstance(raw, dict):
        for kind, value in raw.items():
            if kind in KINDS and isinstance(value, dict):
                out[kind] = EmailTemplate(str(value.get("subject", "")), str(value.get("body", "")))
    return out


def templates_from(raw: Any) -> dict[str, EmailTemplate]:
    """Every kind's template: the clinic's edited one, else the default."""
    stored = stored_overrides(raw)
    out: dict[str, EmailTemplate] = {}
    for kind in KINDS:
        mine = stored.get(kind)
        # A stored template that no longer validates (edited in the database
        # by hand) must not stop e-mail: the default stands in for it.
        usable = mine is not None and not template_problems(mine)
        out[kind] = mine if mine is not None and usable else DEFAULT_TEMPLATES[kind]
    return out


def load_templates(session: Session) -> dict[str, EmailTemplate]:
    row = session.get(ClinicSetting, TEMPLATES_SETTING)
    return templates_from(row.value if row is not None else None)


def to_stored(templates: Mapping[str, EmailTemplate]) -> dict[str, dict[str, str]]:
    return {k: {"subject": t.subject, "body": t.body} for k, t in sorted(templates.items())}


# --- values of an appointment ---------------------------------------------------------


def _local(when: datetime, tz: ZoneInfo) -> datetime:
    return when.astimezone(tz)


def appointment_values(
    session: Session, appointment: Appointment, clinic: ClinicSettings
) -> dict[str, str]:
    """The placeholders' values for one appointment, in the clinic's time zone."""
    client = session.get(Client, appointment.client_id)
    service = session.get(Service, appointment.service_id)
    practitioner_name = session.scalar(
        select(StaffAccount.name)
        .join(Practitioner, Practitioner.account_id == StaffAccount.id)
        .where(Practitioner.id == appointment.practitioner_id)
    )
    assert client is not None and service is not None
    tz = ZoneInfo(clinic.timezone)
    start = _local(appointment.starts_at, tz)
    end = _local(appointment.ends_at, tz)
    if appointment.video_link:
        where = f"Online: {appointment.video_link}"
    elif appointment.room:
        where = f"{appointment.room}, {clinic.clinic_name}"
    else:
        where = clinic.clinic_name
    minutes = (appointment.ends_at - appointment.starts_at) // timedelta(minutes=1)
    return {
        "client_name": client.full_name,
        "reference": appointment.reference,
        "date": f"{start:%A} {start.day} {start:%B %Y}",
        "time": f"{start:%H:%M}",
        "end_time": f"{end:%H:%M}",
        "duration": str(minutes),
        "service": service.name,
        "practitioner": practitioner_name or "",
        "where": where,
        "clinic_name": clinic.clinic_name,
    }
