"""The appointment life cycle as data, in one place.

    booked → checked_in → in_progress → completed, or cancelled / no_show

(DESIGN §2). `TRANSITIONS` says, for every life-cycle action, which command
does it, from which statuses it may start and where it leads. The booking
handlers check every move against it (and word their refusals from it); the
desk's buttons and menus are enabled from the same table, so the two cannot
disagree. Everything else here is a small question asked of the table.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from desktop_app.booking.commands import (
    CancelAppointment,
    CheckInAppointment,
    CompleteAppointment,
    MarkNoShow,
    RescheduleAppointment,
    StartAppointment,
)
from desktop_app.kernel.commands import Command
from desktop_app.kernel.errors import ValidationError
from models.enums import LIVE_APPOINTMENT_STATUSES, AppointmentStatus

BOOKED = AppointmentStatus.BOOKED
CHECKED_IN = AppointmentStatus.CHECKED_IN
IN_PROGRESS = AppointmentStatus.IN_PROGRESS
COMPLETED = AppointmentStatus.COMPLETED
CANCELLED = AppointmentStatus.CANCELLED
NO_SHOW = AppointmentStatus.NO_SHOW


class Action(enum.StrEnum):
    """What a desk (or the practitioner) can do to an appointment."""

    CHECK_IN = "check_in"
    START = "start"
    COMPLETE = "complete"
    NO_SHOW = "no_show"
    CANCEL = "cancel"
    RESCHEDULE = "reschedule"


@dataclass(frozen=True)
class Transition:
    action: Action
    command: type[Command]
    # The statuses the action may start from.
    sources: frozenset[AppointmentStatus]
    # Where it leads; None: the status stays (a move to another time).
    target: AppointmentStatus | None
    # "Cannot {verb} RT0001: it is cancelled."
    verb: str


TRANSITIONS: Mapping[Action, Transition] = MappingProxyType(
    {
        t.action: t
        for t in (
            Transition(
                Action.CHECK_IN, CheckInAppointment, frozenset({BOOKED}), CHECKED_IN, "check in"
            ),
            Transition(
                Action.START,
                StartAppointment,
                frozenset({BOOKED, CHECKED_IN}),
                IN_PROGRESS,
                "start",
            ),
            Transition(
                Action.COMPLETE,
                CompleteAppointment,
                frozenset({BOOKED, CHECKED_IN, IN_PROGRESS}),
                COMPLETED,
                "complete",
            ),
            Transition(
                Action.NO_SHOW,
                MarkNoShow,
                frozenset({BOOKED, CHECKED_IN}),
                NO_SHOW,
                "mark as a no-show",
            ),
            Transition(
                Action.CANCEL,
                CancelAppointment,
                frozenset({BOOKED, CHECKED_IN}),
                CANCELLED,
                "cancel",
            ),
            Transition(Action.RESCHEDULE, RescheduleAppointment, frozenset({BOOKED}), None, "move"),
        )
    }
)

# Status → the statuses it may go to next (the table read the other way).
NEXT: Mapping[AppointmentStatus, frozenset[AppointmentStatus]] = MappingProxyType(
    {
        status: frozenset(
            t.target for t in TRANSITIONS.values() if status in t.sources and t.target is not None
        )
        for status in AppointmentStatus
    }
)

# Statuses that occupy the practitioner's time (no two may overlap; the
# database's trigger uses the same set).
OCCUPIES_TIME: frozenset[AppointmentStatus] = LIVE_APPOINTMENT_STATUSES
# Appointments that did not take place: no session to note, and the credits
# a late cancellation or a no-show kept may be returned by a manager.
DID_NOT_TAKE_PLACE: frozenset[AppointmentStatus] = frozenset({CANCELLED, NO_SHOW})
# Nothing follows these.
FINAL: frozenset[AppointmentStatus] = frozenset(s for s, after in NEXT.items() if not after)

# How a refusal names the status an appointment is in.
STATUS_WORDS: Mapping[AppointmentStatus, str] = MappingProxyType(
    {
        BOOKED: "booked",
        CHECKED_IN: "checked in",
        IN_PROGRESS: "in progress",
        COMPLETED: "completed",
        CANCELLED: "cancelled",
        NO_SHOW: "marked as a no-show",
    }
)


def may(action: Action, status: AppointmentStatus) -> bool:
    """Whether `action` may start from `status`."""
    return status in TRANSITIONS[action].sources


def actions_from(status: AppointmentStatus) -> frozenset[Action]:
    """Every action an appointment in `status` allows."""
    return frozenset(a for a, t in TRANSITIONS.items() if status in t.sources)


def enabled(status: AppointmentStatus) -> dict[str, bool]:
    """Action key → whether it is allowed: what the desk's buttons show."""
    return {a.value: may(a, status) for a in Action}


def already_done(action: Action, status: AppointmentStatus) -> bool:
    """True when the appointment is already where `action` leads (a retry,
    two desks at once): the action then changes nothing."""
    return TRANSITIONS[action].target == status


def require(action: Action, status: AppointmentStatus, reference: str) -> None:
    """Refuse, in the core's words, an action the status does not allow."""
    if not may(action, status):
        verb = TRANSITIONS[action].verb
        raise ValidationError(f"Cannot {verb} {reference}: it is {STATUS_WORDS[status]}.")


def took_place(status: AppointmentStatus) -> bool:
    return status not in DID_NOT_TAKE_PLACE


def is_movable(status: AppointmentStatus) -> bool:
    return may(Action.RESCHEDULE, status)
