"""Periods and scopes of a report, read in the clinic's time zone.

A period is a range of local calendar dates, both included: a session at
23:30 local time on the 31st belongs to that month, whatever its UTC date.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop_app.clinic.queries import stored_settings
from desktop_app.kernel.errors import NotFound, ValidationError
from models import Practitioner, Service, StaffAccount

# Longer periods are refused: a report over decades is a mistake, not a question.
MAX_DAYS = 3 * 366


@dataclass(frozen=True)
class Period:
    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValidationError("The period ends before it starts.")
        if (self.end - self.start).days >= MAX_DAYS:
            raise ValidationError("A report covers at most three years; choose a shorter period.")

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def bounds(self, tz: ZoneInfo) -> tuple[datetime, datetime]:
        """The instants of the first local midnight and the one after the last day."""
        return (
            datetime.combine(self.start, time(0), tz),
            datetime.combine(self.end + timedelta(days=1), time(0), tz),
        )

    def dates(self) -> list[date]:
        return [self.start + timedelta(days=i) for i in range(self.days)]

    def previous(self) -> Period:
        """The period of the same length just before this one."""
        return Period(self.start - timedelta(days=self.days), self.start - timedelta(days=1))


def week_of(day: date) -> Period:
    monday = day - timedelta(days=day.weekday())
    return Period(monday, monday + timedelta(days=6))


def month_of(day: date) -> Period:
    first = day.replace(day=1)
    last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    return Period(first, last)


@dataclass(frozen=True)
class Scope:
    """Whose figures: one practitioner, one service, both, or (neither) the clinic."""

    practitioner_id: uuid.UUID | None = None
    service_id: uuid.UUID | None = None


@dataclass(frozen=True)
class Clinic:
    """What every report needs to know about the clinic."""

    tz: ZoneInfo
    currency: str
    free_hours: int
    name: str

    @property
    def timezone(self) -> str:
        return self.tz.key


def clinic(session: Session) -> Clinic:
    settings = stored_settings(session)
    return Clinic(
        ZoneInfo(settings.timezone),
        settings.currency,
        settings.cancellation_free_hours,
        settings.clinic_name,
    )


def scope_label(session: Session, scope: Scope) -> str:
    parts: list[str] = []
    if scope.practitioner_id is not None:
        name = session.scalar(
            select(StaffAccount.name)
            .join(Practitioner, Practitioner.account_id == StaffAccount.id)
            .where(Practitioner.id == scope.practitioner_id)
        )
        if name is None:
            raise NotFound("That practitioner does not exist.")
        parts.append(name)
    if scope.service_id is not None:
        service = session.get(Service, scope.service_id)
        if service is None:
            raise NotFound("That service does not exist.")
        parts.append(service.name)
    return " · ".join(parts) or "Whole clinic"
