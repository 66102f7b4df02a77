"""The demo diary: caseloads, every session a full diary would hold, and the appointments kept."""

from __future__ import annotations

import random
import uuid
from datetime import date, timedelta
from itertools import accumulate

from desktop_app.booking.references import new_reference
from desktop_app.demo import catalogue as cat
from desktop_app.demo.build import Candidate, DemoBuild, DemoPractitioner, seconds, uid
from desktop_app.demo.dataset import Row
from models.enums import AppointmentSource, AppointmentStatus, PractitionerStatus

_SOURCES = (
    AppointmentSource.FRONT_DESK,
    AppointmentSource.PHONE,
    AppointmentSource.PRACTITIONER,
    AppointmentSource.ASSISTANT,
)
_SOURCE_WEIGHTS = (45, 80, 92, 100)  # cumulative


def assign_caseloads(g: DemoBuild) -> None:
    rng = g.rng("caseloads")
    active = [p for p in g.practitioners if p.status is not PractitionerStatus.APPLIED]
    talking = [p for p in active if "partner" in p.service_keys]
    for i, c in enumerate(g.client_rows):
        if c["archived_at"] is not None:
            continue
        if i in g.partner_clients:
            rng.choice(talking).caseload.append(i)
            continue
        roll = rng.random()
        if roll < 0.12:
            continue  # registered, nothing booked in these weeks
        rng.choice(active).caseload.append(i)
        if roll > 0.92:
            rng.choice(active).caseload.append(i)


def _day_blocks(
    g: DemoBuild, p: DemoPractitioner, day: date
) -> list[tuple[int, int, str, frozenset[str] | None]]:
    if day in g.holidays:
        return []
    if day in p.overrides:
        room = next(iter(p.weekly.values()))[0][2]
        return [(s, e, room, None) for s, e in p.overrides[day]]
    if day in p.closed_days:
        return []
    return p.weekly.get(day.weekday(), [])


def _pick_service(
    g: DemoBuild,
    rng: random.Random,
    p: DemoPractitioner,
    client: int,
    allowed: frozenset[str] | None,
    room_left: int,
) -> str | None:
    """The service this client books here, or a shorter one that still fits."""
    partner_ok = allowed is None or "partner" in allowed
    if client in g.partner_clients and partner_ok and rng.random() < 0.85:
        return "partner" if g.services["partner"]["duration_min"] <= room_left else None
    menu = g.menus.get((p.index, allowed))
    if menu is None:
        offered = [
            (k, w)
            for k, w in zip(p.service_keys, p.weights, strict=True)
            if w and (allowed is None or k in allowed)
        ]
        menu = ([k for k, _ in offered], list(accumulate(w for _, w in offered)))
        g.menus[(p.index, allowed)] = menu
    keys, cumulative = menu
    if not keys:
        return None
    choice = rng.choices(keys, cum_weights=cumulative)[0]
    if g.services[choice]["duration_min"] <= room_left:
        return choice
    fitting = [k for k in keys if g.services[k]["duration_min"] <= room_left]
    return min(fitting, key=lambda k: g.services[k]["duration_min"]) if fitting else None


