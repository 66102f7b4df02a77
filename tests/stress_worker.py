"""Work done by the processes of the booking stress test (importable by spawn)."""

from __future__ import annotations

import random
import uuid
from datetime import datetime

from desktop_app.booking.commands import BookAppointment
from desktop_app.booking.errors import SlotTaken
from desktop_app.bootstrap import open_app
from desktop_app.infra.config import DatabaseChoice, parse_database_url
from desktop_app.kernel.actor import Actor, workstation_name
from models import Role


def race(
    url: str,
    desk_id: str,
    practitioner_id: str,
    service_id: str,
    client_ids: list[str],
    starts: list[str],
    seed: int,
) -> tuple[int, int, list[str]]:
    """Try to book every slot once, in a random order: (booked, refused, other errors)."""
    ctx = open_app(DatabaseChoice(parse_database_url(url), "stress"), migrate=False)
    desk = Actor(uuid.UUID(desk_id), "Desk", frozenset({Role.FRONT_DESK}), workstation_name())
    rng = random.Random(seed)
    order = list(zip(starts, client_ids, strict=True))
    rng.shuffle(order)
    booked = refused = 0
    errors: list[str] = []
    try:
        for start, client in order:
            try:
                ctx.bus.handle(
                    BookAppointment(
                        client_id=uuid.UUID(client),
                        practitioner_id=uuid.UUID(practitioner_id),
                        service_id=uuid.UUID(service_id),
                        starts_at=datetime.fromisoformat(start),
                    ),
                    desk,
                )
                booked += 1
            except SlotTaken:
                refused += 1
            except Exception as exc:  # reported to the test, which fails on any
                errors.append(f"{type(exc).__name__}: {exc}")
    finally:
        ctx.close()
    return booked, refused, errors
