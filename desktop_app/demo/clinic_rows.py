"""The demo clinic's settings, services, packs and holidays; its staff and practitioners."""

from __future__ import annotations

import random
import uuid
from collections import defaultdict
from datetime import date, datetime, time, timedelta

from dateutil.rrule import rrulestr

from desktop_app.demo import catalogue as cat
from desktop_app.demo.build import (
    DemoBuild,
    DemoPractitioner,
    at_minutes,
    minutes,
    phone_number,
    seconds,
    uid,
)
from desktop_app.demo.dataset import DemoLogin
from models.enums import PractitionerStatus, Role


def add_clinic(g: DemoBuild) -> None:
    for key, value in (
        ("clinic_name", cat.CLINIC_NAME),
        ("timezone", cat.CLINIC_TIMEZONE),
        ("currency", cat.CURRENCY),
        ("meeting_base_url", cat.MEETING_BASE_URL),
    ):
        g.tables["clinic_setting"].append({"key": key, "value": value})

    rng = g.rng("services")
    g.services = {}
    for s in cat.SERVICES:
        row = {
            "id": uid(rng),
            "name": s.name,
            "duration_min": s.duration_min,
            "price_cents": s.price_cents,
            "currency": cat.CURRENCY,
            "price_credits": s.price_credits,
            "colour": s.colour,
            "is_online": s.is_online,
            "is_active": True,
        }
        g.services[s.key] = row
        g.tables["service"].append(row)
    g.packs = []
    for name, credits, price, months in cat.CREDIT_PACKS:
        row = {
            "id": uid(rng),
            "name": name,
            "credits": credits,
            "price_cents": price,
            "currency": cat.CURRENCY,
            "validity_months": months,
            "is_active": True,
        }
        g.packs.append(row)
        g.tables["credit_pack"].append(row)

    holidays: dict[date, str] = {}
    for year in (g.today.year - 1, g.today.year, g.today.year + 1):
        holidays[date(year, 1, 1)] = "New Year's Day"
        holidays[date(year, 12, 25)] = "Christmas Day"
        holidays[date(year, 12, 26)] = "Boxing Day"
    training = g.end_day - timedelta(days=5)  # the last week's Wednesday
    holidays.setdefault(training, "Staff training day")
    g.holidays = holidays
    for day, name in sorted(holidays.items()):
        g.tables["clinic_holiday"].append({"id": uid(rng), "day": day, "name": name})


def _account(
    g: DemoBuild,
    rng: random.Random,
    email: str,
    name: str,
    roles: tuple[Role, ...],
    created_at: datetime,
    role_label: str,
) -> uuid.UUID:
    account_id = uid(rng)
    g.tables["staff_account"].append(
        {
            "id": account_id,
            "email": email,
            "name": name,
            "phone": phone_number(rng),
            "password_hash": g.password_hash,
            "is_active": True,
            "photo": None,
            "created_at": created_at,
        }
    )
    for role in roles:
        g.tables["staff_role"].append({"account_id": account_id, "role": role})
    g.logins.append(DemoLogin(email, name, role_label))
    return account_id


def add_staff(g: DemoBuild) -> None:
    rng = g.rng("staff")
    g.manager_id = _account(
        g,
        rng,
        f"manager@{cat.STAFF_DOMAIN}",
        "Morgan Ellis",
        (Role.MANAGER,),
        g.now - timedelta(days=5 * 365),
        "manager",
    )
    g.desk_ids = []
    for n in range(1, g.spec.desks + 1):
        name = f"{rng.choice(cat.FIRST_NAMES)} {rng.choice(cat.SURNAMES)}"
        g.desk_ids.append(
            _account(
                g,
                rng,
                f"desk{n}@{cat.STAFF_DOMAIN}",
                name,
                (Role.FRONT_DESK,),
                g.now - seconds(rng, 100 * 86400, 900 * 86400),
                "front desk",
            )
        )
    _practitioners(g, rng)


def _professions(g: DemoBuild, rng: random.Random) -> list[str]:
    n = g.spec.practitioners
    if g.size == "small":
        return list(cat.SMALL_PRACTITIONERS[:n])
    total = sum(w for _, w in cat.LARGE_PROFESSION_WEIGHTS)
    keys: list[str] = []
    for key, weight in cat.LARGE_PROFESSION_WEIGHTS:
        keys.extend([key] * round(n * weight / total))
    keys = (keys + [cat.LARGE_PROFESSION_WEIGHTS[0][0]] * n)[:n]
    rng.shuffle(keys)
    return keys