def candidates(g: DemoBuild) -> list[Candidate]:
    """Every session a full diary would hold, on each practitioner's grid."""
    rng = g.rng("diary")
    out: list[Candidate] = []
    days = [g.first_day + timedelta(days=n) for n in range((g.end_day - g.first_day).days)]
    for p in g.practitioners:
        if p.status is PractitionerStatus.APPLIED or not p.caseload:
            continue
        for day in days:
            if p.suspended_on is not None and day >= p.suspended_on:
                break
            booked = 0
            exceptions = p.closed_ranges.get(day, []) if day not in p.overrides else []
            for start, end, room, allowed in _day_blocks(g, p, day):
                t = start + p.buffer_before
                while p.max_per_day is None or booked < p.max_per_day:
                    # Keep the grid anchored at the block's start, as the slot engine does.
                    t = start + -(-(t - start) // p.interval) * p.interval
                    client = rng.choice(p.caseload)
                    key = _pick_service(g, rng, p, client, allowed, end - p.buffer_after - t)
                    if key is None:
                        break
                    finish = t + g.services[key]["duration_min"]
                    clash = next((e for s, e in exceptions if s < finish and t < e), None)
                    if clash is not None:
                        t = clash
                        continue
                    out.append(Candidate(p.index, day, t, finish, client, key, room))
                    booked += 1
                    t = finish + p.buffer_after + p.buffer_before
    return out


def _keep(g: DemoBuild, candidates: list[Candidate]) -> list[Candidate]:
    """A weighted sample: nearly full until next week, emptier further out."""
    rng = g.rng("fill")
    ahead = max(1, (g.end_day - g.today).days)
    target = g.spec.appointments
    if target is None:
        target = round(len(candidates) * g.spec.fill)
    target = min(target, len(candidates))
    keyed: list[tuple[float, int]] = []
    for n, c in enumerate(candidates):
        days_out = (c.day - g.today).days
        weight = 1.0 if days_out <= 2 else max(0.3, 1.0 - 0.7 * days_out / ahead)
        # Efraimidis–Spirakis: the largest u ** (1 / w) are a weighted sample.
        keyed.append((rng.random() ** (1.0 / weight), n))
    keyed.sort(reverse=True)
    chosen = sorted(n for _, n in keyed[:target])
    return [candidates[n] for n in chosen]


def add_appointments(g: DemoBuild) -> None:
    rng = g.rng("appointments")
    kept = _keep(g, candidates(g))
    references: set[str] = set()
    rows: list[Row] = []
    g.appointment_meta = []
    base_url = cat.MEETING_BASE_URL
    for c in kept:
        p = g.practitioners[c.practitioner]
        service = g.services[c.service]
        starts_at = g.instant(c.day, c.start_min)
        ends_at = g.instant(c.day, c.end_min)
        reference = new_reference(rng)
        while reference in references:
            reference = new_reference(rng)
        references.add(reference)
        roll = rng.random()
        if roll < 0.2:
            lead = seconds(rng, 3600, 86400)
        elif roll < 0.6:
            lead = seconds(rng, 86400, 7 * 86400)
        else:
            lead = seconds(rng, 7 * 86400, 21 * 86400)
        created_at = starts_at - lead
        if created_at > g.now:
            created_at = g.now - seconds(rng, 60, 3 * 86400)
        source = rng.choices(_SOURCES, cum_weights=_SOURCE_WEIGHTS)[0]
        created_by: uuid.UUID | None = None
        if source in (AppointmentSource.FRONT_DESK, AppointmentSource.PHONE):
            created_by = rng.choice(g.desk_ids)
        elif source is AppointmentSource.PRACTITIONER:
            created_by = p.account_id

        status = AppointmentStatus.BOOKED
        roll = rng.random()
        if ends_at <= g.now:
            if roll < 0.86:
                status = AppointmentStatus.COMPLETED
            elif roll < 0.92:
                status = AppointmentStatus.NO_SHOW
            else:
                status = AppointmentStatus.CANCELLED
        elif starts_at <= g.now:
            status = AppointmentStatus.IN_PROGRESS
        elif starts_at - g.now <= timedelta(minutes=20) and roll < 0.6:
            status = AppointmentStatus.CHECKED_IN
        elif roll < 0.06:
            status = AppointmentStatus.CANCELLED
        cancelled_at = cancelled_by = cancel_reason = None
        if status is AppointmentStatus.CANCELLED:
            latest = min(starts_at, g.now)
            cancelled_at = created_at + (latest - created_at) * rng.random()
            cancelled_at = cancelled_at.replace(microsecond=0)
            if rng.random() < 0.85:
                cancel_reason = rng.choice(cat.CANCEL_REASONS_CLIENT)
                cancelled_by = rng.choice(g.desk_ids)
            else:
                cancel_reason = rng.choice(cat.CANCEL_REASONS_PRACTITIONER)
                cancelled_by = p.account_id
        row = {
            "id": uid(rng),
            "reference": reference,
            "command_id": None,
            "client_id": g.client_rows[c.client]["id"],
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
        g.appointment_meta.append((row, c))
    # Latest first: the database's overlap trigger looks at the
    # practitioner's appointments that start before the new one ends, so
    # inserting in reverse time order keeps each check to a day's rows
    # instead of the whole diary (quadratic over 100 000 appointments).
    rows.reverse()
    g.tables["appointment"] = rows
