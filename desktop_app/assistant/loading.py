"""The vocabulary from the database: read once, read again after a change.

A `NameCache` per message bus marks its snapshot stale when the bus publishes
a change to clients, staff, practitioners, availability or the clinic's
settings; another workstation's change is picked up within `MAX_AGE`.
"""

from __future__ import annotations

import threading
import time as timer
import weakref
from collections import defaultdict
from datetime import date, time
from zoneinfo import ZoneInfo

from sqlalchemy import select

from desktop_app.assistant.vocabulary import ClientName, PractitionerName, ServiceName, Vocabulary
from desktop_app.availability.events import AvailabilityChanged
from desktop_app.clients.events import ClientChanged
from desktop_app.clinic import queries as clinic_queries
from desktop_app.clinic.events import ClinicSettingsChanged
from desktop_app.demo.events import DemoClinicSeeded
from desktop_app.infra.database import Database
from desktop_app.kernel.events import Event
from desktop_app.kernel.messagebus import MessageBus
from desktop_app.staff import queries as staff_queries
from desktop_app.staff.events import PractitionerChanged, StaffAccountChanged, StaffAccountCreated
from models import Client, WeeklyRule, service_practitioner

MAX_AGE = 120.0  # seconds
DEFAULT_OPENING = (time(8), time(20))


def _detail(born: date | None, phone: str | None) -> str:
    if born is not None:
        return f"born {born:%d %b %Y}"
    digits = "".join(ch for ch in phone or "" if ch.isdigit())
    return f"phone …{digits[-4:]}" if digits else ""


def load_vocabulary(db: Database) -> Vocabulary:
    zone = ZoneInfo(clinic_queries.clinic_settings(db).timezone)
    services = [ServiceName(s.id, s.name, s.duration_min) for s in clinic_queries.services(db)]
    people = staff_queries.practitioners(db, bookable_only=True)
    with db.read_sessions() as s:
        clients = [
            ClientName(cid, name, _detail(born, phone))
            for cid, name, born, phone in s.execute(
                select(Client.id, Client.full_name, Client.date_of_birth, Client.phone)
                .where(Client.archived_at.is_(None))
                .order_by(Client.full_name, Client.id)
            )
        ]
        offered: dict[object, set[object]] = defaultdict(set)
        for sid, pid in s.execute(
            select(service_practitioner.c.service_id, service_practitioner.c.practitioner_id)
        ):
            offered[pid].add(sid)
        hours = list(s.execute(select(WeeklyRule.start_time, WeeklyRule.end_time).distinct()))
    opening = (min(h[0] for h in hours), max(h[1] for h in hours)) if hours else DEFAULT_OPENING
    practitioners = [
        PractitionerName(p.id, p.name, frozenset(offered.get(p.id, ())))  # type: ignore[arg-type]
        for p in people
    ]
    return Vocabulary(clients, practitioners, services, zone=zone, opening=opening)


class NameCache:
    _WATCHED: tuple[type[Event], ...] = (
        ClientChanged,
        StaffAccountCreated,
        StaffAccountChanged,
        PractitionerChanged,
        AvailabilityChanged,
        ClinicSettingsChanged,
        DemoClinicSeeded,
    )

    def __init__(self, db: Database, bus: MessageBus | None = None) -> None:
        self.db = db
        self._lock = threading.Lock()
        self._vocabulary: Vocabulary | None = None
        self._loaded_at = 0.0
        if bus is not None:
            for event_type in self._WATCHED:
                bus.subscribe(event_type, self._changed)

    def _changed(self, event: Event) -> None:
        self._vocabulary = None

    def stale(self) -> bool:
        return self._vocabulary is None or timer.monotonic() - self._loaded_at > MAX_AGE

    def get(self) -> Vocabulary:
        with self._lock:
            if self._vocabulary is None or self.stale():
                self._vocabulary = load_vocabulary(self.db)
                self._loaded_at = timer.monotonic()
            return self._vocabulary


_caches: weakref.WeakKeyDictionary[MessageBus, NameCache] = weakref.WeakKeyDictionary()


def names_for(db: Database, bus: MessageBus) -> NameCache:
    """One cache per running core, shared by every assistant bar it opens."""
    cache = _caches.get(bus)
    if cache is None:
        cache = NameCache(db, bus)
        _caches[bus] = cache
    return cache
