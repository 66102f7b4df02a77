"""The demo generator's shared state, the people it lays out, and small random helpers.

Each part of the clinic is made by a function over one `DemoBuild` (in
clinic_rows, client_rows, diary, ledger_rows, notes): the parts run in order,
and later ones read what earlier ones left on the build.
"""

from __future__ import annotations

import random
import unicodedata
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from desktop_app.demo import catalogue as cat
from desktop_app.demo.dataset import SIZES, DemoLogin, Row
from models.enums import PractitionerStatus


def uid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


@lru_cache(maxsize=4096)
def ascii_slug(text: str) -> str:
    # Letters that NFKD does not decompose into a base letter plus accent.
    text = text.translate(str.maketrans("łŁøØıđ", "lLoOid")).replace("ß", "ss")
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return "".join(ch for ch in plain.lower() if ch.isalnum())


def phone_number(rng: random.Random) -> str:
    prefix, size, digits = rng.choice(cat.PHONE_RANGES)
    return f"{prefix}{rng.randrange(size):0{digits}d}"


def seconds(rng: random.Random, low: float, high: float) -> timedelta:
    return timedelta(seconds=int(rng.uniform(low, high)))


def minutes(t: time) -> int:
    return t.hour * 60 + t.minute


def at_minutes(m: int) -> time:
    return time(m // 60, m % 60)


@dataclass
class DemoPractitioner:
    index: int
    id: uuid.UUID
    account_id: uuid.UUID
    name: str
    email: str
    profession: cat.ProfessionSpec
    status: PractitionerStatus
    service_keys: tuple[str, ...]
    weights: tuple[int, ...]
    # weekday -> [(start_min, end_min, room, allowed service keys or None)]
    weekly: dict[int, list[tuple[int, int, str, frozenset[str] | None]]]
    overrides: dict[date, list[tuple[int, int]]] = field(default_factory=dict)
    # Whole-day closures and wall-clock ranges from recurring exceptions.
    closed_days: set[date] = field(default_factory=set)
    closed_ranges: dict[date, list[tuple[int, int]]] = field(default_factory=dict)
    buffer_before: int = 0
    buffer_after: int = 0
    interval: int = 15
    max_per_day: int | None = None
    suspended_on: date | None = None
    caseload: list[int] = field(default_factory=list)


@dataclass
class Candidate:
    practitioner: int
    day: date
    start_min: int
    end_min: int
    client: int
    service: str
    room: str


class DemoBuild:
    """One demo clinic being generated: its settings, its tables so far, and its parts."""

    # Left by the parts as they run, in order (see data.generate).
    services: dict[str, Row]
    packs: list[Row]
    holidays: dict[date, str]
    manager_id: uuid.UUID
    desk_ids: list[uuid.UUID]
    practitioners: list[DemoPractitioner]
    client_rows: list[Row]
    allocations: list[Row]
    client_allocations: dict[int, list[Row]]
    partner_clients: set[int]
    appointment_meta: list[tuple[Row, Candidate]]

    def __init__(self, size: str, seed: int, now: datetime, password_hash: str) -> None:
        self.size = size
        self.spec = SIZES[size]
        self.seed = seed
        self.now = now.astimezone(UTC).replace(microsecond=0)
        self.password_hash = password_hash
        self.tz = ZoneInfo(cat.CLINIC_TIMEZONE)
        self.today = self.now.astimezone(self.tz).date()
        monday = self.today - timedelta(days=self.today.weekday())
        self.first_day = monday - timedelta(weeks=self.spec.weeks_back)
        self.end_day = monday + timedelta(weeks=self.spec.weeks_ahead + 1)  # exclusive
        self.tables: dict[str, list[Row]] = defaultdict(list)
        self.logins: list[DemoLogin] = []
        self._offsets: dict[date, timedelta] = {}
        self.menus: dict[tuple[int, frozenset[str] | None], tuple[list[str], list[int]]] = {}

    def rng(self, part: str) -> random.Random:
        # A string seed is hashed with SHA-512, not Python's salted hash().
        return random.Random(f"clinicdesk-demo:{self.seed}:{part}")

    def instant(self, day: date, minute: int) -> datetime:
        """The UTC instant of a wall-clock minute on a local date.

        Opening hours never touch the small hours where clocks change, so one
        offset per day (taken at noon) is exact for them.
        """
        offset = self._offsets.get(day)
        if offset is None:
            offset = datetime.combine(day, time(12), self.tz).utcoffset() or timedelta(0)
            self._offsets[day] = offset
        return (
            datetime(day.year, day.month, day.day, tzinfo=UTC) + timedelta(minutes=minute) - offset
        )
