"""What the booking dialog's choices are made of: the clinic's settings, services
and bookable practitioners, read once per dialog on a worker."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from desktop_app.clinic import queries as clinic_queries
from desktop_app.clinic.queries import ServiceRow
from desktop_app.clinic.settings import ClinicSettings
from desktop_app.kernel.core import Core
from desktop_app.staff import queries as staff_queries
from desktop_app.staff.queries import PractitionerRow


@dataclass(frozen=True)
class BookingMeta:
    settings: ClinicSettings
    tz: ZoneInfo
    today: date
    services: list[ServiceRow]
    practitioners: list[PractitionerRow]


def load_meta(ctx: Core) -> BookingMeta:
    """What the dialog's choices are made of (runs on a worker)."""
    settings = clinic_queries.clinic_settings(ctx.db)
    tz = ZoneInfo(settings.timezone)
    return BookingMeta(
        settings,
        tz,
        ctx.clock.now().astimezone(tz).date(),
        clinic_queries.services(ctx.db),
        staff_queries.practitioners(ctx.db, bookable_only=True),
    )
