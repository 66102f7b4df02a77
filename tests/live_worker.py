"""The other workstation of the live tests: a separate process (importable by spawn)."""

from __future__ import annotations

import uuid
from datetime import datetime, time
from typing import Any

from desktop_app.availability.commands import SetWeeklyRules, WeeklyBlockInput
from desktop_app.booking.commands import BookAppointment, CancelAppointment, CheckInAppointment
from desktop_app.booking.errors import SlotTaken
from desktop_app.bootstrap import event_codec, open_app
from desktop_app.clients.commands import RegisterClient
from desktop_app.infra.config import DatabaseChoice, parse_database_url
from desktop_app.kernel.actor import Actor
from desktop_app.kernel.events import Event
from desktop_app.live.feed import last_position
from models import Role


def desk_session(
    url: str,
    desk_id: str,
    practitioner_account_id: str,
    practitioner_id: str,
    service_id: str,
    client_id: str,
    arrived_id: str,
    starts_at: list[str],
) -> list[dict[str, Any]]:
    """Check in, book, cancel, fail to book a taken slot, change a schedule, register a
    client; returns every event this process's bus published, encoded, in order."""
    ctx = open_app(DatabaseChoice(parse_database_url(url), "other desk"), migrate=False)
    codec = event_codec()
    published: list[dict[str, Any]] = []

    def keep(event: Event) -> None:
        published.append(codec.encode(event))

    ctx.bus.subscribe_all(keep)
    desk = Actor(uuid.UUID(desk_id), "Desk 2", frozenset({Role.FRONT_DESK}), "desk-2")
    pract = Actor(
        uuid.UUID(practitioner_account_id), "Dr Live", frozenset({Role.PRACTITIONER}), "room-1"
    )
    pid, service, client = uuid.UUID(practitioner_id), uuid.UUID(service_id), uuid.UUID(client_id)
    try:
        first, second = (datetime.fromisoformat(s) for s in starts_at)
        ctx.bus.handle(CheckInAppointment(appointment_id=uuid.UUID(arrived_id)), desk)
        ctx.bus.handle(
            BookAppointment(
                client_id=client, practitioner_id=pid, service_id=service, starts_at=first
            ),
            desk,
        )
        other = ctx.bus.handle(
            BookAppointment(
                client_id=client, practitioner_id=pid, service_id=service, starts_at=second
            ),
            desk,
        )
        try:
            ctx.bus.handle(
                BookAppointment(
                    client_id=client, practitioner_id=pid, service_id=service, starts_at=second
                ),
                desk,
            )
            raise AssertionError("the taken slot was booked twice")
        except SlotTaken:
            pass
        ctx.bus.handle(
            CancelAppointment(appointment_id=other.appointment_id, reason="Client called"), desk
        )
        ctx.bus.handle(
            SetWeeklyRules(
                practitioner_id=pid,
                blocks=tuple(WeeklyBlockInput(d, time(9), time(17)) for d in range(7)),
            ),
            pract,
        )
        ctx.bus.handle(RegisterClient(full_name="Walk In Person", phone="07700900999"), desk)
        return published
    finally:
        ctx.close()


def commit_clients(url: str, desk_id: str, count: int) -> int:
    """Register `count` clients, one command each; returns the last position written."""
    ctx = open_app(DatabaseChoice(parse_database_url(url), "other desk"), migrate=False)
    desk = Actor(uuid.UUID(desk_id), "Desk 2", frozenset({Role.FRONT_DESK}), "desk-2")
    try:
        for n in range(count):
            ctx.bus.handle(
                RegisterClient(full_name=f"Remote Client {n}", phone=f"0770090{n:04d}"), desk
            )
        with ctx.db.engine.connect() as conn:
            return last_position(conn.connection.cursor())
    finally:
        ctx.close()
