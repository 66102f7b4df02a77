"""The demo clinic generator: a pure function from (size, seed, now) to rows.

No database and no wall clock here: the handler in services/demo.py inserts
what `generate` returns. Every random choice comes from `random.Random`
instances derived from the seed, one per part of the clinic, so the same seed
and the same "now" give the same clinic, ids included, and changing how one
part is generated leaves the others as they were.

Appointments are laid out the way a diary fills up: each practitioner's
opening hours (weekly blocks, date overrides, recurring exceptions, clinic
holidays, buffers, daily maximum) are packed with sessions on the schedule's
grid, then a weighted sample keeps the share a busy clinic would have booked
(fuller in the past and the coming days than in a few weeks' time). The
result never overlaps per practitioner and always lies inside the hours the
slot engine would offer.
"""

from __future__ import annotations

import heapq
import itertools
import random
import unicodedata
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from itertools import accumulate
from typing import Any
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta
from dateutil.rrule import rrulestr
from sqlalchemy import Table

from desktop_app.booking.references import new_reference
from desktop_app.demo import catalogue as cat
from desktop_app.kernel.text_search import client_search_key
from models import Base
from models.enums import (
    AllocationStatus,
    AppointmentSource,
    AppointmentStatus,
    CreditEntryKind,
    PaymentMethod,
    PractitionerStatus,
    Role,
)

Row = dict[str, Any]

_SOURCES = (
    AppointmentSource.FRONT_DESK,
    AppointmentSource.PHONE,
    AppointmentSource.PRACTITIONER,
    AppointmentSource.ASSISTANT,
)
_SOURCE_WEIGHTS = (45, 80, 92, 100)  # cumulative
_METHODS = (PaymentMethod.CARD, PaymentMethod.CASH, PaymentMethod.TRANSFER)
_METHOD_WEIGHTS = (75, 90, 100)  # cumulative


@dataclass(frozen=True)
class SizeSpec:
    practitioners: int
    desks: int
    clients: int
    weeks_back: int
    weeks_ahead: int
    # None: keep `fill` of the diary's capacity.
    appointments: int | None
    fill: float
    partner_organisations: int
    allocations_per_organisation: int


SIZES = {
    "small": SizeSpec(
        practitioners=10,
        desks=2,
        clients=300,
        weeks_back=2,
        weeks_ahead=2,
        appointments=None,
        fill=0.72,
        partner_organisations=2,
        allocations_per_organisation=12,
    ),
    # 100 000 appointments do not fit 100 practitioners' hours in four months,
    # so the past reaches back about half a year; the future is ~60 days.
    "large": SizeSpec(
        practitioners=100,
        desks=6,
        clients=100_000,
        weeks_back=26,
        weeks_ahead=9,
        appointments=100_000,
        fill=0.8,
        partner_organisations=10,
        allocations_per_organisation=300,
    ),
}


@dataclass(frozen=True)
class DemoLogin:
    email: str
    name: str
    role: str


@dataclass(frozen=True)
class DemoSummary:
    size: str
    seed: int
    clinic_name: str
    password: str
    logins: tuple[DemoLogin, ...]
    staff_accounts: int
    practitioners: int
    bookable_practitioners: int
    services: int
    clients: int
    appointments: int
    payments: int
    credit_entries: int
    partner_organisations: int
    partner_allocations: int
    clinic_holidays: int
    notifications: int
    session_notes: int

    def counts(self) -> dict[str, int]:
        return {
            "staff_accounts": self.staff_accounts,
            "practitioners": self.practitioners,
            "bookable_practitioners": self.bookable_practitioners,
            "services": self.services,
            "clients": self.clients,
            "appointments": self.appointments,
            "payments": self.payments,
            "credit_entries": self.credit_entries,
            "partner_organisations": self.partner_organisations,
            "partner_allocations": self.partner_allocations,
            "clinic_holidays": self.clinic_holidays,
            "notifications": self.notifications,
            "session_notes": self.session_notes,
        }

    def describe(self, max_logins: int = 15) -> str:
        """A few lines for the command line: what was made and how to log in."""
        lines = [
            f"Seeded the {self.size} demo clinic “{self.clinic_name}” (seed {self.seed}): "
            f"{self.practitioners} practitioners ({self.bookable_practitioners} bookable), "
            f"{self.clients} clients, {self.appointments} appointments, "
            f"{self.credit_entries} credit entries, {self.payments} payments.",
            f"Logins (password for all: {self.password}):",
        ]
        for login in self.logins[:max_logins]:
            lines.append(f"  {login.email:<34} {login.name} — {login.role}")
        if len(self.logins) > max_logins:
            rest = self.logins[max_logins:]
            lines.append(
                f"  … and {len(rest)} more ({rest[0].email} to {rest[-1].email})",
            )
        return "\n".join(lines)


@dataclass
class DemoDataset:
    # In an order that satisfies every foreign key.
    tables: list[tuple[Table, list[Row]]]
    summary: DemoSummary


# --- small helpers -------------------------------------------------------------


def _uid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


@lru_cache(maxsize=4096)
def _ascii_slug(text: str) -> str:
    # Letters that NFKD does not decompose into a base letter plus accent.
    text = text.translate(str.maketrans("łŁøØıđ", "lLoOid")).replace("ß", "ss")
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return "".join(ch for ch in plain.lower() if ch.isalnum())


def _phone(rng: random.Random) -> str:
    prefix, size, digits = rng.choice(cat.PHONE_RANGES)
    return f"{prefix}{rng.randrange(size):0{digits}d}"


def _seconds(rng: random.Random, low: float, high: float) -> timedelta:
    return timedelta(seconds=int(rng.uniform(low, high)))


def _minutes(t: time) -> int:
    return t.hour * 60 + t.minute


