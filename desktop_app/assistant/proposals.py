"""A Request → up to five free times, through the same slot queries as the dialog.

For a move or a cancellation the client's appointment is found first (their
live appointments in the window the text named); a move proposes times for
that appointment's service, with its practitioner unless the text named
another or "anyone". The commands built here carry source `assistant`.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import and_

from desktop_app.assistant.parse import SHOWN, parse
from desktop_app.assistant.request import Action, Ask, Named, Question, Request, When
from desktop_app.assistant.vocabulary import Vocabulary
from desktop_app.availability import slot_queries
from desktop_app.booking.commands import (
    BookAppointment,
    CancelAppointment,
    PaymentChoice,
    RescheduleAppointment,
)
from desktop_app.booking.queries import AppointmentRow, appointment_rows
from desktop_app.infra.database import Database
from models import Appointment, AppointmentStatus
from models.enums import AppointmentSource

LIMIT = 5
# Days asked of the slot queries at a time: the first proposals are usually
# in the first days, and a short window loads little.
_CHUNKS = (3, 7, 14, 30)
_UPCOMING = (AppointmentStatus.BOOKED, AppointmentStatus.CHECKED_IN)
CANCEL_REASON = "Cancelled by phone (booking assistant)"


@dataclass(frozen=True)
class Proposal:
    practitioner: Named
    start: datetime
    end: datetime

    def as_json(self) -> dict[str, Any]:
        return {
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "practitioner": self.practitioner.as_json(),
        }


@dataclass(frozen=True)
class Understanding:
    """The request with what the database told about it, and the free times."""

    request: Request
    proposals: tuple[Proposal, ...] = ()
    # Move and cancel: the appointment the text is about.
    appointment: AppointmentRow | None = None
    message: str = ""

    @property
    def questions(self) -> tuple[Question, ...]:
        return self.request.questions

    def blocker(self) -> str | None:
        """Why the action cannot be taken as understood; None when it can."""
        r = self.request
        if r.action is Action.FIND:
            return "Finding free times changes nothing: say who to book."
        for q in r.questions:
            if q.about is not Ask.TEXT:
                return q.text
        if r.action is Action.CANCEL:
            return None if self.appointment else "Which appointment?"
        if r.client is None:
            return "Which client?"
        if r.service is None:
            return "Which service?"
        if not self.proposals:
            return self.message or "No free time matches."
        return None

    def as_json(self, vocab: Vocabulary) -> dict[str, Any]:
        r = self.request
        window: dict[str, Any] | None = None
        when = r.current if r.action is Action.CANCEL else r.when
        if when is not None:
            lo, hi = when.bounds(vocab.zone)
            window = {
                "from": lo.isoformat(),
                "to": hi.isoformat(),
                "start_after": _hhmm(when.start),
                "start_before": _hhmm(when.end),
                "at": _hhmm(when.at),
            }
        a = self.appointment
        return {
            "text": r.text,
            "action": r.action.value,
            "client": r.client.as_json() if r.client else None,
            "client_candidates": [c.as_json() for c in r.clients] if len(r.clients) > 1 else [],
            "new_client": r.new_client_name,
            "practitioner": r.practitioner.as_json() if r.practitioner else None,
            "anyone": r.practitioner is None,
            "service": r.service.as_json() if r.service else None,
            "same_as_last_time": r.same_as_last,
            "window": window,
            "appointment": None
            if a is None
            else {
                "id": str(a.id),
                "reference": a.reference,
                "start": a.starts_at.astimezone(vocab.zone).isoformat(),
                "end": a.ends_at.astimezone(vocab.zone).isoformat(),
                "practitioner": {"id": str(a.practitioner_id), "name": a.practitioner_name},
                "service": a.service_name,
            },
            "proposals": [
                replace(
                    p, start=p.start.astimezone(vocab.zone), end=p.end.astimezone(vocab.zone)
                ).as_json()
                for p in self.proposals
            ],
            "questions": [q.as_json() for q in r.questions],
            "message": self.message or None,
        }


def _hhmm(t: time | None) -> str | None:
    return None if t is None else f"{t:%H:%M}"


def understand(
    db: Database, vocab: Vocabulary, request: Request, now: datetime, limit: int = LIMIT
) -> Understanding:
    if request.asks(Ask.TEXT) and not (request.clients or request.service):
        return Understanding(request)
    appointment: AppointmentRow | None = None
    if request.action in (Action.MOVE, Action.CANCEL):
        request, appointment = _find_appointment(db, vocab, request, now)
        if request.action is Action.CANCEL or appointment is None:
            return Understanding(request, appointment=appointment)
        request = _move_defaults(vocab, request, appointment)
    if request.same_as_last:
        request = _last_time(db, vocab, request, now)
    if request.service is None or request.when is None:
        return Understanding(request, appointment=appointment)
    if request.asks(Ask.DAY) or request.asks(Ask.TIME) or request.asks(Ask.PRACTITIONER):
        return Understanding(request, appointment=appointment)
    proposals, message = free_times(db, vocab, request, now, limit, appointment)
    return Understanding(request, proposals, appointment, message)


def free_times(
    db: Database,
    vocab: Vocabulary,
    request: Request,
    now: datetime,
    limit: int = LIMIT,
    moving: AppointmentRow | None = None,
) -> tuple[tuple[Proposal, ...], str]:
    assert request.service is not None and request.when is not None
    when = request.when
    service_id = request.service.id
    pid = request.practitioner.id if request.practitioner else None
    names = {p.id: p.name for p in vocab.practitioners}
    zone = vocab.zone
    today = now.astimezone(zone).date()
    first = max(when.day_from, today)
    found: list[Proposal] = []
    near: list[Proposal] = []
    seen: set[datetime] = set()
    day = first
    chunks = iter(_CHUNKS)
    while day <= when.day_to and len(found) < limit:
        size = next(chunks, _CHUNKS[-1])
        last = min(when.day_to, day + timedelta(days=size - 1))
        for slot in slot_queries.open_slots(db, service_id, day, last, now, pid):
            if (
                moving is not None
                and slot.start == moving.starts_at
                and (slot.practitioner_id == moving.practitioner_id)
            ):
                continue
            local = slot.start.astimezone(zone)
            if slot.start in seen:
                continue
            proposal = Proposal(
                Named(slot.practitioner_id, names.get(slot.practitioner_id, "?")),
                slot.start,
                slot.end,
            )
            if when.accepts(local):
                seen.add(slot.start)
                found.append(proposal)
            elif when.at is not None and len(near) < 200:
                near.append(proposal)
        day = last + timedelta(days=1)
    found.sort(key=lambda p: (p.start, p.practitioner.name))
    if found:
        return tuple(found[:limit]), ""
    what = f"{request.service.name}" + (
        f" with {request.practitioner.name}" if request.practitioner else ""
    )
    if when.at is not None and near:
        target = when.at

        def distance(p: Proposal) -> tuple[float, datetime]:
            local = p.start.astimezone(zone)
            wanted = datetime.combine(local.date(), target, zone)
            return (abs((local - wanted).total_seconds()), p.start)

        nearest: list[Proposal] = []
        taken: set[datetime] = set()
        for p in sorted(near, key=distance):
            if p.start not in taken:
                taken.add(p.start)
                nearest.append(p)
            if len(nearest) == limit:
                break
        nearest.sort(key=lambda p: p.start)
        return tuple(nearest), f"Nothing free for {what} at {target:%H:%M}; the nearest times:"
    return (), f"No free time for {what} {_span(when)}."


def _span(when: When) -> str:
    if when.day_from == when.day_to:
        return f"on {when.day_from:%a} {when.day_from.day} {when.day_from:%b}"
    return (
        f"between {when.day_from:%a} {when.day_from.day} {when.day_from:%b} and "
        f"{when.day_to:%a} {when.day_to.day} {when.day_to:%b}"
    )


def _upcoming(
    db: Database, client_ids: list[uuid.UUID], lo: datetime, hi: datetime
) -> list[AppointmentRow]:
    with db.read_sessions() as s:
        where = and_(
            Appointment.client_id.in_(client_ids),
            Appointment.starts_at >= lo,
            Appointment.starts_at < hi,
            Appointment.status.in_(_UPCOMING),
        )
        return appointment_rows(s, where, [Appointment.starts_at])


def _find_appointment(
    db: Database, vocab: Vocabulary, request: Request, now: datetime
) -> tuple[Request, AppointmentRow | None]:
    current = request.current
    if not request.clients or current is None:
        return request, None
    zone = vocab.zone
    lo, _ = When(current.day_from, current.day_from).bounds(zone)
    hi = datetime.combine(current.day_to + timedelta(days=1), time(0), zone)
    rows = [
        r
        for r in _upcoming(db, [c.id for c in request.clients], max(lo, now), hi)
        if current.accepts(r.starts_at.astimezone(zone))
        and (request.service is None or r.service_id == request.service.id)
        and (request.appointment_id is None or r.id == request.appointment_id)
    ]
    others = tuple(q for q in request.questions if q.about is not Ask.CLIENT)
    by_id = {c.id: c for c in request.clients}
    if not rows:
        who = request.clients[0].name if len(request.clients) == 1 else "these clients"
        question = Question(Ask.APPOINTMENT, f"No upcoming appointment for {who} {_said(current)}.")
        return replace(request, questions=(*request.questions, question)), None
    if len(rows) == 1:
        row = rows[0]
        client = by_id.get(row.client_id) if row.client_id else None
        return (
            replace(request, clients=(client,) if client else request.clients, questions=others),
            row,
        )
    choices = tuple(
        Named(r.id, f"{r.client_name} · {r.service_name}", _row_line(r, vocab))
        for r in rows[:SHOWN]
    )
    question = Question(Ask.APPOINTMENT, "Which appointment?", choices=choices)
    return replace(request, questions=(*others, question)), None


def _said(when: When) -> str:
    if when.at is not None:
        return f"at {when.at:%H:%M}" + ("" if not when.day_given else f" {_span(when)}")
    return _span(when) if when.day_given else "in the next 90 days"


def _row_line(r: AppointmentRow, vocab: Vocabulary) -> str:
    local = r.starts_at.astimezone(vocab.zone)
    return f"{local:%a} {local.day} {local:%b} {local:%H:%M} with {r.practitioner_name}"


def _move_defaults(vocab: Vocabulary, request: Request, row: AppointmentRow) -> Request:
    """A move keeps the service; the practitioner too unless the text said otherwise;
    a new time without a day is on the appointment's day."""
    zone = vocab.zone
    local = row.starts_at.astimezone(zone)
    when = request.when or When(local.date(), local.date())
    if when.same_time:
        when = replace(when, at=local.time().replace(tzinfo=None), start=None, end=None)
    if not when.day_given and (when.at or when.start or when.end) and not when.same_time:
        when = replace(when, day_from=local.date(), day_to=local.date())
    practitioner = request.practitioner
    if not request.practitioner_given:
        practitioner = Named(row.practitioner_id, row.practitioner_name)
    service = Named(row.service_id, row.service_name) if row.service_id else request.service
    return replace(request, when=when, practitioner=practitioner, service=service)


