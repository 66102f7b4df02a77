"""What the Today page shows for one day, read off the GUI thread: the
practitioners and services (kept a while), the day's appointments and, for a
chosen service, its free times, read side by side."""

from __future__ import annotations

import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from desktop_app.availability import slot_queries
from desktop_app.availability.slot_engine import Slot
from desktop_app.booking import queries as booking_queries
from desktop_app.booking.queries import AppointmentRow
from desktop_app.clinic import queries as clinic_queries
from desktop_app.clinic.queries import ServiceRow
from desktop_app.infra.database import Database
from desktop_app.staff import queries as staff_queries
from desktop_app.staff.queries import PractitionerRow
from models.enums import AppointmentStatus
from ui.kit.formatting import APPOINTMENT_STATUS_LABELS

# A prefetched day older than this is loaded again rather than trusted.
CACHE_SECONDS = 30.0
# Practitioners and services change rarely and not always with an event
# (services have no command yet): read them again after this long anyway.
META_SECONDS = 300.0
NOW_TICK_MS = 30_000

# Appointments and free times for a day are read side by side.
_SLOTS_POOL = ThreadPoolExecutor(max_workers=2, thread_name_prefix="today-slots")


@dataclass(frozen=True)
class DayMeta:
    tz: ZoneInfo
    practitioners: tuple[PractitionerRow, ...]
    services: tuple[ServiceRow, ...]
    loaded_at: float = 0.0


@dataclass(frozen=True)
class DayData:
    day: date
    today: date
    now: datetime
    meta: DayMeta
    service_id: uuid.UUID | None
    rows: tuple[AppointmentRow, ...]
    slots: tuple[Slot, ...]
    loaded_at: float = 0.0
    # The view's cache generation when the load began: a load that began
    # before a change must not be cached after it.
    generation: int = -1

    @property
    def service(self) -> ServiceRow | None:
        return next((s for s in self.meta.services if s.id == self.service_id), None)


def load_meta(db: Database) -> DayMeta:
    settings = clinic_queries.clinic_settings(db)
    return DayMeta(
        ZoneInfo(settings.timezone),
        tuple(staff_queries.practitioners(db, bookable_only=True)),
        tuple(clinic_queries.services(db)),
        time.monotonic(),
    )


def load_day(
    db: Database,
    now: datetime,
    offset: int,
    service_id: uuid.UUID | None,
    meta: DayMeta | None,
) -> DayData:
    """One day of the clinic: runs on a worker (free times on a second one)."""
    meta = meta or load_meta(db)
    today = now.astimezone(meta.tz).date()
    day = today + timedelta(days=offset)
    known = {s.id for s in meta.services}
    sid = service_id if service_id in known else (meta.services[0].id if meta.services else None)
    # Nothing can be booked on a day that is over: skip the slot engine.
    future = (
        _SLOTS_POOL.submit(slot_queries.open_slots, db, sid, day, day, now)
        if sid is not None and day >= today
        else None
    )
    try:
        rows = tuple(booking_queries.appointments_on(db, day, meta.tz))
    finally:
        slots = tuple(future.result()) if future is not None else ()
    return DayData(day, today, now, meta, sid, rows, slots, time.monotonic())


def list_order(row: AppointmentRow) -> tuple[str, datetime]:
    """The list's default order (by practitioner, then time), done in Python."""
    return (row.practitioner_name.casefold(), row.starts_at)


def summary_text(rows: list[AppointmentRow] | tuple[AppointmentRow, ...]) -> str:
    if not rows:
        return ""
    statuses = Counter(r.status for r in rows)
    parts = [f"{len(rows)} appointment{'s' if len(rows) != 1 else ''}"]
    parts += [
        f"{count} {APPOINTMENT_STATUS_LABELS[status].lower()}"
        for status in AppointmentStatus
        if (count := statuses.get(status))
    ]
    return " · ".join(parts)
