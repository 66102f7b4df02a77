"""The scheduling commands: plain data, handled in desktop_app.scheduling.handlers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from desktop_app.kernel.commands import Command


@dataclass(frozen=True, kw_only=True)
class QueueReminders(Command):
    as_of: datetime


@dataclass(frozen=True, kw_only=True)
class ExpireHolds(Command):
    as_of: datetime


@dataclass(frozen=True, kw_only=True)
class ExpireNotifications(Command):
    as_of: datetime


@dataclass(frozen=True, kw_only=True)
class FlagOverdueAppointments(Command):
    """Tell the desk about appointments still `booked` well after they ended."""

    as_of: datetime