def _last_time(db: Database, vocab: Vocabulary, request: Request, now: datetime) -> Request:
    client = request.client
    if client is None:
        return request
    with db.read_sessions() as s:
        rows = appointment_rows(
            s,
            and_(
                Appointment.client_id == client.id,
                Appointment.starts_at < now,
                Appointment.status != AppointmentStatus.CANCELLED,
            ),
            [Appointment.starts_at.desc()],
        )
    last = rows[0] if rows else None
    if last is None or last.service_id is None:
        question = Question(
            Ask.SERVICE,
            f"{client.name} has had no appointment yet: which service?",
            choices=tuple(Named(s.id, s.name) for s in vocab.services),
        )
        return replace(request, questions=(*request.questions, question))
    changes: dict[str, Any] = {}
    if request.service is None:
        changes["service"] = Named(last.service_id, last.service_name)
    if not request.practitioner_given and vocab.practitioner(last.practitioner_id):
        changes["practitioner"] = Named(last.practitioner_id, last.practitioner_name)
    return replace(request, **changes)


# --- commands --------------------------------------------------------------------


def book_command(
    u: Understanding,
    index: int = 0,
    *,
    payment: PaymentChoice = PaymentChoice.DESK,
    command_id: uuid.UUID | None = None,
) -> BookAppointment:
    r = u.request
    assert r.client is not None and r.service is not None
    p = u.proposals[index]
    command = BookAppointment(
        client_id=r.client.id,
        practitioner_id=p.practitioner.id,
        service_id=r.service.id,
        starts_at=p.start,
        source=AppointmentSource.ASSISTANT,
        payment=payment,
    )
    return replace(command, command_id=command_id) if command_id else command


def move_command(u: Understanding, index: int = 0) -> RescheduleAppointment:
    assert u.appointment is not None
    p = u.proposals[index]
    other = p.practitioner.id != u.appointment.practitioner_id
    return RescheduleAppointment(
        appointment_id=u.appointment.id,
        starts_at=p.start,
        practitioner_id=p.practitioner.id if other else None,
    )


def cancel_command(u: Understanding, reason: str = CANCEL_REASON) -> CancelAppointment:
    assert u.appointment is not None
    return CancelAppointment(appointment_id=u.appointment.id, reason=reason)


def day_of(start: datetime, vocab: Vocabulary) -> date:
    return start.astimezone(vocab.zone).date()


def ask(db: Database, vocab: Vocabulary, text: str, now: datetime) -> Understanding:
    """Typed text → what it means and the free times: what the bar and the CLI run."""

    return understand(db, vocab, parse(text, vocab, now), now)
