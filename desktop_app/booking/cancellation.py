"""The cancellation policy, one rule for the core and the screens.

Cancelling at least `cancellation_free_hours` before the start returns the
credits an appointment used; later, they are kept unless a manager returns
them with a reason. A no-show keeps them the same way. `is_late` is what
the cancel command applies (services/credits.py), and `outlook` is what the
cancel dialog shows beforehand, so the two cannot disagree.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from desktop_app.clinic.queries import stored_settings
from desktop_app.credits.ledger import credits_held
from desktop_app.infra.database import Database
from desktop_app.kernel.errors import NotFound
from models import Appointment


def is_late(starts_at: datetime, now: datetime, free_hours: int) -> bool:
    """Whether cancelling at `now` is inside the window where credits are kept."""
    return now > starts_at - timedelta(hours=free_hours)


@dataclass(frozen=True)
class CancellationOutlook:
    """What cancelling (or a no-show) would do with an appointment's credits."""

    appointment_id: uuid.UUID
    # Credits the appointment holds now: 0 when paid at the desk.
    credits_held: int
    free_hours: int
    late: bool

    @property
    def credits_back(self) -> int:
        """Returned without a manager's override."""
        return 0 if self.late else self.credits_held


def outlook(db: Database, appointment_id: uuid.UUID, at: datetime) -> CancellationOutlook:
    with db.read_sessions() as s:
        appointment = s.get(Appointment, appointment_id)
        if appointment is None:
            raise NotFound("That appointment does not exist.")
        settings = stored_settings(s)
        held = credits_held(s, appointment_id)
        free_hours = settings.cancellation_free_hours
        return CancellationOutlook(
            appointment_id, held, free_hours, is_late(appointment.starts_at, at, free_hours)
        )


def credits_text(n: int) -> str:
    """'1 credit', '-1 credit', '3 credits'."""
    return f"{n} credit" if abs(n) == 1 else f"{n} credits"


def describe_cancellation(o: CancellationOutlook) -> str:
    """One sentence for the cancel dialog; empty when no credits are at stake."""
    if not o.credits_held:
        return ""
    used = f"the {credits_text(o.credits_held)} it used"
    if o.free_hours == 0:
        when = "after the start" if o.late else "before the start"
    else:
        side = "less" if o.late else "more"
        when = f"{side} than {o.free_hours} h before"
    if o.late:
        return f"Late cancellation ({when}): {used} {_is(o.credits_held)} kept."
    return f"Cancelling now, {when}: {used} {_come(o.credits_held)} back."


def describe_no_show(o: CancellationOutlook) -> str:
    if not o.credits_held:
        return ""
    return (
        f"A no-show follows the cancellation policy: the {credits_text(o.credits_held)} "
        f"it used {_is(o.credits_held)} kept."
    )


def _is(n: int) -> str:
    return "is" if n == 1 else "are"


def _come(n: int) -> str:
    return "comes" if n == 1 else "come"