def _at_minutes(m: int) -> time:
    return time(m // 60, m % 60)


# --- the generator ------------------------------------------------------------


@dataclass
class _Practitioner:
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
class _DemoLot:
    """Credits added together, while the demo's ledger is replayed."""

    id: uuid.UUID
    left: int
    expires: datetime
    name: str
    bought_at: datetime
    allocation: Row | None
    expired: bool = False


@dataclass
class _Candidate:
    practitioner: int
    day: date
    start_min: int
    end_min: int
    client: int
    service: str
    room: str


class _Generator:
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
        self._menus: dict[tuple[int, frozenset[str] | None], tuple[list[str], list[int]]] = {}

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

    # -- clinic, staff, services -------------------------------------------------

    def clinic(self) -> None:
        for key, value in (
            ("clinic_name", cat.CLINIC_NAME),
            ("timezone", cat.CLINIC_TIMEZONE),
            ("currency", cat.CURRENCY),
            ("meeting_base_url", cat.MEETING_BASE_URL),
        ):
            self.tables["clinic_setting"].append({"key": key, "value": value})

        rng = self.rng("services")
        self.services: dict[str, Row] = {}
        for s in cat.SERVICES:
            row = {
                "id": _uid(rng),
                "name": s.name,
                "duration_min": s.duration_min,
                "price_cents": s.price_cents,
                "currency": cat.CURRENCY,
                "price_credits": s.price_credits,
                "colour": s.colour,
                "is_online": s.is_online,
                "is_active": True,
            }
            self.services[s.key] = row
            self.tables["service"].append(row)
        self.packs: list[Row] = []
        for name, credits, price, months in cat.CREDIT_PACKS:
            row = {
                "id": _uid(rng),
                "name": name,
                "credits": credits,
                "price_cents": price,
                "currency": cat.CURRENCY,
                "validity_months": months,
                "is_active": True,
            }
            self.packs.append(row)
            self.tables["credit_pack"].append(row)

        holidays: dict[date, str] = {}
        for year in (self.today.year - 1, self.today.year, self.today.year + 1):
            holidays[date(year, 1, 1)] = "New Year's Day"
            holidays[date(year, 12, 25)] = "Christmas Day"
            holidays[date(year, 12, 26)] = "Boxing Day"
        training = self.end_day - timedelta(days=5)  # the last week's Wednesday
        holidays.setdefault(training, "Staff training day")
        self.holidays = holidays
        for day, name in sorted(holidays.items()):
            self.tables["clinic_holiday"].append({"id": _uid(rng), "day": day, "name": name})

    def _account(
        self,
        rng: random.Random,
        email: str,
        name: str,
        roles: tuple[Role, ...],
        created_at: datetime,
        role_label: str,
    ) -> uuid.UUID:
        account_id = _uid(rng)
        self.tables["staff_account"].append(
            {
                "id": account_id,
                "email": email,
                "name": name,
                "phone": _phone(rng),
                "password_hash": self.password_hash,
                "is_active": True,
                "photo": None,
                "created_at": created_at,
            }
        )
        for role in roles:
            self.tables["staff_role"].append({"account_id": account_id, "role": role})
        self.logins.append(DemoLogin(email, name, role_label))
        return account_id

    def staff(self) -> None:
        rng = self.rng("staff")
        self.manager_id = self._account(
            rng,
            f"manager@{cat.STAFF_DOMAIN}",
            "Morgan Ellis",
            (Role.MANAGER,),
            self.now - timedelta(days=5 * 365),
            "manager",
        )
        self.desk_ids: list[uuid.UUID] = []
        for n in range(1, self.spec.desks + 1):
            name = f"{rng.choice(cat.FIRST_NAMES)} {rng.choice(cat.SURNAMES)}"
            self.desk_ids.append(
                self._account(
                    rng,
                    f"desk{n}@{cat.STAFF_DOMAIN}",
                    name,
                    (Role.FRONT_DESK,),
                    self.now - _seconds(rng, 100 * 86400, 900 * 86400),
                    "front desk",
                )
            )
        self._practitioners(rng)

    def _professions(self, rng: random.Random) -> list[str]:
        n = self.spec.practitioners
        if self.size == "small":
            return list(cat.SMALL_PRACTITIONERS[:n])
        total = sum(w for _, w in cat.LARGE_PROFESSION_WEIGHTS)
        keys: list[str] = []
        for key, weight in cat.LARGE_PROFESSION_WEIGHTS:
            keys.extend([key] * round(n * weight / total))
        keys = (keys + [cat.LARGE_PROFESSION_WEIGHTS[0][0]] * n)[:n]
        rng.shuffle(keys)
        return keys

    def _practitioners(self, rng: random.Random) -> None:
        professions = self._professions(rng)
        n = len(professions)
        room_counters: dict[str, int] = defaultdict(int)
        self.practitioners: list[_Practitioner] = []
        for i, key in enumerate(professions):
            prof = cat.PROFESSIONS[key]
            status = PractitionerStatus.APPROVED
            if i == n - 2:
                status = PractitionerStatus.APPLIED
            elif i == n - 1:
                status = PractitionerStatus.SUSPENDED
            first = rng.choice(cat.FIRST_NAMES)
            name = f"{first} {rng.choice(cat.SURNAMES)}"
            # p01 is the same login in every size of demo.
            email = f"p{i + 1:02d}@{cat.STAFF_DOMAIN}"
            if status is PractitionerStatus.APPLIED:
                applied_at = self.now - _seconds(rng, 1 * 86400, 6 * 86400)
            else:
                applied_at = self.now - _seconds(rng, 90 * 86400, 1500 * 86400)
            label = prof.name.lower()
            if status is PractitionerStatus.APPLIED:
                label += " (application waiting for the manager)"
            elif status is PractitionerStatus.SUSPENDED:
                label += " (suspended)"
            account_id = self._account(rng, email, name, (Role.PRACTITIONER,), applied_at, label)
            room_counters[prof.room_kind] += 1
            room = f"{prof.room_kind} {room_counters[prof.room_kind]}"

            pattern_index = (
                cat.SMALL_HOURS[i]
                if self.size == "small"
                else rng.randrange(len(cat.HOURS_PATTERNS))
            )
            pattern = cat.HOURS_PATTERNS[pattern_index]
            keys = tuple(k for k, _ in prof.services)
            weekly: dict[int, list[tuple[int, int, str, frozenset[str] | None]]] = {}
            for wd in pattern.weekdays:
                weekly[wd] = [(_minutes(a), _minutes(b), room, None) for a, b in pattern.blocks]
            if key == "dentist":
                # The week's last afternoon is kept for check-ups and emergencies.
                last = max(weekly)
                s, e, r, _ = weekly[last][-1]
                weekly[last][-1] = (s, e, r, frozenset({"checkup", "emergency"}))
            p = _Practitioner(
                index=i,
                id=_uid(rng),
                account_id=account_id,
                name=name,
                email=email,
                profession=prof,
                status=status,
                service_keys=keys,
                weights=tuple(w for _, w in prof.services),
                weekly=weekly,
                buffer_after=prof.buffer_after_min,
                interval=prof.slot_interval_min,
                max_per_day=6 if key == "psychotherapist" and rng.random() < 0.5 else None,
            )
            self.practitioners.append(p)
            specs = rng.sample(prof.specialisations, k=min(3, len(prof.specialisations)))
            languages = ["English"]
            if rng.random() < 0.45:
                languages.append(rng.choice(cat.LANGUAGES))
            years = rng.randint(2, 25)
            self.tables["practitioner"].append(
                {
                    "id": p.id,
                    "account_id": account_id,
                    "profession": prof.name,
                    "bio": prof.bio.format(first=first, years=years, spec=specs[0].lower()),
                    "specialisations": specs,
                    "languages": languages,
                    "experience_years": years,
                    "licence_number": f"{prof.licence_prefix}{rng.randint(100000, 999999)}",
                    "rate_cents": prof.rate_cents + 500 * rng.randint(-2, 3),
                    "colour": cat.COLOURS[i % len(cat.COLOURS)],
                    "timezone": None,
                }
            )
            self._decisions(rng, p, applied_at)
            for k in keys:
                self.tables["service_practitioner"].append(
                    {"service_id": self.services[k]["id"], "practitioner_id": p.id}
                )
            self.tables["schedule_settings"].append(
                {
                    "practitioner_id": p.id,
                    "slot_interval_min": p.interval,
                    "buffer_before_min": p.buffer_before,
                    "buffer_after_min": p.buffer_after,
                    "min_notice_min": 720 if prof.buffer_after_min >= 10 else 60,
                    "horizon_days": 90,
                    "max_per_day": p.max_per_day,
                }
            )
            for wd in sorted(weekly):
                for s, e, r, allowed in weekly[wd]:
                    rule_id = _uid(rng)
                    self.tables["weekly_rule"].append(
                        {
                            "id": rule_id,
                            "practitioner_id": p.id,
                            "weekday": wd,
                            "start_time": _at_minutes(s),
                            "end_time": _at_minutes(e),
                            "room": r,
                        }
                    )
                    for k in sorted(allowed or ()):
                        self.tables["weekly_rule_service"].append(
                            {"rule_id": rule_id, "service_id": self.services[k]["id"]}
                        )
        self._exceptions()

    def _decisions(self, rng: random.Random, p: _Practitioner, applied_at: datetime) -> None:
        rows = self.tables["practitioner_decision"]

        def decide(
            seq: int, status: PractitionerStatus, by: uuid.UUID, at: datetime, why: str
        ) -> None:
            rows.append(
                {
                    "id": _uid(rng),
                    "practitioner_id": p.id,
                    "seq": seq,
                    "status": status,
                    "decided_by_id": by,
                    "decided_at": at,
                    "reason": why,
                }
            )

        decide(1, PractitionerStatus.APPLIED, p.account_id, applied_at, "Application submitted")
        if p.status is PractitionerStatus.APPLIED:
            return
        approved_at = applied_at + _seconds(rng, 2 * 86400, 14 * 86400)
        decide(
            2,
            PractitionerStatus.APPROVED,
            self.manager_id,
            approved_at,
            "Registration, insurance and references checked",
        )
        if p.status is PractitionerStatus.SUSPENDED:
            suspended_at = self.now - _seconds(rng, 3 * 86400, 5 * 86400)
            p.suspended_on = suspended_at.astimezone(self.tz).date()
            decide(
                3,
                PractitionerStatus.SUSPENDED,
                self.manager_id,
                suspended_at,
                "Professional indemnity insurance lapsed; suspended until renewed",
            )

    def _exceptions(self) -> None:
        rng = self.rng("exceptions")
        monday = self.today - timedelta(days=self.today.weekday())
        bookable = [p for p in self.practitioners if p.status is PractitionerStatus.APPROVED]

        def override(p: _Practitioner, day: date, blocks: list[tuple[int, int]], why: str) -> None:
            if day in p.overrides:
                return
            p.overrides[day] = blocks
            override_id = _uid(rng)
            self.tables["date_override"].append(
                {"id": override_id, "practitioner_id": p.id, "day": day, "reason": why}
            )
            for s, e in blocks:
                self.tables["override_block"].append(
                    {
                        "id": _uid(rng),
                        "override_id": override_id,
                        "start_time": _at_minutes(s),
                        "end_time": _at_minutes(e),
                    }
                )

        def recurring(p: _Practitioner, text: str, span: tuple[int, int] | None, why: str) -> None:
            starts_on = self.first_day - timedelta(days=rng.randint(100, 400))
            self.tables["recurring_exception"].append(
                {
                    "id": _uid(rng),
                    "practitioner_id": p.id,
                    "rrule": text,
                    "starts_on": starts_on,
                    "start_time": _at_minutes(span[0]) if span else None,
                    "end_time": _at_minutes(span[1]) if span else None,
                    "reason": why,
                }
            )
            rule = rrulestr(text, dtstart=datetime.combine(starts_on, time()))
            for hit in rule.between(
                datetime.combine(self.first_day, time()),
                datetime.combine(self.end_day, time()),
                inc=True,
            ):
                if span is None:
                    p.closed_days.add(hit.date())
                else:
                    p.closed_ranges.setdefault(hit.date(), []).append(span)

        if self.size == "small":
            next_week = monday + timedelta(weeks=1)
            override(bookable[0], next_week + timedelta(days=3), [], "Attending a conference")
            override(bookable[4], next_week + timedelta(days=5), [(540, 780)], "Saturday clinic")
            override(
                bookable[6], monday + timedelta(days=1), [(720, 1200)], "Late clinic for workers"
            )
            recurring(bookable[1], "FREQ=MONTHLY;BYDAY=1MO", None, "Clinical supervision day")
            return
        for p in bookable:
            roll = rng.random()
            day = self.first_day + timedelta(
                days=rng.randrange((self.end_day - self.first_day).days)
            )
            if roll < 0.25:
                override(p, day, [], "Annual leave")
            elif roll < 0.35:
                override(p, day, [(600, 960)], "Shorter day")
            roll = rng.random()
            if roll < 0.08:
                recurring(p, "FREQ=MONTHLY;BYDAY=1MO", None, "Clinical supervision day")
            elif roll < 0.16:
                recurring(p, "FREQ=WEEKLY;BYDAY=WE", (720, 780), "Team meeting")

    # -- clients and partners -----------------------------------------------------

    def clients(self) -> None:
        rng = self.rng("clients")
        emails: set[str] = set()
        self.client_rows: list[Row] = []
        latest_created = self.first_day - timedelta(days=30)
        for _ in range(self.spec.clients):
            first = rng.choice(cat.FIRST_NAMES)
            last = rng.choice(cat.SURNAMES)
            if rng.random() < 0.04:
                last = f"{last}-{rng.choice(cat.SURNAMES)}"
            full_name = f"{first} {last}"
            email: str | None = None
            if rng.random() < 0.85:
                base = f"{_ascii_slug(first)}.{_ascii_slug(last)}"
                domain = rng.choice(cat.EMAIL_DOMAINS)
                email = f"{base}@{domain}"
                n = 1
                while email in emails:
                    n += 1
                    email = f"{base}{n}@{domain}"
                emails.add(email)
            phone = _phone(rng) if email is None or rng.random() < 0.85 else None
            age_days = rng.randint(18 * 365, 85 * 365)
            created_at = datetime.combine(latest_created, time(9), UTC) - _seconds(
                rng, 0, 1100 * 86400
            )
            archived_at = None
            if rng.random() < 0.02:
                archived_at = created_at + (self.now - created_at) * rng.random()
            intake: dict[str, str] = {}
            if rng.random() < 0.4:
                intake = {
                    "referral": rng.choice(cat.REFERRAL_SOURCES),
                    "concern": rng.choice(cat.INTAKE_CONCERNS),
                }
            emergency = rng.random() < 0.4
            row = {
                "id": _uid(rng),
                "full_name": full_name,
                "date_of_birth": self.today - timedelta(days=age_days),
                "email": email,
                "phone": phone,
                "address": (
                    f"{rng.randint(1, 120)} {rng.choice(cat.STREETS)}, {cat.TOWN}"
                    if rng.random() < 0.6
                    else None
                ),
                "emergency_contact_name": (
                    f"{rng.choice(cat.FIRST_NAMES)} {last}" if emergency else None
                ),
                "emergency_contact_phone": _phone(rng) if emergency else None,
                "notes": rng.choice(cat.CLIENT_NOTES) if rng.random() < 0.08 else "",
                "intake": intake,
                "partner_organisation_id": None,
                "created_at": created_at,
                "archived_at": archived_at,
            }
            self.client_rows.append(row)
        self.tables["client"] = self.client_rows

    def partners(self) -> None:
        rng = self.rng("partners")
        self.allocations: list[Row] = []
        # Allocations by client index, for paying partner sessions later.
        self.client_allocations: dict[int, list[Row]] = defaultdict(list)
        candidates = [i for i, c in enumerate(self.client_rows) if c["archived_at"] is None]
        rng.shuffle(candidates)
        next_candidate = 0
        self.partner_clients: set[int] = set()
        for org_name, contact, domain in cat.PARTNER_ORGANISATIONS[
            : self.spec.partner_organisations
        ]:
            credits = rng.choice((3, 4, 6))
            validity = rng.choice((180, 365))
            org_id = _uid(rng)
            self.tables["partner_organisation"].append(
                {
                    "id": org_id,
                    "name": org_name,
                    "contact_name": contact,
                    "contact_email": f"people@{domain}",
                    "default_credits": credits,
                    "session_duration_min": 25,
                    "validity_days": validity,
                    "created_at": self.now - timedelta(days=validity + 400),
                }
            )
            emails: set[str] = set()
            for _ in range(self.spec.allocations_per_organisation):
                roll = rng.random()
                client_index: int | None = None
                if roll < 0.65 and next_candidate < len(candidates):
                    client_index = candidates[next_candidate]
                    next_candidate += 1
                    client = self.client_rows[client_index]
                    first, _, last = client["full_name"].partition(" ")
                else:
                    first, last = rng.choice(cat.FIRST_NAMES), rng.choice(cat.SURNAMES)
                base = f"{_ascii_slug(first)}.{_ascii_slug(last)}"
                email = f"{base}@{domain}"
                n = 1
                while email in emails:
                    n += 1
                    email = f"{base}{n}@{domain}"
                emails.add(email)
                status = AllocationStatus.ACTIVE
                if client_index is not None and rng.random() < 0.12:
                    # Given long ago: it has lapsed.
                    allocated_at = (
                        self.now - timedelta(days=validity) - _seconds(rng, 10 * 86400, 60 * 86400)
                    )
                elif client_index is None and roll > 0.95:
                    status = AllocationStatus.REVOKED
                    allocated_at = self.now - _seconds(rng, 30 * 86400, 150 * 86400)
                else:
                    allocated_at = self.now - _seconds(rng, 5 * 86400, 100 * 86400)
                revoked = status is AllocationStatus.REVOKED
                row = {
                    "id": _uid(rng),
                    "organisation_id": org_id,
                    "employee_email": email,
                    "employee_name": f"{first} {last}",
                    "client_id": None,
                    "credits": credits,
                    "session_duration_min": 25,
                    "status": status,
                    "allocated_at": allocated_at,
                    "allocated_by_id": self.manager_id,
                    "expires_at": allocated_at + timedelta(days=validity),
                    "revoked_at": allocated_at + timedelta(days=7) if revoked else None,
                    "revoked_by_id": self.manager_id if revoked else None,
                    "revoke_reason": "Left the company" if revoked else None,
                }
                if client_index is not None:
                    client = self.client_rows[client_index]
                    client["partner_organisation_id"] = org_id
                    client["email"] = email
                    row["client_id"] = client["id"]
                    self.client_allocations[client_index].append(row)
                    self.partner_clients.add(client_index)
                self.allocations.append(row)
        self.tables["partner_allocation"] = self.allocations

    # -- appointments --------------------------------------------------------------

    def caseloads(self) -> None:
        rng = self.rng("caseloads")
        active = [p for p in self.practitioners if p.status is not PractitionerStatus.APPLIED]
        talking = [p for p in active if "partner" in p.service_keys]
        for i, c in enumerate(self.client_rows):
            if c["archived_at"] is not None:
                continue
            if i in self.partner_clients:
                rng.choice(talking).caseload.append(i)
                continue
            roll = rng.random()
            if roll < 0.12:
                continue  # registered, nothing booked in these weeks
            rng.choice(active).caseload.append(i)
            if roll > 0.92:
                rng.choice(active).caseload.append(i)

    def _day_blocks(
        self, p: _Practitioner, day: date
    ) -> list[tuple[int, int, str, frozenset[str] | None]]:
        if day in self.holidays:
            return []
        if day in p.overrides:
            room = next(iter(p.weekly.values()))[0][2]
            return [(s, e, room, None) for s, e in p.overrides[day]]
        if day in p.closed_days:
            return []
        return p.weekly.get(day.weekday(), [])

    def _pick_service(
        self,
        rng: random.Random,
        p: _Practitioner,
        client: int,
        allowed: frozenset[str] | None,
        room_left: int,
    ) -> str | None:
        """The service this client books here, or a shorter one that still fits."""
        partner_ok = allowed is None or "partner" in allowed
        if client in self.partner_clients and partner_ok and rng.random() < 0.85:
            return "partner" if self.services["partner"]["duration_min"] <= room_left else None
        menu = self._menus.get((p.index, allowed))
        if menu is None:
            offered = [
                (k, w)
                for k, w in zip(p.service_keys, p.weights, strict=True)
                if w and (allowed is None or k in allowed)
            ]
            menu = ([k for k, _ in offered], list(accumulate(w for _, w in offered)))
            self._menus[(p.index, allowed)] = menu
        keys, cumulative = menu
        if not keys:
            return None
        choice = rng.choices(keys, cum_weights=cumulative)[0]
        if self.services[choice]["duration_min"] <= room_left:
            return choice
        fitting = [k for k in keys if self.services[k]["duration_min"] <= room_left]
        return min(fitting, key=lambda k: self.services[k]["duration_min"]) if fitting else None

    def candidates(self) -> list[_Candidate]:
        """Every session a full diary would hold, on each practitioner's grid."""
        rng = self.rng("diary")
        out: list[_Candidate] = []
        days = [
            self.first_day + timedelta(days=n) for n in range((self.end_day - self.first_day).days)
        ]
        for p in self.practitioners:
            if p.status is PractitionerStatus.APPLIED or not p.caseload:
                continue
            for day in days:
                if p.suspended_on is not None and day >= p.suspended_on:
                    break
                booked = 0
                exceptions = p.closed_ranges.get(day, []) if day not in p.overrides else []
                for start, end, room, allowed in self._day_blocks(p, day):
                    t = start + p.buffer_before
                    while p.max_per_day is None or booked < p.max_per_day:
                        # Keep the grid anchored at the block's start, as the slot engine does.
                        t = start + -(-(t - start) // p.interval) * p.interval
                        client = rng.choice(p.caseload)
                        key = self._pick_service(rng, p, client, allowed, end - p.buffer_after - t)
                        if key is None:
                            break
                        finish = t + self.services[key]["duration_min"]
                        clash = next((e for s, e in exceptions if s < finish and t < e), None)
                        if clash is not None:
                            t = clash
                            continue
                        out.append(_Candidate(p.index, day, t, finish, client, key, room))
                        booked += 1
                        t = finish + p.buffer_after + p.buffer_before
        return out

    def _keep(self, candidates: list[_Candidate]) -> list[_Candidate]:
        """A weighted sample: nearly full until next week, emptier further out."""
        rng = self.rng("fill")
        ahead = max(1, (self.end_day - self.today).days)
        target = self.spec.appointments
        if target is None:
            target = round(len(candidates) * self.spec.fill)
        target = min(target, len(candidates))
        keyed: list[tuple[float, int]] = []
        for n, c in enumerate(candidates):
            days_out = (c.day - self.today).days
            weight = 1.0 if days_out <= 2 else max(0.3, 1.0 - 0.7 * days_out / ahead)
            # Efraimidis–Spirakis: the largest u ** (1 / w) are a weighted sample.
            keyed.append((rng.random() ** (1.0 / weight), n))
        keyed.sort(reverse=True)
        chosen = sorted(n for _, n in keyed[:target])
        return [candidates[n] for n in chosen]

    def appointments(self) -> None:
        rng = self.rng("appointments")
        kept = self._keep(self.candidates())
        references: set[str] = set()
        rows: list[Row] = []
        self.appointment_meta: list[tuple[Row, _Candidate]] = []
        base_url = cat.MEETING_BASE_URL
        for c in kept:
            p = self.practitioners[c.practitioner]
            service = self.services[c.service]
            starts_at = self.instant(c.day, c.start_min)
            ends_at = self.instant(c.day, c.end_min)
            reference = new_reference(rng)
            while reference in references:
                reference = new_reference(rng)
            references.add(reference)
            roll = rng.random()
            if roll < 0.2:
                lead = _seconds(rng, 3600, 86400)
            elif roll < 0.6:
                lead = _seconds(rng, 86400, 7 * 86400)
            else:
                lead = _seconds(rng, 7 * 86400, 21 * 86400)
            created_at = starts_at - lead
            if created_at > self.now:
                created_at = self.now - _seconds(rng, 60, 3 * 86400)
            source = rng.choices(_SOURCES, cum_weights=_SOURCE_WEIGHTS)[0]
            created_by: uuid.UUID | None = None
            if source in (AppointmentSource.FRONT_DESK, AppointmentSource.PHONE):
                created_by = rng.choice(self.desk_ids)
            elif source is AppointmentSource.PRACTITIONER:
                created_by = p.account_id

            status = AppointmentStatus.BOOKED
            roll = rng.random()
            if ends_at <= self.now:
                if roll < 0.86:
                    status = AppointmentStatus.COMPLETED
                elif roll < 0.92:
                    status = AppointmentStatus.NO_SHOW
                else:
                    status = AppointmentStatus.CANCELLED
            elif starts_at <= self.now:
                status = AppointmentStatus.IN_PROGRESS
            elif starts_at - self.now <= timedelta(minutes=20) and roll < 0.6:
                status = AppointmentStatus.CHECKED_IN
            elif roll < 0.06:
                status = AppointmentStatus.CANCELLED
            cancelled_at = cancelled_by = cancel_reason = None
            if status is AppointmentStatus.CANCELLED:
                latest = min(starts_at, self.now)
                cancelled_at = created_at + (latest - created_at) * rng.random()
                cancelled_at = cancelled_at.replace(microsecond=0)
                if rng.random() < 0.85:
                    cancel_reason = rng.choice(cat.CANCEL_REASONS_CLIENT)
                    cancelled_by = rng.choice(self.desk_ids)
                else:
                    cancel_reason = rng.choice(cat.CANCEL_REASONS_PRACTITIONER)
                    cancelled_by = p.account_id
            row = {
                "id": _uid(rng),
                "reference": reference,
                "command_id": None,
                "client_id": self.client_rows[c.client]["id"],
                "practitioner_id": p.id,
                "service_id": service["id"],
                "starts_at": starts_at,
                "ends_at": ends_at,
                "status": status,
                "source": source,
                "created_by_id": created_by,
                "created_at": created_at,
                "cancelled_by_id": cancelled_by,
                "cancelled_at": cancelled_at,
                "cancel_reason": cancel_reason,
                "video_link": f"{base_url}/{reference}" if service["is_online"] else None,
                "room": None if service["is_online"] else c.room,
                # Recorded with the booking, as the booking code does: the
                # database keeps this time around the session free.
                "buffer_before_min": p.buffer_before,
                "buffer_after_min": p.buffer_after,
            }
            rows.append(row)
            self.appointment_meta.append((row, c))
        # Latest first: the database's overlap trigger looks at the
        # practitioner's appointments that start before the new one ends, so
        # inserting in reverse time order keeps each check to a day's rows
        # instead of the whole diary (quadratic over 100 000 appointments).
        rows.reverse()
        self.tables["appointment"] = rows

    # -- money and credits ---------------------------------------------------------

    def ledger(self) -> None:
        """Payments and the credit ledger, as the credit commands would write them.

        Each client's history is replayed in time order (allocations credited,
        bookings paid, cancellations refunded, lots expiring), so that every
        entry names its lot and the database's ledger trigger, which checks
        each row as it is inserted, finds nothing to refuse.
        """
        rng = self.rng("ledger")
        payments: list[Row] = []
        entries: list[Row] = []
        by_client: dict[int, list[tuple[Row, _Candidate]]] = defaultdict(list)
        for row, c in self.appointment_meta:
            by_client[c.client].append((row, c))

        def pay(client: Row, amount: int, at: datetime) -> uuid.UUID:
            payment_id = _uid(rng)
            method = rng.choices(_METHODS, cum_weights=_METHOD_WEIGHTS)[0]
            payments.append(
                {
                    "id": payment_id,
                    "client_id": client["id"],
                    "amount_cents": amount,
                    "currency": cat.CURRENCY,
                    "method": method,
                    "receipt_number": "",  # numbered in time order below
                    "received_at": at,
                    "received_by_id": rng.choice(self.desk_ids),
                }
            )
            return payment_id

        def entry(
            client: Row,
            kind: CreditEntryKind,
            amount: int,
            at: datetime,
            reason: str,
            *,
            actor: uuid.UUID | None = None,
            appointment: Row | None = None,
            lot: _DemoLot | None = None,
            allocation: Row | None = None,
            payment: uuid.UUID | None = None,
            expires_at: datetime | None = None,
        ) -> uuid.UUID:
            entry_id = _uid(rng)
            if lot is not None:
                allocation = lot.allocation
            entries.append(
                {
                    "id": entry_id,
                    "client_id": client["id"],
                    "kind": kind,
                    "amount": amount,
                    "created_at": at,
                    "actor_id": actor,
                    "reason": reason,
                    "appointment_id": appointment["id"] if appointment else None,
                    "allocation_id": allocation["id"] if allocation else None,
                    "payment_id": payment,
                    "expires_at": expires_at,
                    "lot_id": lot.id if lot else None,
                    "command_id": None,
                    # Written in this order within an instant (a refund before
                    # the expiry it causes); dropped before insertion.
                    "_seq": len(entries),
                }
            )
            return entry_id

        pack_weights = (20, 50, 30)
        order = itertools.count()
        clients = sorted(set(by_client) | set(self.client_allocations))
        for i in clients:
            client = self.client_rows[i]
            buys_packs = i not in self.partner_clients and rng.random() < 0.35
            lots: list[_DemoLot] = []
            bought_any = False
            paid: dict[uuid.UUID, list[tuple[_DemoLot, int]]] = {}
            # (when, order within an instant, tie-break, what, payload)
            timeline: list[tuple[datetime, int, int, str, Any]] = []

            def add_lot(
                lot: _DemoLot,
                lots: list[_DemoLot] = lots,
                timeline: list[tuple[datetime, int, int, str, Any]] = timeline,
            ) -> None:
                lots.append(lot)
                if lot.expires <= self.now:
                    heapq.heappush(timeline, (lot.expires, 1, next(order), "expire", lot))

            for a in self.client_allocations.get(i, []):
                heapq.heappush(timeline, (a["allocated_at"], 0, next(order), "grant", a))
            for row, c in by_client.get(i, []):
                heapq.heappush(timeline, (row["created_at"], 2, next(order), "book", (row, c)))
                if row["cancelled_at"] is not None:
                    heapq.heappush(timeline, (row["cancelled_at"], 3, next(order), "cancel", row))
            while timeline:
                at, _, _, what, payload = heapq.heappop(timeline)
                if what == "grant":
                    a = payload
                    lot_id = entry(
                        client,
                        CreditEntryKind.PARTNER_ALLOCATION,
                        a["credits"],
                        at,
                        "Partner allocation",
                        actor=self.manager_id,
                        allocation=a,
                        expires_at=a["expires_at"],
                    )
                    add_lot(_DemoLot(lot_id, a["credits"], a["expires_at"], "", at, a))
                elif what == "expire":
                    lot = payload
                    lot.expired = True
                    if lot.left > 0:
                        text = (
                            "Unused partner credits expired"
                            if lot.allocation
                            else f"{lot.left} unused credit(s) of the {lot.name} pack bought "
                            f"{lot.bought_at:%d %b %Y} expired"
                        )
                        entry(client, CreditEntryKind.EXPIRY, -lot.left, at, text, lot=lot)
                        lot.left = 0
                elif what == "book":
                    row, c = payload
                    service = self.services[c.service]
                    cost = service["price_credits"]
                    what_for = f"{service['name']} {row['reference']}"
                    draws: list[tuple[_DemoLot, int]] = []
                    live = [lot for lot in lots if not lot.expired and lot.left > 0]
                    if c.service == "partner":
                        usable = [lot for lot in live if lot.allocation is not None]
                        if usable:
                            draws = [(min(usable, key=lambda lot: lot.expires), 1)]
                    elif buys_packs and cost is not None:
                        own = [lot for lot in live if lot.allocation is None]
                        if sum(lot.left for lot in own) < cost and (
                            not bought_any or rng.random() < 0.75
                        ):
                            name, credits, price, months = rng.choices(
                                cat.CREDIT_PACKS, pack_weights
                            )[0]
                            bought_at = at - _seconds(rng, 60, 1800)
                            payment_id = pay(client, price, bought_at)
                            expires = bought_at + relativedelta(months=months)
                            lot_id = entry(
                                client,
                                CreditEntryKind.PURCHASE,
                                credits,
                                bought_at,
                                f"{name} pack",
                                actor=rng.choice(self.desk_ids),
                                payment=payment_id,
                                expires_at=expires,
                            )
                            add_lot(_DemoLot(lot_id, credits, expires, name, bought_at, None))
                            own.append(lots[-1])
                            bought_any = True
                        if sum(lot.left for lot in own) >= cost:
                            # The soonest-expiring credits go first.
                            need = cost
                            for lot in sorted(own, key=lambda lot: lot.expires):
                                take = min(need, lot.left)
                                if take:
                                    draws.append((lot, take))
                                need -= take
                    for lot, take in draws:
                        lot.left -= take
                        entry(
                            client,
                            CreditEntryKind.USE,
                            -take,
                            at,
                            what_for,
                            actor=row["created_by_id"],
                            appointment=row,
                            lot=lot,
                        )
                    if draws:
                        paid[row["id"]] = draws
                    elif row["status"] is AppointmentStatus.COMPLETED:
                        pay(client, service["price_cents"], row["ends_at"])
                else:
                    row = payload
                    # The usual policy: credits come back when cancelled a day ahead.
                    if row["starts_at"] - at < timedelta(hours=24):
                        continue
                    for lot, take in paid.get(row["id"], []):
                        entry(
                            client,
                            CreditEntryKind.REFUND,
                            take,
                            at,
                            f"Cancelled {row['reference']} in time",
                            actor=row["cancelled_by_id"],
                            appointment=row,
                            lot=lot,
                        )
                        if lot.expired:
                            # Returned to a lot that has lapsed: gone again at once.
                            entry(
                                client,
                                CreditEntryKind.EXPIRY,
                                -take,
                                at,
                                f"{take} returned credit(s) had already expired",
                                lot=lot,
                            )
                        else:
                            lot.left += take
            for lot in lots:
                if lot.allocation is not None:
                    lot.allocation["_left"] = lot.left

        for a in self.allocations:
            if a["status"] is AllocationStatus.REVOKED:
                continue
            if a["expires_at"] <= self.now:
                a["status"] = AllocationStatus.EXPIRED
            elif a.pop("_left", None) == 0:
                a["status"] = AllocationStatus.USED
            a.pop("_left", None)

        # A few goodwill credits, as a manager would give after a late start.
        goodwill = [i for i in sorted(by_client) if i not in self.partner_clients]
        for i in rng.sample(goodwill, k=min(len(goodwill), max(3, len(goodwill) // 200))):
            entry(
                self.client_rows[i],
                CreditEntryKind.ADJUSTMENT,
                1,
                self.now - _seconds(rng, 86400, 10 * 86400),
                "Goodwill credit: the session started late",
                actor=self.manager_id,
            )

        payments.sort(key=lambda r: (r["received_at"], r["id"]))
        for n, row in enumerate(payments, start=1):
            row["receipt_number"] = f"RC-{n:07d}"
        entries.sort(key=lambda r: (r["created_at"], r.pop("_seq")))
        self.tables["payment"] = payments
        self.tables["credit_entry"] = entries

    # -- notes and notifications ---------------------------------------------------

    def notes_and_notifications(self) -> None:
        rng = self.rng("notes")
        notes: list[Row] = []
        for row, c in self.appointment_meta:
            p = self.practitioners[c.practitioner]
            if (
                row["status"] is AppointmentStatus.COMPLETED
                and "partner" in p.service_keys
                and rng.random() < 0.35
            ):
                written = min(row["ends_at"] + _seconds(rng, 300, 7200), self.now)
                notes.append(
                    {
                        "id": _uid(rng),
                        "appointment_id": row["id"],
                        "author_id": p.account_id,
                        "body": rng.choice(cat.SESSION_NOTES),
                        "written_at": written,
                    }
                )
        self.tables["session_note"] = notes

        out = self.tables["notification"]

        def notify(to: uuid.UUID, kind: str, text: str, at: datetime, read: bool) -> None:
            out.append(
                {
                    "id": _uid(rng),
                    "recipient_id": to,
                    "kind": kind,
                    "text": text,
                    "created_at": at,
                    "read_at": at + _seconds(rng, 300, 86400) if read else None,
                    "expires_at": at + timedelta(days=30),
                }
            )

        for p in self.practitioners:
            if p.status is PractitionerStatus.APPLIED:
                notify(
                    self.manager_id,
                    "practitioner_application",
                    f"New application from {p.name} ({p.profession.name.lower()}).",
                    self.now - _seconds(rng, 3600, 86400),
                    read=False,
                )
            elif p.status is PractitionerStatus.SUSPENDED:
                notify(
                    self.manager_id,
                    "practitioner_suspended",
                    f"{p.name} is suspended until their insurance is renewed.",
                    self.now - _seconds(rng, 3 * 86400, 4 * 86400),
                    read=True,
                )
        recent = [
            (row, c)
            for row, c in self.appointment_meta
            if row["starts_at"] > self.now and self.now - row["created_at"] < timedelta(days=3)
        ]
        per_practitioner: dict[int, int] = defaultdict(int)
        for row, c in recent:
            if per_practitioner[c.practitioner] >= 2:
                continue
            per_practitioner[c.practitioner] += 1
            p = self.practitioners[c.practitioner]
            client = self.client_rows[c.client]["full_name"]
            when = row["starts_at"].astimezone(self.tz)
            service = self.services[c.service]["name"]
            if row["status"] is AppointmentStatus.CANCELLED:
                notify(
                    rng.choice(self.desk_ids),
                    "appointment_cancelled",
                    f"{client} cancelled {row['reference']} on {when:%a %d %b at %H:%M}.",
                    row["cancelled_at"],
                    read=rng.random() < 0.5,
                )
            else:
                notify(
                    p.account_id,
                    "appointment_booked",
                    f"New booking: {client}, {service}, {when:%a %d %b at %H:%M}.",
                    row["created_at"],
                    read=rng.random() < 0.5,
                )
        out.sort(key=lambda r: (r["created_at"], r["id"]))

    # -- assembly --------------------------------------------------------------------

    def build(self) -> DemoDataset:
        self.clinic()
        self.staff()
        self.clients()
        self.partners()
        for row in self.client_rows:
            row["search_key"] = client_search_key(row["full_name"], row["email"], row["phone"])
        self.caseloads()
        self.appointments()
        self.ledger()
        self.notes_and_notifications()
        order = (
            "clinic_setting",
            "staff_account",
            "staff_role",
            "service",
            "credit_pack",
            "clinic_holiday",
            "practitioner",
            "practitioner_decision",
            "service_practitioner",
            "schedule_settings",
            "weekly_rule",
            "weekly_rule_service",
            "date_override",
            "override_block",
            "recurring_exception",
            "partner_organisation",
            "client",
            "partner_allocation",
            "appointment",
            "payment",
            "credit_entry",
            "session_note",
            "notification",
        )
        tables = [(Base.metadata.tables[name], self.tables.get(name, [])) for name in order]
        bookable = sum(p.status is PractitionerStatus.APPROVED for p in self.practitioners)
        summary = DemoSummary(
            size=self.size,
            seed=self.seed,
            clinic_name=cat.CLINIC_NAME,
            password=cat.DEMO_PASSWORD,
            logins=tuple(self.logins),
            staff_accounts=len(self.tables["staff_account"]),
            practitioners=len(self.practitioners),
            bookable_practitioners=bookable,
            services=len(self.tables["service"]),
            clients=len(self.client_rows),
            appointments=len(self.tables["appointment"]),
            payments=len(self.tables["payment"]),
            credit_entries=len(self.tables["credit_entry"]),
            partner_organisations=len(self.tables["partner_organisation"]),
            partner_allocations=len(self.allocations),
            clinic_holidays=len(self.tables["clinic_holiday"]),
            notifications=len(self.tables["notification"]),
            session_notes=len(self.tables["session_note"]),
        )
        return DemoDataset(tables=tables, summary=summary)


def generate(size: str, seed: int, now: datetime, password_hash: str) -> DemoDataset:
    """The rows of a demo clinic of `size` ("small" or "large") as of `now`."""
    if size not in SIZES:
        raise ValueError(f"unknown demo size {size!r}")
    return _Generator(size, seed, now, password_hash).build()
