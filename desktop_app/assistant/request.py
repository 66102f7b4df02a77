"""What the assistant understood: a plain, frozen request object.

The parser (desktop_app.assistant.parse) turns typed text into a `Request`; the
proposals (desktop_app.assistant.proposals) turn a `Request` into free times
and commands. Nothing here touches the database or Qt.
"""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo


class Action(enum.StrEnum):
    BOOK = "book"
    MOVE = "move"
    CANCEL = "cancel"
    FIND = "find"


class Ask(enum.StrEnum):
    """What a question is about (the part of the request left open)."""

    TEXT = "text"  # nothing understood at all
    CLIENT = "client"  # several clients match
    NEW_CLIENT = "new_client"  # nobody matches: register them?
    SERVICE = "service"
    PRACTITIONER = "practitioner"
    DAY = "day"
    TIME = "time"
    APPOINTMENT = "appointment"  # move/cancel: which appointment


@dataclass(frozen=True)
class Named:
    id: uuid.UUID
    name: str
    # Tells two people of the same name apart (date of birth, phone ending).
    detail: str = ""

    def as_json(self) -> dict[str, str]:
        return {"id": str(self.id), "name": self.name}


@dataclass(frozen=True)
class Question:
    about: Ask
    text: str
    choices: tuple[Named, ...] = ()
    # Readings to choose from that are not stored things ("08:00", "20:00").
    options: tuple[str, ...] = ()

    def as_json(self) -> dict[str, object]:
        out: dict[str, object] = {"about": self.about.value, "text": self.text}
        if self.choices:
            out["choices"] = [
                {**c.as_json(), **({"detail": c.detail} if c.detail else {})} for c in self.choices
            ]
        if self.options:
            out["options"] = list(self.options)
        return out


@dataclass(frozen=True)
class When:
    """Local dates (inclusive) and, within each day, the accepted start times.

    `at` is an exact start; `start`/`end` bound the start time (end exclusive).
    `same_time`: the start time of the appointment being moved.
    """

    day_from: date
    day_to: date
    start: time | None = None
    end: time | None = None
    at: time | None = None
    same_time: bool = False
    # Whether the text named a day (else the default span from today).
    day_given: bool = False

    def bounds(self, zone: ZoneInfo) -> tuple[datetime, datetime]:
        """The window as instants in the clinic's zone: first accepted start to last."""
        first = self.at or self.start or time(0)
        lo = datetime.combine(self.day_from, first, zone)
        if self.at is not None:
            hi = datetime.combine(self.day_to, self.at, zone)
        elif self.end is not None:
            hi = datetime.combine(self.day_to, self.end, zone)
        else:
            hi = datetime.combine(self.day_to + timedelta(days=1), time(0), zone)
        return lo, hi

    def accepts(self, local_start: datetime) -> bool:
        day = local_start.date()
        if not self.day_from <= day <= self.day_to:
            return False
        t = local_start.time().replace(tzinfo=None)
        if self.at is not None:
            return t == self.at
        if self.start is not None and t < self.start:
            return False
        return not (self.end is not None and t >= self.end)


@dataclass(frozen=True)
class Request:
    text: str
    action: Action
    # Candidates for the client: one is a match, several are a question.
    clients: tuple[Named, ...] = ()
    # The name as typed when nobody matched (for a quick registration).
    new_client_name: str | None = None
    # None: anyone who offers the service.
    practitioner: Named | None = None
    practitioner_given: bool = False
    service: Named | None = None
    # When the new time should be (book, find; move: the new time).
    when: When | None = None
    # Move and cancel: which existing appointment (its day and time).
    current: When | None = None
    # "same as last time": service and practitioner of the client's last visit.
    same_as_last: bool = False
    # Move and cancel: the appointment chosen when several matched.
    appointment_id: uuid.UUID | None = None
    questions: tuple[Question, ...] = field(default=())

    @property
    def client(self) -> Named | None:
        return self.clients[0] if len(self.clients) == 1 else None

    def asks(self, about: Ask) -> bool:
        return any(q.about is about for q in self.questions)