def _practitioners(g: DemoBuild, rng: random.Random) -> None:
    professions = _professions(g, rng)
    n = len(professions)
    room_counters: dict[str, int] = defaultdict(int)
    g.practitioners = []
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
            applied_at = g.now - seconds(rng, 1 * 86400, 6 * 86400)
        else:
            applied_at = g.now - seconds(rng, 90 * 86400, 1500 * 86400)
        label = prof.name.lower()
        if status is PractitionerStatus.APPLIED:
            label += " (application waiting for the manager)"
        elif status is PractitionerStatus.SUSPENDED:
            label += " (suspended)"
        account_id = _account(g, rng, email, name, (Role.PRACTITIONER,), applied_at, label)
        room_counters[prof.room_kind] += 1
        room = f"{prof.room_kind} {room_counters[prof.room_kind]}"

        pattern_index = (
            cat.SMALL_HOURS[i] if g.size == "small" else rng.randrange(len(cat.HOURS_PATTERNS))
        )
        pattern = cat.HOURS_PATTERNS[pattern_index]
        keys = tuple(k for k, _ in prof.services)
        weekly: dict[int, list[tuple[int, int, str, frozenset[str] | None]]] = {}
        for wd in pattern.weekdays:
            weekly[wd] = [(minutes(a), minutes(b), room, None) for a, b in pattern.blocks]
        if key == "dentist":
            # The week's last afternoon is kept for check-ups and emergencies.
            last = max(weekly)
            s, e, r, _ = weekly[last][-1]
            weekly[last][-1] = (s, e, r, frozenset({"checkup", "emergency"}))
        p = DemoPractitioner(
            index=i,
            id=uid(rng),
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
        g.practitioners.append(p)
        specs = rng.sample(prof.specialisations, k=min(3, len(prof.specialisations)))
        languages = ["English"]
        if rng.random() < 0.45:
            languages.append(rng.choice(cat.LANGUAGES))
        years = rng.randint(2, 25)
        g.tables["practitioner"].append(
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
        _decisions(g, rng, p, applied_at)
        for k in keys:
            g.tables["service_practitioner"].append(
                {"service_id": g.services[k]["id"], "practitioner_id": p.id}
            )
        g.tables["schedule_settings"].append(
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
                rule_id = uid(rng)
                g.tables["weekly_rule"].append(
                    {
                        "id": rule_id,
                        "practitioner_id": p.id,
                        "weekday": wd,
                        "start_time": at_minutes(s),
                        "end_time": at_minutes(e),
                        "room": r,
                    }
                )
                for k in sorted(allowed or ()):
                    g.tables["weekly_rule_service"].append(
                        {"rule_id": rule_id, "service_id": g.services[k]["id"]}
                    )
    _exceptions(g)


def _decisions(g: DemoBuild, rng: random.Random, p: DemoPractitioner, applied_at: datetime) -> None:
    rows = g.tables["practitioner_decision"]

    def decide(seq: int, status: PractitionerStatus, by: uuid.UUID, at: datetime, why: str) -> None:
        rows.append(
            {
                "id": uid(rng),
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
    approved_at = applied_at + seconds(rng, 2 * 86400, 14 * 86400)
    decide(
        2,
        PractitionerStatus.APPROVED,
        g.manager_id,
        approved_at,
        "Registration, insurance and references checked",
    )
    if p.status is PractitionerStatus.SUSPENDED:
        suspended_at = g.now - seconds(rng, 3 * 86400, 5 * 86400)
        p.suspended_on = suspended_at.astimezone(g.tz).date()
        decide(
            3,
            PractitionerStatus.SUSPENDED,
            g.manager_id,
            suspended_at,
            "Professional indemnity insurance lapsed; suspended until renewed",
        )


def _exceptions(g: DemoBuild) -> None:
    rng = g.rng("exceptions")
    monday = g.today - timedelta(days=g.today.weekday())
    bookable = [p for p in g.practitioners if p.status is PractitionerStatus.APPROVED]

    def override(p: DemoPractitioner, day: date, blocks: list[tuple[int, int]], why: str) -> None:
        if day in p.overrides:
            return
        p.overrides[day] = blocks
        override_id = uid(rng)
        g.tables["date_override"].append(
            {"id": override_id, "practitioner_id": p.id, "day": day, "reason": why}
        )
        for s, e in blocks:
            g.tables["override_block"].append(
                {
                    "id": uid(rng),
                    "override_id": override_id,
                    "start_time": at_minutes(s),
                    "end_time": at_minutes(e),
                }
            )

    def recurring(p: DemoPractitioner, text: str, span: tuple[int, int] | None, why: str) -> None:
        starts_on = g.first_day - timedelta(days=rng.randint(100, 400))
        g.tables["recurring_exception"].append(
            {
                "id": uid(rng),
                "practitioner_id": p.id,
                "rrule": text,
                "starts_on": starts_on,
                "start_time": at_minutes(span[0]) if span else None,
                "end_time": at_minutes(span[1]) if span else None,
                "reason": why,
            }
        )
        rule = rrulestr(text, dtstart=datetime.combine(starts_on, time()))
        for hit in rule.between(
            datetime.combine(g.first_day, time()),
            datetime.combine(g.end_day, time()),
            inc=True,
        ):
            if span is None:
                p.closed_days.add(hit.date())
            else:
                p.closed_ranges.setdefault(hit.date(), []).append(span)

    if g.size == "small":
        next_week = monday + timedelta(weeks=1)
        override(bookable[0], next_week + timedelta(days=3), [], "Attending a conference")
        override(bookable[4], next_week + timedelta(days=5), [(540, 780)], "Saturday clinic")
        override(bookable[6], monday + timedelta(days=1), [(720, 1200)], "Late clinic for workers")
        recurring(bookable[1], "FREQ=MONTHLY;BYDAY=1MO", None, "Clinical supervision day")
        return
    for p in bookable:
        roll = rng.random()
        day = g.first_day + timedelta(days=rng.randrange((g.end_day - g.first_day).days))
        if roll < 0.25:
            override(p, day, [], "Annual leave")
        elif roll < 0.35:
            override(p, day, [(600, 960)], "Shorter day")
        roll = rng.random()
        if roll < 0.08:
            recurring(p, "FREQ=MONTHLY;BYDAY=1MO", None, "Clinical supervision day")
        elif roll < 0.16:
            recurring(p, "FREQ=WEEKLY;BYDAY=WE", (720, 780), "Team meeting")
